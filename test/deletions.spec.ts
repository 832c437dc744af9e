import { randomUUID } from 'node:crypto';
import { DeletionsService } from '../src/modules/sync/deletions.service';
import { dbClient, DbClient } from './support/db';
import { syncHorizonPassed } from './support/sync-horizon';
import { codeOf, createApiKey, createReadingList, joinChapter, registerUser } from './support/factories';
import { LEAVE_CHAPTER } from './support/documents';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const DELETIONS = `query($o: ID!, $since: DateTime!, $first: Int, $after: String) {
  deletions(organisationId: $o, since: $since, first: $first, after: $after) {
    totalCount edges { cursor node { kind id deletedAt } } pageInfo { endCursor hasNextPage }
  }
}`;
const EPOCH = '2000-01-01T00:00:00Z';

describe('Query.deletions', () => {
  let t: TestApp;
  let db: DbClient;
  let world: World;
  /** Tombstones made in beforeAll, in order: a membership left, a membership removed, a reading list deleted. */
  const made: Array<{ kind: string; id: string }> = [];

  const list = async (token: string | undefined, organisationId = world.org.id, since = EPOCH) => t.gql(DELETIONS, { o: organisationId, since }, token);
  const kinds = (res: { data?: any }) => res.data.deletions.edges.map((e: { node: { kind: string } }) => e.node.kind);

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    world = await createWorld(t);
    const leaver = await registerUser(t, 'Lea Leaver');
    const leftId = await joinChapter(t, leaver, world.chapterA.id);
    expect((await t.gql(LEAVE_CHAPTER, { id: world.chapterA.id }, leaver.token)).data.leaveChapter).toBe(true);
    made.push({ kind: 'MEMBERSHIP', id: leftId });
    const removed = await registerUser(t, 'Remo Removed');
    const removedId = await joinChapter(t, removed, world.chapterA.id);
    const res = await t.gql(`mutation($id: ID!) { removeMembership(membershipId: $id) }`, { id: removedId }, world.organiser.token);
    expect(res.errors).toBeUndefined();
    made.push({ kind: 'MEMBERSHIP', id: removedId });
    const readingList = await createReadingList(t, world.organiser, world.chapterA.id);
    expect((await t.gql(`mutation($id: ID!) { deleteReadingList(id: $id) }`, { id: readingList.id }, world.organiser.token)).errors).toBeUndefined();
    made.push({ kind: 'READING_LIST', id: readingList.id });
    await syncHorizonPassed(db);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('admins see every kind, oldest first, with the deleted ids', async () => {
    const res = await list(world.admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.deletions.edges.map((e: { node: { kind: string; id: string } }) => ({ kind: e.node.kind, id: e.node.id }))).toEqual(made);
    expect(res.data.deletions.totalCount).toBe(3);
  });

  it('pages with a cursor and narrows by `since`', async () => {
    const first = await t.gql(DELETIONS, { o: world.org.id, since: EPOCH, first: 2 }, world.admin.token);
    expect(first.data.deletions.pageInfo.hasNextPage).toBe(true);
    const rest = await t.gql(DELETIONS, { o: world.org.id, since: EPOCH, first: 2, after: first.data.deletions.pageInfo.endCursor }, world.admin.token);
    expect(rest.data.deletions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([made[2].id]);
    const future = await list(world.admin.token, world.org.id, new Date(Date.now() + 60_000).toISOString());
    expect(future.data.deletions.edges).toEqual([]);
  });

  it('a key of the organisation sees only the kinds its read scopes cover; a key without read scopes sees none', async () => {
    const members = await createApiKey(t, world.admin, world.org.id, ['MEMBERS_READ']);
    expect(kinds(await list(members.secret))).toEqual(['MEMBERSHIP', 'MEMBERSHIP']);
    const lists = await createApiKey(t, world.admin, world.org.id, ['READING_LISTS_READ', 'EVENTS_READ']);
    expect(kinds(await list(lists.secret))).toEqual(['READING_LIST']);
    const writer = await createApiKey(t, world.admin, world.org.id, ['SIGNATURES_WRITE']);
    const none = await list(writer.secret);
    expect(none.errors).toBeUndefined();
    expect(none.data.deletions.edges).toEqual([]);
    expect(none.data.deletions.totalCount).toBe(0);
  });

  it('organisers, members, other organisations’ admins and keys get FORBIDDEN; an unknown organisation NOT_FOUND; anonymous UNAUTHENTICATED', async () => {
    expect(codeOf(await list(world.organiser.token))).toBe('FORBIDDEN');
    expect(codeOf(await list(world.memberA.token))).toBe('FORBIDDEN');
    expect(codeOf(await list(world.outsider.token))).toBe('FORBIDDEN');
    const otherKey = await createApiKey(t, world.outsider, world.otherOrg.id, ['MEMBERS_READ']);
    expect(codeOf(await list(otherKey.secret))).toBe('FORBIDDEN');
    expect(codeOf(await list(world.admin.token, randomUUID()))).toBe('NOT_FOUND');
    expect(codeOf(await list(undefined))).toBe('UNAUTHENTICATED');
  });

  it('the sweep forgets tombstones older than 90 days and keeps the rest', async () => {
    const old = randomUUID();
    await db.query(`INSERT INTO tombstones (organisation_id, kind, subject_id, deleted_at) VALUES ($1, 'EVENT', $2, now() - interval '91 days')`, [
      world.org.id,
      old,
    ]);
    expect(await t.app.get(DeletionsService).sweep()).toBeGreaterThanOrEqual(1);
    const { rows } = await db.query('SELECT subject_id FROM tombstones WHERE organisation_id = $1 ORDER BY change_xid', [world.org.id]);
    expect(rows.map((r) => r.subject_id)).toEqual(made.map((m) => m.id));
  });
});
