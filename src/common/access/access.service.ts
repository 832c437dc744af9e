import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { preparedQuery } from '../database/raw-reads';
import { Grants, MembershipGrant } from './grants';

@Injectable()
export class AccessService {
  constructor(private readonly dataSource: DataSource) {}

  /** Loads the actor's admin rights and memberships in one statement. */
  async grantsFor(actor: Actor): Promise<Grants> {
    if (actor.kind !== 'user') return new Grants(actor);
    const rows: Array<{ organisation_id: string; chapter_id: string | null; role: MembershipGrant['role']; status: MembershipGrant['status'] }> =
      await preparedQuery(
        this.dataSource,
        `SELECT organisation_id, NULL::uuid AS chapter_id, NULL AS role, NULL AS status FROM organisation_admins WHERE user_id = $1
         UNION ALL
         SELECT c.organisation_id, m.chapter_id, m.role, m.status FROM memberships m JOIN chapters c ON c.id = m.chapter_id WHERE m.user_id = $1`,
        [actor.userId],
      );
    const adminOf = new Set<string>();
    const memberships = new Map<string, MembershipGrant>();
    for (const row of rows) {
      if (row.chapter_id) memberships.set(row.chapter_id, { organisationId: row.organisation_id, role: row.role, status: row.status });
      else adminOf.add(row.organisation_id);
    }
    return new Grants(actor, adminOf, memberships);
  }

  /**
   * Which of these API keys still authenticate (not revoked, not deleted): long-lived connections
   * authenticated once re-check their key with it, one statement for all of an instance's sockets.
   */
  async liveApiKeyIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await preparedQuery<{ id: string }>(this.dataSource, 'SELECT id FROM api_keys WHERE id = ANY($1) AND revoked_at IS NULL', [ids]);
    return new Set(rows.map((r) => r.id));
  }
}
