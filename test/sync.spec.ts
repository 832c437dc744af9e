import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { dbClient, DbClient } from './support/db';
import { syncHorizonPassed } from './support/sync-horizon';
import { confirmQueuedSignatures, createEvent, createPetition, joinChapter, openPetition, publishEvent, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const SIGN = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`;
const RSVP = `mutation($e: ID!) { rsvp(input: { eventId: $e }) { attendance { id status } } }`;
const EPOCH = '2000-01-01T00:00:00.000Z';

/** One page of each feed a partner follows, from the cursor it holds (one request each, as the cost limit wants). */
const FEEDS = {
  events: `query($o: ID!, $since: DateTime!, $after: String) {
    page: events(filter: { organisationId: $o, updatedSince: $since }, first: 100, after: $after) {
      edges { node { id title goingCount updatedAt } } pageInfo { endCursor hasNextPage } } }`,
  petitions: `query($o: ID!, $since: DateTime!, $after: String) {
    page: petitions(filter: { organisationId: $o, updatedSince: $since }, first: 100, after: $after) {
      edges { node { id signatureCount updatedAt } } pageInfo { endCursor hasNextPage } } }`,
  attendees: `query($e: ID!, $since: DateTime!, $after: String) {
    event(id: $e) { page: attendees(updatedSince: $since, first: 100, after: $after) {
      edges { node { id status updatedAt } } pageInfo { endCursor hasNextPage } } } }`,
  signatures: `query($p: ID!, $since: DateTime!, $after: String) {
    petition(id: $p) { page: signatures(updatedSince: $since, first: 100, after: $after) {
      edges { node { id fullName updatedAt } } pageInfo { endCursor hasNextPage } } } }`,
  deletions: `query($o: ID!, $since: DateTime!, $after: String) {
    page: deletions(organisationId: $o, since: $since, first: 100, after: $after) {
      edges { node { kind id deletedAt } } pageInfo { endCursor hasNextPage } } }`,
};

interface Page<N> {
  edges: Array<{ node: N }>;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** A partner's copy, kept by following the feeds with the last cursor of each. */
class Poller {
  readonly events = new Map<string, { title: string; goingCount: number }>();
  readonly petitions = new Map<string, number>();
  readonly signatures = new Map<string, string>();
  readonly attendees = new Map<string, string>();
  /** Every (id, visible fields, updatedAt) delivered, to prove nothing comes twice without having changed. */
  readonly delivered = new Set<string>();
  duplicates: string[] = [];
  private cursors: Record<keyof typeof FEEDS, string | null> = { events: null, petitions: null, attendees: null, signatures: null, deletions: null };

  constructor(
    private readonly t: TestApp,
    private readonly token: string,
    private readonly organisationId: string,
    private readonly petitionId: string,
    private readonly eventId: string,
  ) {}

  /** Reads every feed until none has a next page, tombstones last (so a row deleted after its read is dropped). */
  async catchUp(): Promise<void> {
    for (const feed of ['events', 'petitions', 'attendees', 'signatures', 'deletions'] as const) {
      for (let more = true; more;) {
        const res = await this.t.gql(
          FEEDS[feed],
          { o: this.organisationId, p: this.petitionId, e: this.eventId, since: EPOCH, after: this.cursors[feed] },
          this.token,
        );
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        const page = (feed === 'signatures' ? res.data.petition.page : feed === 'attendees' ? res.data.event.page : res.data.page) as Page<any>;
        for (const { node } of page.edges) this.apply(feed, node);
        if (page.pageInfo.endCursor) this.cursors[feed] = page.pageInfo.endCursor;
        more = page.pageInfo.hasNextPage;
      }
    }
  }

  private apply(feed: keyof typeof FEEDS, node: any): void {
    if (feed === 'events') {
      this.once(`event:${node.id}:${node.title}:${node.goingCount}:${node.updatedAt}`);
      this.events.set(node.id, { title: node.title, goingCount: node.goingCount });
    } else if (feed === 'petitions') {
      this.petitions.set(node.id, node.signatureCount);
    } else if (feed === 'attendees') {
      this.once(`attendance:${node.id}:${node.status}:${node.updatedAt}`);
      this.attendees.set(node.id, node.status);
    } else if (feed === 'signatures') {
      this.once(`signature:${node.id}:${node.fullName}`);
      this.signatures.set(node.id, node.fullName);
    } else {
      this.once(`deletion:${node.kind}:${node.id}`);
      if (node.kind === 'SIGNATURE') this.signatures.delete(node.id);
    }
  }

  private once(version: string): void {
    if (this.delivered.has(version)) this.duplicates.push(version);
    this.delivered.add(version);
  }
}

describe('incremental sync', () => {
  let t: TestApp;
  let db: DbClient;
  let world: World;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    world = await createWorld(t);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('an RSVP moves its event’s updatedAt; a signature moves its petition’s updatedAt without writing the petition row', async () => {
    const event = await createEvent(t, world.organiser, world.chapterA.id);
    await publishEvent(t, world.organiser, event.id);
    const petition = await createPetition(t, world.organiser, world.org.id, world.chapterA.id);
    await openPetition(t, world.organiser, petition.id);
    const read = async () =>
      (
        await t.gql(
          `query($e: ID!, $p: ID!) { event(id: $e) { updatedAt goingCount } petition(id: $p) { updatedAt signatureCount } }`,
          { e: event.id, p: petition.id },
          world.admin.token,
        )
      ).data;
    const before = await read();
    const petitionRow = async () => (await db.query('SELECT updated_at, change_xid FROM petitions WHERE id = $1', [petition.id])).rows[0];
    const rowBefore = await petitionRow();

    await t.gql(RSVP, { e: event.id }, world.memberA.token);
    await t.gql(SIGN, { input: { petitionId: petition.id, fullName: 'Ana Quispe', email: `s-${randomUUID()}@example.org` } });
    // Double opt-in: the anonymous signature is only queued; it counts once stored and confirmed (as its link would).
    expect((await read()).petition).toEqual(before.petition);
    expect(await confirmQueuedSignatures(t)).toBe(1);
    const after = await read();
    expect(after.event.goingCount).toBe(before.event.goingCount + 1);
    expect(new Date(after.event.updatedAt).getTime()).toBeGreaterThan(new Date(before.event.updatedAt).getTime());
    expect(after.petition.signatureCount).toBe(before.petition.signatureCount + 1);
    expect(new Date(after.petition.updatedAt).getTime()).toBeGreaterThan(new Date(before.petition.updatedAt).getTime());
    expect(await petitionRow()).toEqual(rowBefore);

    // The petition comes back in its feed after the signature, and the attendance in the event's attendees.
    await syncHorizonPassed(db);
    const feeds = await t.gql(
      `query($o: ID!, $e: ID!, $since: DateTime!) {
        petitions(filter: { organisationId: $o, updatedSince: $since }) { edges { node { id } } }
        event(id: $e) { attendees(updatedSince: $since) { edges { node { status updatedAt } } } }
      }`,
      { o: world.org.id, e: event.id, since: before.petition.updatedAt },
      world.admin.token,
    );
    expect(feeds.data.petitions.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(petition.id);
    expect(feeds.data.event.attendees.edges).toHaveLength(1);
  });

  it('Membership.updatedAt moves when the membership changes', async () => {
    const person = await registerUser(t, 'Mona Member');
    const membershipId = await joinChapter(t, person, world.chapterA.id);
    const [{ updated_at: before }] = (await db.query('SELECT updated_at FROM memberships WHERE id = $1', [membershipId])).rows;
    const res = await t.gql(
      `mutation($id: ID!) { setMembershipRole(membershipId: $id, role: ORGANISER) { role createdAt updatedAt } }`,
      { id: membershipId },
      world.admin.token,
    );
    expect(res.data.setMembershipRole.role).toBe('ORGANISER');
    expect(new Date(res.data.setMembershipRole.updatedAt).getTime()).toBeGreaterThan(before.getTime());
    const [{ updated_at: after }] = (await db.query('SELECT updated_at FROM memberships WHERE id = $1', [membershipId])).rows;
    expect(res.data.setMembershipRole.updatedAt).toBe(after.toISOString());
  });

  it('updatedSince lists oldest change first and leaves out older changes; events include past ones', async () => {
    const [{ since }] = (await db.query(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`)).rows;
    const [a, b] = [await createEvent(t, world.organiser, world.chapterA.id), await createEvent(t, world.organiser, world.chapterA.id)];
    await db.query(`UPDATE events SET ends_at = now() - interval '1 day', starts_at = now() - interval '2 days' WHERE id = $1`, [b.id]);
    await publishEvent(t, world.organiser, a.id);
    await syncHorizonPassed(db);
    const res = await t.gql(
      `query($o: ID!, $since: DateTime!) { events(filter: { organisationId: $o, updatedSince: $since }) { edges { node { id } } } }`,
      { o: world.org.id, since },
      world.admin.token,
    );
    expect(res.data.events.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([b.id, a.id]);
    const later = await t.gql(
      `query($o: ID!, $since: DateTime!) { events(filter: { organisationId: $o, updatedSince: $since }) { edges { node { id } } } }`,
      { o: world.org.id, since: new Date(Date.now() + 60_000).toISOString() },
      world.admin.token,
    );
    expect(later.data.events.edges).toEqual([]);
  });

  it('a poller every 100 ms during concurrent writes (committing out of timestamp order) ends with exactly the server’s state', async () => {
    const petition = await createPetition(t, world.organiser, world.org.id, world.chapterA.id);
    await openPetition(t, world.organiser, petition.id);
    const events = await Promise.all(Array.from({ length: 5 }, () => createEvent(t, world.organiser, world.chapterA.id)));
    await Promise.all(events.map((e) => publishEvent(t, world.organiser, e.id)));
    const rsvpers: TestUser[] = await Promise.all(Array.from({ length: 6 }, (_, i) => registerUser(t, `Rsvp Person${i}`)));
    const poller = new Poller(t, world.admin.token, world.org.id, petition.id, events[0].id);
    const clients = await Promise.all(Array.from({ length: 4 }, () => dbClient(t.databaseUrl)));
    for (const c of clients) c.on('error', () => undefined);
    const stats = { signed: 0, confirmed: 0, sqlCommits: 0, rollbacks: 0, outOfOrder: 0, rsvps: 0, polls: 0 };

    // 20 s of writes, as issue 11's "done when" asks; the whole test stays under ~30 s.
    const until = Date.now() + 20_000;
    let commitStamp = 0;
    /** Holds a transaction open a random while, so transactions commit out of their timestamp order. */
    const sqlWriter = async (c: DbClient) => {
      while (Date.now() < until) {
        await c.query('BEGIN');
        const [{ started }] = (await c.query(`SELECT extract(epoch from now()) * 1000 AS started`)).rows;
        const pick = randomInt(10);
        if (pick < 4) {
          await c.query(`UPDATE events SET title = $2 WHERE id = $1`, [events[randomInt(events.length)].id, `Vigil ${randomUUID()}`]);
        } else if (pick < 7) {
          await c.query(`UPDATE signatures SET full_name = $2 WHERE id = (SELECT id FROM signatures WHERE petition_id = $1 ORDER BY random() LIMIT 1)`, [
            petition.id,
            `Name ${randomUUID()}`,
          ]);
        } else {
          // What the sweep of unconfirmed signatures does: delete and leave a tombstone in one transaction.
          const { rows } = await c.query(
            `DELETE FROM signatures WHERE id = (SELECT id FROM signatures WHERE petition_id = $1 ORDER BY random() LIMIT 1) RETURNING id`,
            [petition.id],
          );
          if (rows[0]) await c.query(`INSERT INTO tombstones (organisation_id, kind, subject_id) VALUES ($1, 'SIGNATURE', $2)`, [world.org.id, rows[0].id]);
        }
        await delay(randomInt(300));
        if (randomInt(8) === 0) {
          await c.query('ROLLBACK');
          stats.rollbacks++;
          continue;
        }
        await c.query('COMMIT');
        if (Number(started) < commitStamp) stats.outOfOrder++;
        commitStamp = Math.max(commitStamp, Number(started));
        stats.sqlCommits++;
      }
    };
    const signer = async () => {
      while (Date.now() < until) {
        const res = await t.gql(SIGN, { input: { petitionId: petition.id, fullName: 'Ana Quispe', email: `p-${randomUUID()}@example.org` } });
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        stats.signed++;
      }
    };
    /** Double opt-in: the queued signatures are stored and confirmed (as the job and the emailed link would) while everything else runs. */
    const confirmer = async () => {
      while (Date.now() < until) {
        stats.confirmed += await confirmQueuedSignatures(t);
        await delay(randomInt(200));
      }
    };
    /** People RSVP to the first event (moving its goingCount) and some cancel again. */
    const rsvper = async () => {
      for (const person of rsvpers) {
        if (Date.now() >= until) break;
        const res = await t.gql(RSVP, { e: events[0].id }, person.token);
        if (res.errors) throw new Error(JSON.stringify(res.errors));
        stats.rsvps++;
        if (randomInt(2) === 0) await t.gql(`mutation($e: ID!) { cancelRsvp(eventId: $e) { id } }`, { e: events[0].id }, person.token);
        await delay(randomInt(1000));
      }
    };
    let writing = true;
    const polling = (async () => {
      while (writing) {
        await poller.catchUp();
        stats.polls++;
        await delay(100);
      }
    })();
    try {
      await Promise.all([...clients.map(sqlWriter), signer(), signer(), confirmer(), rsvper()]);
      stats.confirmed += await confirmQueuedSignatures(t);
    } finally {
      writing = false;
      await Promise.all(clients.map((c) => c.end()));
    }
    await polling;
    // Every writer has committed: once no older transaction runs anywhere, one more round brings the copy up to date.
    await syncHorizonPassed(db);
    await poller.catchUp();

    const serverEvents = (await db.query(`SELECT id, title, going_count FROM events WHERE organisation_id = $1`, [world.org.id])).rows;
    expect(Object.fromEntries(poller.events)).toEqual(Object.fromEntries(serverEvents.map((r) => [r.id, { title: r.title, goingCount: r.going_count }])));
    const serverAttendees = (await db.query(`SELECT id, status FROM attendances WHERE event_id = $1`, [events[0].id])).rows;
    expect(Object.fromEntries(poller.attendees)).toEqual(Object.fromEntries(serverAttendees.map((r) => [r.id, r.status])));
    expect(serverAttendees.length).toBeGreaterThan(0);
    // The signatures feed lists confirmed signatures only.
    const serverSignatures = (await db.query(`SELECT id, full_name FROM signatures WHERE petition_id = $1 AND confirmed_at IS NOT NULL`, [petition.id])).rows;
    expect(Object.fromEntries(poller.signatures)).toEqual(Object.fromEntries(serverSignatures.map((r) => [r.id, r.full_name])));
    const serverCounts = (
      await db.query(
        `SELECT p.id, (SELECT sum(count)::int FROM petition_signature_counts c WHERE c.petition_id = p.id) AS n FROM petitions p WHERE organisation_id = $1`,
        [world.org.id],
      )
    ).rows;
    expect(Object.fromEntries(poller.petitions)).toEqual(Object.fromEntries(serverCounts.map((r) => [r.id, r.n])));
    expect(poller.duplicates).toEqual([]);
    // The run did what it claims: writes of every kind, commits out of timestamp order, many polls.
    expect(stats.signed).toBeGreaterThan(20);
    expect(stats.confirmed).toBeGreaterThan(20);
    expect(stats.sqlCommits).toBeGreaterThan(20);
    expect(stats.outOfOrder).toBeGreaterThan(0);
    expect(stats.polls).toBeGreaterThan(20);
    expect([...poller.delivered].some((v) => v.startsWith('deletion:SIGNATURE'))).toBe(true);
  }, 60_000);
});
