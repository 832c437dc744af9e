import type { SelectQueryBuilder } from 'typeorm';
import type { Actor, ApiScope } from '../../src/common/auth/actor';
import { KeyScopes, whereVisibleTo } from '../../src/common/access/visibility-sql';

/** The condition and parameters whereVisibleTo adds, caught by a stand-in query builder. */
function condition(actor: Actor, options: Parameters<typeof whereVisibleTo>[4] = {}) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  const qb = { andWhere: (sql: string, params: Record<string, unknown>) => calls.push([sql, params]) } as unknown as SelectQueryBuilder<any>;
  whereVisibleTo(qb, 'e', actor, SCOPES, options);
  expect(calls).toHaveLength(1);
  return { sql: calls[0][0], params: calls[0][1] };
}

const SCOPES: KeyScopes = { manage: 'EVENTS_WRITE', read: ['EVENTS_READ', 'ATTENDEES_READ'] };
const key = (...scopes: ApiScope[]): Actor => ({ kind: 'apiKey', apiKeyId: 'k', organisationId: 'org-1', scopes: new Set(scopes) });

describe('whereVisibleTo', () => {
  it('binds the user id for a user, and no organisation for keys', () => {
    expect(condition({ kind: 'user', userId: 'u-1' }).params).toEqual({ userId: 'u-1', keyManages: null, keyReads: null });
    expect(condition({ kind: 'anonymous' }).params).toEqual({ userId: null, keyManages: null, keyReads: null });
  });

  it("lets a key with the manage scope see all of its organisation's things, drafts included", () => {
    expect(condition(key('EVENTS_WRITE')).params).toEqual({ userId: null, keyManages: 'org-1', keyReads: null });
  });

  it("lets a key with any read scope see its organisation's published things", () => {
    expect(condition(key('ATTENDEES_READ')).params).toEqual({ userId: null, keyManages: null, keyReads: 'org-1' });
    expect(condition(key('PETITIONS_READ')).params).toEqual({ userId: null, keyManages: null, keyReads: null });
  });

  it('uses the given published test and shares instead of the defaults', () => {
    expect(condition({ kind: 'anonymous' }).sql).toContain(`e.status <> 'DRAFT'`);
    const custom = condition(
      { kind: 'anonymous' },
      { published: 'e.publishedAt IS NOT NULL', sharedWith: 'SELECT 1 FROM shares shared WHERE shared.list_id = e.id' },
    );
    expect(custom.sql).not.toContain(`e.status <> 'DRAFT'`);
    expect(custom.sql).toContain('e.publishedAt IS NOT NULL');
    expect(custom.sql).toContain('EXISTS (SELECT 1 FROM shares shared WHERE shared.list_id = e.id AND shared.chapter_id IN (');
  });
});
