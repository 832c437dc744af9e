import { randomBytes, randomUUID } from 'node:crypto';
import {
  confirmQueuedSignatures,
  createApiKey,
  createChapter,
  createOrganisation,
  createPetition,
  joinChapter,
  makeOrganiser,
  openPetition,
  registerUser,
  STORED_SIGNATURES,
  TestUser,
} from './support/factories';
import { dbClient, DbClient } from './support/db';
import { CLOSE_PETITION } from './support/documents';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';
import { badInput, fails, ok } from './support/expectations';
import { createWorld, World } from './support/world';

const unique = () => randomBytes(4).toString('hex');
const DAY = 24 * 3600_000;
/** An ISO instant `d` days from now (negative: in the past). */
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const PETITION_FIELDS = `id slug title target body goal status visibility closesAt createdAt signatureCount
  organisation { id } chapter { id } recentSignatures { displayName country comment createdAt }`;
const CREATE = `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { ${PETITION_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePetitionInput!) { updatePetition(id: $id, input: $input) { ${PETITION_FIELDS} } }`;
const OPEN = `mutation($id: ID!) { openPetition(id: $id) { id status closesAt } }`;
const PETITION = `query($id: ID!) { petition(id: $id) { ${PETITION_FIELDS} } }`;
const PETITIONS = `query($filter: PetitionFilter, $first: Int, $after: String) {
  petitions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } }
  }
}`;
const CHAPTER_PETITIONS = `query($id: ID!, $first: Int) { chapter(id: $id) { id petitions(first: $first) { totalCount edges { node { id } } } } }`;
const SIGN = `mutation($input: SignPetitionInput!) {
  signPetition(input: $input) { petition { id status signatureCount recentSignatures { displayName country comment createdAt } } }
}`;
const SIGNATURES = `query($id: ID!, $first: Int, $after: String) {
  petition(id: $id) {
    id title signatureCount
    signatures(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id fullName email postcode country comment displayPublicly contactConsent source createdAt } }
    }
  }
}`;

/** Runs `jobs` with at most `size` in flight; results in job order. */
async function pool<T>(size: number, jobs: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

/** A valid signPetition input with a fresh email. */
const signer = (petitionId: string, extra: Record<string, unknown> = {}) => ({
  petitionId,
  fullName: 'Ana María Quispe',
  email: `signer-${unique()}@example.org`,
  ...extra,
});

/** The shared world and two API keys of its organisation. */
interface PetitionsWorld extends World {
  writeKey: string; // PETITIONS_WRITE of org
  readKey: string; // PETITIONS_READ of org
}

describe('petitions', () => {
  let t: TestApp;
  let db: DbClient;
  let w: PetitionsWorld;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    const world = await createWorld(t);
    const [writeKey, readKey] = await Promise.all([
      createApiKey(t, world.admin, world.org.id, ['PETITIONS_WRITE']),
      createApiKey(t, world.admin, world.org.id, ['PETITIONS_READ']),
    ]);
    w = { ...world, writeKey: writeKey.secret, readKey: readKey.secret };
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const petitionAs = async (id: string, token?: string) => ok(await t.gql(PETITION, { id }, token)).petition;
  /** An OPEN petition of `chapterId` (org-wide when null) made by `by`. */
  const opened = async (by: TestUser | string, chapterId: string | null, extra: Record<string, unknown> = {}, organisationId = w.org.id) => {
    const petition = await createPetition(t, by, organisationId, chapterId, extra);
    await openPetition(t, by, petition.id);
    return petition;
  };
  /** signPetition, then (double opt-in) every queued signature is confirmed as its emailed link would: the answer shows the count before. */
  const sign = async (input: Record<string, unknown>, token?: string, headers?: Record<string, string>) => {
    const res = await t.gql(SIGN, { input }, token, headers);
    await confirmQueuedSignatures(t);
    return res;
  };
  const rowsOf = async (petitionId: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM signatures WHERE petition_id = $1`, [petitionId])).rows[0].n;
  const shardSumOf = async (petitionId: string): Promise<number> =>
    (await db.query(`SELECT coalesce(sum(count), 0)::int AS n FROM petition_signature_counts WHERE petition_id = $1`, [petitionId])).rows[0].n;
  const petitionsInOrg = async (organisationId: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM petitions WHERE organisation_id = $1`, [organisationId])).rows[0].n;

  describe('createPetition', () => {
    const input = (extra: Record<string, unknown> = {}): Record<string, any> => ({
      organisationId: w.org.id,
      chapterId: w.chapterA.id,
      title: `Water for all ${unique()}`,
      target: 'The Minister of Water',
      body: 'Stop the dam.',
      ...extra,
    });

    it('lets a chapter organiser create a DRAFT chapter petition with what they sent and a slug derived from the title', async () => {
      const u = unique();
      const sent = input({
        title: `Free the Río Seco Five ${u}!`,
        target: 'The Foreign Secretary',
        body: 'First paragraph.\n\nSecond paragraph.',
        goal: 1000,
        closesAt: inDays(30),
        visibility: 'ORGANISATION',
      });
      const created = ok(await t.gql(CREATE, { input: sent }, w.organiser.token)).createPetition;
      expect(created).toEqual({
        id: expect.any(String),
        slug: `free-the-rio-seco-five-${u}`,
        title: sent.title,
        target: 'The Foreign Secretary',
        body: 'First paragraph.\n\nSecond paragraph.',
        goal: 1000,
        status: 'DRAFT',
        visibility: 'ORGANISATION',
        closesAt: sent.closesAt,
        createdAt: expect.any(String),
        signatureCount: 0,
        organisation: { id: w.org.id },
        chapter: { id: w.chapterA.id },
        recentSignatures: [],
      });
      expect(Math.abs(Date.parse(created.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(await petitionAs(created.id, w.organiser.token)).toEqual(created);

      // The same title again in the organisation gets -2, then -3; in another organisation the plain slug.
      const second = ok(await t.gql(CREATE, { input: input({ title: sent.title, chapterId: w.chapterB.id }) }, w.organiserB.token)).createPetition;
      expect(second.slug).toBe(`free-the-rio-seco-five-${u}-2`);
      const third = ok(await t.gql(CREATE, { input: input({ title: sent.title, chapterId: undefined }) }, w.admin.token)).createPetition;
      expect(third.slug).toBe(`free-the-rio-seco-five-${u}-3`);
      const elsewhere = ok(
        await t.gql(CREATE, { input: input({ title: sent.title, organisationId: w.otherOrg.id, chapterId: w.otherChapter.id }) }, w.outsider.token),
      ).createPetition;
      expect(elsewhere.slug).toBe(`free-the-rio-seco-five-${u}`);

      // An explicit slug is used as sent; a taken one is a CONFLICT.
      const explicit = ok(await t.gql(CREATE, { input: input({ slug: `rio-${u}` }) }, w.organiser.token)).createPetition;
      expect(explicit.slug).toBe(`rio-${u}`);
      const before = await petitionsInOrg(w.org.id);
      fails(await t.gql(CREATE, { input: input({ slug: `free-the-rio-seco-five-${u}` }) }, w.organiser.token), 'CONFLICT');
      expect(await petitionsInOrg(w.org.id)).toBe(before);
    });

    it('defaults to PUBLIC with no goal or closing time, and gives the petition its count shards at 0', async () => {
      const created = ok(await t.gql(CREATE, { input: input() }, w.organiser.token)).createPetition;
      expect(created).toMatchObject({ visibility: 'PUBLIC', goal: null, closesAt: null, status: 'DRAFT', signatureCount: 0 });
      const { rows } = await db.query(`SELECT count(*)::int AS shards, sum(count)::int AS total FROM petition_signature_counts WHERE petition_id = $1`, [
        created.id,
      ]);
      expect(rows[0].shards).toBeGreaterThan(1);
      expect(rows[0].total).toBe(0);
    });

    it('lets an admin create an organisation-wide petition; an organiser of a chapter may not', async () => {
      const wide = ok(await t.gql(CREATE, { input: input({ chapterId: undefined }) }, w.admin.token)).createPetition;
      expect(wide).toMatchObject({ status: 'DRAFT', chapter: null, organisation: { id: w.org.id } });
      const before = await petitionsInOrg(w.org.id);
      fails(await t.gql(CREATE, { input: input({ chapterId: undefined }) }, w.organiser.token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input({ chapterId: null }) }, w.organiserB.token), 'FORBIDDEN');
      expect(await petitionsInOrg(w.org.id)).toBe(before);
    });

    it('refuses members, organisers of another chapter and outsiders with FORBIDDEN and anonymous callers with UNAUTHENTICATED', async () => {
      const before = await petitionsInOrg(w.org.id);
      fails(await t.gql(CREATE, { input: input() }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input() }, w.organiserB.token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input() }, w.outsider.token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input() }, w.stranger.token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input() }, w.readKey), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input: input() }), 'UNAUTHENTICATED');
      expect(await petitionsInOrg(w.org.id)).toBe(before);
    });

    it('lets a PETITIONS_WRITE key create chapter and organisation-wide petitions of its organisation only', async () => {
      const chapterPetition = ok(await t.gql(CREATE, { input: input() }, w.writeKey)).createPetition;
      expect(chapterPetition).toMatchObject({ status: 'DRAFT', chapter: { id: w.chapterA.id } });
      const wide = ok(await t.gql(CREATE, { input: input({ chapterId: undefined }) }, w.writeKey)).createPetition;
      expect(wide).toMatchObject({ status: 'DRAFT', chapter: null });
      const before = await petitionsInOrg(w.otherOrg.id);
      fails(await t.gql(CREATE, { input: input({ organisationId: w.otherOrg.id, chapterId: w.otherChapter.id }) }, w.writeKey), 'FORBIDDEN');
      expect(await petitionsInOrg(w.otherOrg.id)).toBe(before);
    });

    it.each([
      [{ title: '' }, 'title'],
      [{ title: 'Line\u0007bell' }, 'title'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ target: 'x'.repeat(201) }, 'target'],
      [{ target: '' }, 'target'],
      [{ body: 'x'.repeat(20_001) }, 'body'],
      [{ body: '' }, 'body'],
      [{ body: 'bad\u0007bell' }, 'body'],
      [{ body: 'tab\there' }, 'body'],
      [{ goal: 0 }, 'goal'],
      [{ goal: -5 }, 'goal'],
      [{ slug: 'Bad Slug' }, 'slug'],
      [{ slug: 'no--double' }, 'slug'],
      [{ slug: 'ab' }, 'slug'],
      [{ chapterId: 'not-an-id' }, 'chapterId'],
    ])('refuses %j with BAD_USER_INPUT naming %s and creates nothing', async (extra, field) => {
      const before = await petitionsInOrg(w.org.id);
      badInput(await t.gql(CREATE, { input: input(extra) }, w.admin.token), field);
      expect(await petitionsInOrg(w.org.id)).toBe(before);
    });

    it('answers a chapter of another organisation, an unknown chapter and an unknown organisation with NOT_FOUND', async () => {
      const before = await petitionsInOrg(w.org.id);
      fails(await t.gql(CREATE, { input: input({ chapterId: w.otherChapter.id }) }, w.admin.token), 'NOT_FOUND');
      fails(await t.gql(CREATE, { input: input({ chapterId: randomUUID() }) }, w.admin.token), 'NOT_FOUND');
      fails(await t.gql(CREATE, { input: input({ organisationId: randomUUID(), chapterId: undefined }) }, w.admin.token), 'NOT_FOUND');
      expect(await petitionsInOrg(w.org.id)).toBe(before);
    });
  });

  describe('visibility', () => {
    it('shows a DRAFT only to the organisers of its chapter, admins and PETITIONS_WRITE keys, by id and in lists', async () => {
      const draft = await createPetition(t, w.organiser, w.org.id, w.chapterA.id);
      const listed = async (token?: string) =>
        ok(await t.gql(PETITIONS, { filter: { chapterId: w.chapterA.id, status: 'DRAFT' }, first: 100 }, token)).petitions.edges.map((e: any) => e.node.id);
      for (const token of [w.organiser.token, w.admin.token, w.writeKey]) {
        expect((await petitionAs(draft.id, token)).id).toBe(draft.id);
        expect(await listed(token)).toContain(draft.id);
      }
      for (const token of [w.memberA.token, w.memberB.token, w.organiserB.token, w.outsider.token, w.stranger.token, w.readKey, undefined]) {
        expect(await petitionAs(draft.id, token)).toBeNull();
        expect(await listed(token)).not.toContain(draft.id);
      }
      // An organisation-wide DRAFT: admins and PETITIONS_WRITE keys only, not chapter organisers.
      const wideDraft = await createPetition(t, w.admin, w.org.id, null);
      for (const token of [w.admin.token, w.writeKey]) expect((await petitionAs(wideDraft.id, token))?.id).toBe(wideDraft.id);
      for (const token of [w.organiser.token, w.memberA.token, w.readKey, undefined]) expect(await petitionAs(wideDraft.id, token)).toBeNull();
    });

    it('after opening, shows PUBLIC to everyone, ORGANISATION to members of any chapter, CHAPTER to members of its chapter', async () => {
      const [pub, orgWide, chapterOnly] = [
        await opened(w.organiser, w.chapterA.id, { visibility: 'PUBLIC' }),
        await opened(w.organiser, w.chapterA.id, { visibility: 'ORGANISATION' }),
        await opened(w.organiser, w.chapterA.id, { visibility: 'CHAPTER' }),
      ];
      const sees = (token: string | undefined) => Promise.all([pub, orgWide, chapterOnly].map(async (p) => (await petitionAs(p.id, token)) !== null));
      expect(await sees(undefined)).toEqual([true, false, false]);
      expect(await sees(w.stranger.token)).toEqual([true, false, false]);
      expect(await sees(w.outsider.token)).toEqual([true, false, false]);
      expect(await sees(w.memberB.token)).toEqual([true, true, false]);
      expect(await sees(w.organiserB.token)).toEqual([true, true, false]);
      expect(await sees(w.memberA.token)).toEqual([true, true, true]);
      expect(await sees(w.organiser.token)).toEqual([true, true, true]);
      expect(await sees(w.admin.token)).toEqual([true, true, true]);
      expect(await sees(w.readKey)).toEqual([true, true, true]);

      // Lists agree with petition(id).
      const listedFor = async (token?: string) =>
        ok(await t.gql(PETITIONS, { filter: { chapterId: w.chapterA.id, status: 'OPEN' }, first: 100 }, token)).petitions.edges.map((e: any) => e.node.id);
      const anonList = await listedFor();
      expect(anonList).toContain(pub.id);
      expect(anonList).not.toContain(orgWide.id);
      expect(anonList).not.toContain(chapterOnly.id);
      const memberBList = await listedFor(w.memberB.token);
      expect(memberBList).toEqual(expect.arrayContaining([pub.id, orgWide.id]));
      expect(memberBList).not.toContain(chapterOnly.id);
      expect(await listedFor(w.memberA.token)).toEqual(expect.arrayContaining([pub.id, orgWide.id, chapterOnly.id]));
    });

    it('reads an organisation-wide CHAPTER petition as ORGANISATION', async () => {
      const wide = await opened(w.admin, null, { visibility: 'CHAPTER' });
      expect((await petitionAs(wide.id, w.memberB.token))?.id).toBe(wide.id);
      expect((await petitionAs(wide.id, w.memberA.token))?.id).toBe(wide.id);
      expect(await petitionAs(wide.id, w.stranger.token)).toBeNull();
      expect(await petitionAs(wide.id)).toBeNull();
    });

    it('answers management mutations on a petition the caller cannot see with NOT_FOUND, exactly as for an unknown id', async () => {
      const draft = await createPetition(t, w.organiser, w.org.id, w.chapterA.id);
      const unknown = randomUUID();
      for (const [query, variables] of [
        [UPDATE, { input: { title: 'Hijacked' } }],
        [OPEN, {}],
        [CLOSE_PETITION, {}],
      ] as const) {
        const hidden = fails(await t.gql(query, { ...variables, id: draft.id }, w.memberA.token), 'NOT_FOUND');
        const missing = fails(await t.gql(query, { ...variables, id: unknown }, w.memberA.token), 'NOT_FOUND');
        expect(hidden.message).toBe(missing.message);
      }
      expect(await petitionAs(draft.id, w.organiser.token)).toMatchObject({ status: 'DRAFT', title: draft.title });
    });

    it('answers management mutations on a visible petition by anyone but its managers with FORBIDDEN, and changes nothing', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      for (const token of [w.memberA.token, w.organiserB.token, w.stranger.token, w.readKey]) {
        fails(await t.gql(UPDATE, { id: petition.id, input: { title: 'Hijacked' } }, token), 'FORBIDDEN');
        fails(await t.gql(CLOSE_PETITION, { id: petition.id }, token), 'FORBIDDEN');
      }
      fails(await t.gql(CLOSE_PETITION, { id: petition.id }), 'UNAUTHENTICATED');
      expect(await petitionAs(petition.id)).toMatchObject({ status: 'OPEN', title: petition.title });
    });
  });

  describe('petitions(filter) and Chapter.petitions', () => {
    let listOrg: { id: string };
    let l1: { id: string };
    let l2: { id: string };
    let p: Array<{ id: string }>;
    let listMember: TestUser;

    beforeAll(async () => {
      listMember = await registerUser(t, 'Lista Member');
      listOrg = await createOrganisation(t, w.admin);
      [l1, l2] = await Promise.all([createChapter(t, w.admin, listOrg.id), createChapter(t, w.admin, listOrg.id)]);
      await joinChapter(t, listMember, l1.id);
      const make = (chapterId: string | null, title: string, target: string, body: string) =>
        createPetition(t, w.admin, listOrg.id, chapterId, { title, target, body });
      // Created one after the other, so p[4] is the newest.
      p = [];
      p.push(await make(l1.id, 'Solidarity with Bolivian miners', 'The Mining Minister', 'Safe work now.'));
      p.push(await make(l2.id, 'Clean rivers', 'The Environment Agency', 'Water rights for Cochabamba.'));
      p.push(await make(null, 'Asylum is a right', 'The Foreign Secretary', 'Let them stay.'));
      p.push(await make(l1.id, 'Draft idea', 'Somebody', 'Not ready.'));
      p.push(await make(l1.id, 'Old campaign', 'Someone else', 'Done and dusted.'));
      for (const i of [0, 1, 2, 4]) await openPetition(t, w.admin, p[i].id);
      ok(await t.gql(CLOSE_PETITION, { id: p[4].id }, w.admin.token));
    });

    const ids = async (filter: Record<string, unknown>, token?: string, first = 100) =>
      ok(await t.gql(PETITIONS, { filter, first }, token)).petitions.edges.map((e: any) => e.node.id);

    it('lists the petitions of an organisation newest first, drafts only for those who manage them', async () => {
      expect(await ids({ organisationId: listOrg.id }, w.admin.token)).toEqual([p[4], p[3], p[2], p[1], p[0]].map((x) => x.id));
      expect(await ids({ organisationId: listOrg.id })).toEqual([p[4], p[2], p[1], p[0]].map((x) => x.id));
      expect(await ids({ organisationId: listOrg.id }, listMember.token)).toEqual([p[4], p[2], p[1], p[0]].map((x) => x.id));
    });

    it('filters by chapter and by status', async () => {
      expect(await ids({ chapterId: l1.id }, w.admin.token)).toEqual([p[4], p[3], p[0]].map((x) => x.id));
      expect(await ids({ chapterId: l1.id })).toEqual([p[4], p[0]].map((x) => x.id));
      expect(await ids({ chapterId: l2.id })).toEqual([p[1].id]);
      expect(await ids({ organisationId: listOrg.id, status: 'OPEN' })).toEqual([p[2], p[1], p[0]].map((x) => x.id));
      expect(await ids({ organisationId: listOrg.id, status: 'CLOSED' })).toEqual([p[4].id]);
      expect(await ids({ organisationId: listOrg.id, status: 'DRAFT' })).toEqual([]);
      expect(await ids({ organisationId: listOrg.id, status: 'DRAFT' }, w.admin.token)).toEqual([p[3].id]);
      expect(await ids({ organisationId: listOrg.id, chapterId: l1.id, status: 'OPEN' })).toEqual([p[0].id]);
    });

    it('searches title, target and body by word prefixes, every word required, case-insensitively', async () => {
      const search = (s: string) => ids({ organisationId: listOrg.id, search: s });
      expect(await search('solid BOL')).toEqual([p[0].id]); // title
      expect(await search('foreign sec')).toEqual([p[2].id]); // target
      expect(await search('cochab')).toEqual([p[1].id]); // body
      expect(await search('minist')).toEqual([p[0].id]); // target of p0 only
      expect(await search('solid cochab')).toEqual([]); // both words required
      expect(await search('olid')).toEqual([]); // prefixes, not infixes
      expect(await search('   ')).toEqual([p[4], p[2], p[1], p[0]].map((x) => x.id)); // no words: no filter
      // Operators are not injected: only the words count, all of them required.
      expect(await search("water') | !('asylum")).toEqual([]);
      expect(await search('water | rights:* !')).toEqual([p[1].id]);
    });

    it('pages with first/after and totalCount', async () => {
      const page = async (after?: string) => ok(await t.gql(PETITIONS, { filter: { organisationId: listOrg.id }, first: 2, after }, w.admin.token)).petitions;
      const one = await page();
      expect(one.totalCount).toBe(5);
      expect(one.edges.map((e: any) => e.node.id)).toEqual([p[4].id, p[3].id]);
      expect(one.pageInfo.hasNextPage).toBe(true);
      const two = await page(one.pageInfo.endCursor);
      expect(two.edges.map((e: any) => e.node.id)).toEqual([p[2].id, p[1].id]);
      const three = await page(two.pageInfo.endCursor);
      expect(three.edges.map((e: any) => e.node.id)).toEqual([p[0].id]);
      expect(three.pageInfo.hasNextPage).toBe(false);
      badInput(await t.gql(PETITIONS, { filter: { organisationId: listOrg.id }, first: 101 }), 'first');
    });

    it('lists a chapter’s petitions through Chapter.petitions with the same visibility', async () => {
      const of = async (chapterId: string, token?: string) => ok(await t.gql(CHAPTER_PETITIONS, { id: chapterId, first: 100 }, token)).chapter.petitions;
      const forAdmin = await of(l1.id, w.admin.token);
      expect(forAdmin.edges.map((e: any) => e.node.id)).toEqual([p[4], p[3], p[0]].map((x) => x.id));
      expect(forAdmin.totalCount).toBe(3);
      const forPublic = await of(l1.id);
      expect(forPublic.edges.map((e: any) => e.node.id)).toEqual([p[4], p[0]].map((x) => x.id));
      expect(forPublic.totalCount).toBe(2);
      expect((await of(l2.id)).edges.map((e: any) => e.node.id)).toEqual([p[1].id]);
    });
  });

  describe('updatePetition, openPetition, closePetition', () => {
    it('edits the fields sent, keeps those omitted, and null clears goal and closesAt', async () => {
      const created = ok(
        await t.gql(
          CREATE,
          { input: { organisationId: w.org.id, chapterId: w.chapterA.id, title: 'Before', target: 'Them', body: 'Old body', goal: 500, closesAt: inDays(10) } },
          w.organiser.token,
        ),
      ).createPetition;
      const edited = ok(
        await t.gql(UPDATE, { id: created.id, input: { title: 'After', body: 'New\nbody', visibility: 'CHAPTER' } }, w.organiser.token),
      ).updatePetition;
      expect(edited).toEqual({ ...created, title: 'After', body: 'New\nbody', visibility: 'CHAPTER' });
      const cleared = ok(await t.gql(UPDATE, { id: created.id, input: { goal: null, closesAt: null } }, w.admin.token)).updatePetition;
      expect(cleared).toEqual({ ...edited, goal: null, closesAt: null });
      const closesAt = inDays(3);
      const again = ok(await t.gql(UPDATE, { id: created.id, input: { goal: 7, closesAt, target: 'Others' } }, w.writeKey)).updatePetition;
      expect(again).toEqual({ ...cleared, goal: 7, closesAt, target: 'Others' });
      expect(await petitionAs(created.id, w.organiser.token)).toEqual(again);
    });

    it('validates edits like creation and changes nothing on bad input', async () => {
      const created = await createPetition(t, w.organiser, w.org.id, w.chapterA.id, { goal: 10 });
      const before = await petitionAs(created.id, w.organiser.token);
      for (const [input, field] of [
        [{ title: '' }, 'title'],
        [{ title: null }, 'title'],
        [{ target: 'x'.repeat(201) }, 'target'],
        [{ body: null }, 'body'],
        [{ goal: 0 }, 'goal'],
        [{ title: 'Fine', goal: 0 }, 'goal'],
      ] as const) {
        badInput(await t.gql(UPDATE, { id: created.id, input }, w.organiser.token), field);
      }
      expect(await petitionAs(created.id, w.organiser.token)).toEqual(before);
    });

    it('opens a DRAFT, closes it and reopens it', async () => {
      const created = await createPetition(t, w.organiser, w.org.id, w.chapterA.id);
      expect(ok(await t.gql(OPEN, { id: created.id }, w.organiser.token)).openPetition).toMatchObject({ id: created.id, status: 'OPEN' });
      expect((await petitionAs(created.id)).status).toBe('OPEN');
      expect(ok(await t.gql(CLOSE_PETITION, { id: created.id }, w.admin.token)).closePetition).toEqual({ id: created.id, status: 'CLOSED' });
      expect((await petitionAs(created.id)).status).toBe('CLOSED');
      expect(ok(await t.gql(OPEN, { id: created.id }, w.writeKey)).openPetition).toMatchObject({ status: 'OPEN' });
      expect((await petitionAs(created.id)).status).toBe('OPEN');
    });

    it('refuses to open a petition whose closing time has passed with CONFLICT until a later closesAt is set', async () => {
      const created = await createPetition(t, w.organiser, w.org.id, w.chapterA.id, { closesAt: inDays(-1) });
      fails(await t.gql(OPEN, { id: created.id }, w.organiser.token), 'CONFLICT');
      expect((await petitionAs(created.id, w.organiser.token)).status).toBe('DRAFT');
      expect(await petitionAs(created.id)).toBeNull();
      ok(await t.gql(UPDATE, { id: created.id, input: { closesAt: inDays(1) } }, w.organiser.token));
      expect(ok(await t.gql(OPEN, { id: created.id }, w.organiser.token)).openPetition.status).toBe('OPEN');
    });
  });

  describe('signPetition', () => {
    it('lets anyone sign an OPEN petition without an account; each signature counts once', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      const input = signer(petition.id, {
        email: '  Ana.Quispe@Example.ORG ',
        country: 'bo',
        postcode: ' LP 01 ',
        comment: 'Agua\npara todos',
        source: 'partner-site',
      });
      const answer = ok(await sign(input)).signPetition;
      // Pending until confirmed: the answer's count is the count before this signature.
      expect(answer).toEqual({ petition: { id: petition.id, status: 'OPEN', signatureCount: 0, recentSignatures: [] } });
      const { rows } = await db.query(
        `SELECT full_name, email, postcode, country, comment, display_publicly, contact_consent, source FROM signatures WHERE petition_id = $1`,
        [petition.id],
      );
      expect(rows).toEqual([
        {
          full_name: 'Ana María Quispe',
          email: 'ana.quispe@example.org',
          postcode: 'LP 01',
          country: 'BO',
          comment: 'Agua\npara todos',
          display_publicly: false,
          contact_consent: false,
          source: 'partner-site',
        },
      ]);
      // Signed-in people sign too (with an address not their own: confirmed by link); each adds one.
      expect(ok(await sign(signer(petition.id), w.stranger.token)).signPetition.petition.signatureCount).toBe(1);
      expect(ok(await sign(signer(petition.id), w.memberA.token)).signPetition.petition.signatureCount).toBe(2);
      expect(await rowsOf(petition.id)).toBe(3);
      expect(await shardSumOf(petition.id)).toBe(3);
      expect((await petitionAs(petition.id)).signatureCount).toBe(3);
    });

    it('answers a DRAFT with NOT_FOUND, exactly as an unknown id, to those who may not see it; its organisers get CONFLICT', async () => {
      const draft = await createPetition(t, w.organiser, w.org.id, w.chapterA.id);
      const hidden = fails(await sign(signer(draft.id)), 'NOT_FOUND');
      const missing = fails(await sign(signer(randomUUID())), 'NOT_FOUND');
      expect(hidden.message).toBe(missing.message);
      fails(await sign(signer(draft.id), w.memberA.token), 'NOT_FOUND');
      fails(await sign(signer(draft.id), w.organiser.token), 'CONFLICT');
      expect(await rowsOf(draft.id)).toBe(0);
      expect(await shardSumOf(draft.id)).toBe(0);
    });

    it('answers a petition outside the caller’s visibility with NOT_FOUND', async () => {
      const chapterOnly = await opened(w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      fails(await sign(signer(chapterOnly.id)), 'NOT_FOUND');
      fails(await sign(signer(chapterOnly.id), w.memberB.token), 'NOT_FOUND');
      expect(ok(await sign(signer(chapterOnly.id), w.memberA.token)).signPetition.petition.signatureCount).toBe(0);
      expect((await petitionAs(chapterOnly.id, w.memberA.token)).signatureCount).toBe(1);
      expect(await rowsOf(chapterOnly.id)).toBe(1);
    });

    it('refuses a CLOSED petition with CONFLICT and inserts nothing', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      ok(await sign(signer(petition.id)));
      ok(await t.gql(CLOSE_PETITION, { id: petition.id }, w.organiser.token));
      fails(await sign(signer(petition.id)), 'CONFLICT');
      expect(await rowsOf(petition.id)).toBe(1);
      expect((await petitionAs(petition.id)).signatureCount).toBe(1);
    });

    it('refuses a petition whose closesAt has passed with CONFLICT, though its status still says OPEN', async () => {
      const petition = await opened(w.organiser, w.chapterA.id, { closesAt: inDays(1) });
      ok(await sign(signer(petition.id)));
      await db.query(`UPDATE petitions SET closes_at = now() - interval '1 second' WHERE id = $1`, [petition.id]);
      fails(await sign(signer(petition.id)), 'CONFLICT');
      expect(await rowsOf(petition.id)).toBe(1);
      expect(await shardSumOf(petition.id)).toBe(1);
    });

    it('validates every field, naming it, and inserts nothing on bad input', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ email: 'not-an-email' }, 'email'],
        [{ email: 'ana@' }, 'email'],
        [{ email: '' }, 'email'],
        [{ fullName: 'Ana\u0007' }, 'fullName'],
        [{ fullName: 'Ana\nQuispe' }, 'fullName'],
        [{ fullName: '' }, 'fullName'],
        [{ fullName: '   ' }, 'fullName'],
        [{ fullName: 'x'.repeat(201) }, 'fullName'],
        [{ country: 'XX' }, 'country'],
        [{ country: 'Bolivia' }, 'country'],
        [{ comment: 'x'.repeat(1001) }, 'comment'],
        [{ comment: 'bad\u0000byte' }, 'comment'],
        [{ postcode: 'x'.repeat(17) }, 'postcode'],
        [{ source: 'x'.repeat(201) }, 'source'],
        [{ source: 'tab\there' }, 'source'],
        [{ petitionId: 'not-an-id' }, 'petitionId'],
      ];
      for (const [extra, field] of bad) badInput(await sign(signer(petition.id, extra)), field);
      expect(await rowsOf(petition.id)).toBe(0);
      expect(await shardSumOf(petition.id)).toBe(0);
      // The limits themselves are fine.
      ok(
        await sign(
          signer(petition.id, {
            fullName: 'x'.repeat(200),
            comment: `${'y'.repeat(998)}\n\n`,
            postcode: 'p'.repeat(16),
            source: 's'.repeat(200),
            country: 'GB',
          }),
        ),
      );
      expect(await rowsOf(petition.id)).toBe(1);
    });

    it('answers signing again with the same email in another case or spacing exactly as the first time, and changes nothing', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      ok(await sign(signer(petition.id, { fullName: 'Somebody Else', displayPublicly: true })));
      const first = await sign(signer(petition.id, { email: 'Repeat@Example.org', fullName: 'Rosa Condori', displayPublicly: true, country: 'BO' }));
      ok(first);
      expect(first.data.signPetition.petition.signatureCount).toBe(1);
      // Confirmed now: every repeat answers as a first signature would, with the petition as it now
      // stands (the count and public list that include it), and nothing more.
      const now = await petitionAs(petition.id);
      const counted = {
        ...first,
        data: { signPetition: { petition: { id: now.id, status: now.status, signatureCount: 2, recentSignatures: now.recentSignatures } } },
      };
      expect(now.signatureCount).toBe(2);
      expect(now.recentSignatures.map((s: any) => [s.displayName, s.country])).toEqual([
        ['Rosa C.', 'BO'],
        ['Somebody E.', null],
      ]);
      for (const [email, extra] of [
        ['repeat@example.org', {}],
        ['  REPEAT@EXAMPLE.ORG\t', {}],
        [' Repeat@example.ORG ', { fullName: 'Changed Name', displayPublicly: false, country: 'PE', comment: 'changed', contactConsent: true }],
      ] as const) {
        const again = await sign(signer(petition.id, { fullName: 'Rosa Condori', displayPublicly: true, country: 'BO', ...extra, email }));
        expect(again).toEqual(counted);
      }
      expect(await rowsOf(petition.id)).toBe(2);
      expect(await shardSumOf(petition.id)).toBe(2);
      const { rows } = await db.query(
        `SELECT full_name, country, display_publicly, contact_consent FROM signatures WHERE petition_id = $1 AND email = 'repeat@example.org'`,
        [petition.id],
      );
      expect(rows).toEqual([{ full_name: 'Rosa Condori', country: 'BO', display_publicly: true, contact_consent: false }]);
    });

    it('lets a SIGNATURES_WRITE key sign its organisation’s petitions only; other keys are refused with FORBIDDEN', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      const otherPetition = await opened(w.outsider, w.otherChapter.id, {}, w.otherOrg.id);
      const key = (await createApiKey(t, w.admin, w.org.id, ['SIGNATURES_WRITE'])).secret;
      const otherKey = (await createApiKey(t, w.outsider, w.otherOrg.id, ['SIGNATURES_WRITE'])).secret;
      expect(ok(await sign(signer(petition.id), key)).signPetition.petition.signatureCount).toBe(1);
      fails(await sign(signer(petition.id), otherKey), 'FORBIDDEN');
      fails(await sign(signer(otherPetition.id), key), 'FORBIDDEN');
      fails(await sign(signer(petition.id), w.readKey), 'FORBIDDEN');
      expect(await rowsOf(petition.id)).toBe(1);
      expect(await rowsOf(otherPetition.id)).toBe(0);
    });
  });

  describe('signatureCount and recentSignatures', () => {
    let petition: { id: string };
    beforeAll(async () => {
      petition = await opened(w.organiser, w.chapterA.id);
      // One after the other, so the order of created_at is the order here.
      for (const extra of [
        { fullName: 'Ana María Quispe', displayPublicly: true, country: 'BO', comment: 'Agua para todos', postcode: 'SECRET-PC' },
        { fullName: 'Hidden Person', displayPublicly: false, country: 'GB', comment: 'Do not show me' },
        { fullName: 'Cher', displayPublicly: true },
        { fullName: '  Lucía   de la  Cruz ', displayPublicly: true, country: 'pe', comment: 'Line 1\nLine 2' },
        { fullName: 'Also Hidden', email: 'hidden-secret@example.org' },
      ]) {
        ok(await sign(signer(petition.id, extra)));
      }
    });

    it('counts every signature exactly and shows only public signers as first name and last initial, newest first', async () => {
      const seen = await petitionAs(petition.id);
      expect(seen.signatureCount).toBe(5);
      expect(seen.recentSignatures).toEqual([
        { displayName: 'Lucía C.', country: 'PE', comment: 'Line 1\nLine 2', createdAt: expect.any(String) },
        { displayName: 'Cher', country: null, comment: null, createdAt: expect.any(String) },
        { displayName: 'Ana Q.', country: 'BO', comment: 'Agua para todos', createdAt: expect.any(String) },
      ]);
      const times = seen.recentSignatures.map((s: any) => Date.parse(s.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const two = ok(await t.gql(`query($id: ID!) { petition(id: $id) { recentSignatures(first: 2) { displayName } } }`, { id: petition.id })).petition;
      expect(two.recentSignatures).toEqual([{ displayName: 'Lucía C.' }, { displayName: 'Cher' }]);
    });

    it('never exposes emails, full names or postcodes of signers to the public', async () => {
      const res = await t.gql(`query($id: ID!) { petition(id: $id) { recentSignatures { __typename displayName country comment createdAt } } }`, {
        id: petition.id,
      });
      for (const s of ok(res).petition.recentSignatures) {
        expect(Object.keys(s).sort()).toEqual(['__typename', 'comment', 'country', 'createdAt', 'displayName']);
        expect(s.__typename).toBe('PublicSignature');
      }
      const body = JSON.stringify(res);
      for (const secret of ['SECRET-PC', 'hidden-secret', '@example.org', 'Quispe', 'María', 'Hidden']) expect(body).not.toContain(secret);
      for (const field of ['email', 'postcode', 'fullName', 'id']) {
        const refused = await t.gql(`query($id: ID!) { petition(id: $id) { recentSignatures { displayName ${field} } } }`, { id: petition.id });
        expect(refused.status).toBe(400);
        expect(refused.errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
        expect(refused.data).toBeUndefined();
      }
    });
  });

  describe('consent', () => {
    const consentOf = async (petitionId: string, email: string) =>
      (await db.query(`SELECT contact_consent, consent_wording_id, consented_at FROM signatures WHERE petition_id = $1 AND email = $2`, [petitionId, email]))
        .rows[0];

    it('records the default wording and the time with contactConsent, and neither without it', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      const { rows: defaults } = await db.query(`SELECT id FROM consent_wordings WHERE organisation_id IS NULL ORDER BY created_at DESC LIMIT 1`);
      expect(defaults).toHaveLength(1);
      const yes = signer(petition.id, { contactConsent: true });
      const no = signer(petition.id, { contactConsent: false });
      const omitted = signer(petition.id);
      for (const input of [yes, no, omitted]) ok(await sign(input));
      const consented = await consentOf(petition.id, yes.email);
      expect(consented).toMatchObject({ contact_consent: true, consent_wording_id: defaults[0].id });
      expect(Math.abs(consented.consented_at.getTime() - Date.now())).toBeLessThan(60_000);
      expect(await consentOf(petition.id, no.email)).toEqual({ contact_consent: false, consent_wording_id: null, consented_at: null });
      expect(await consentOf(petition.id, omitted.email)).toEqual({ contact_consent: false, consent_wording_id: null, consented_at: null });
      const { rows } = await db.query(`SELECT text FROM consent_wordings WHERE id = $1`, [consented.consent_wording_id]);
      expect(rows[0].text.length).toBeGreaterThan(10);
    });

    it('records the organisation’s own newest wording when it has one', async () => {
      const consentOrg = await createOrganisation(t, w.outsider);
      const consentChapter = await createChapter(t, w.outsider, consentOrg.id);
      const petition = await opened(w.outsider, consentChapter.id, {}, consentOrg.id);
      // An admin publishes a new version; the organisation then shows it as current.
      const insert = async (text: string) => {
        const published = ok(
          await t.gql(
            `mutation($o: ID!, $t: String!) { setConsentWording(organisationId: $o, text: $t) { id text } }`,
            { o: consentOrg.id, t: text },
            w.outsider.token,
          ),
        );
        const current = ok(await t.gql(`query($s: String!) { organisation(slug: $s) { consentWording { id text } } }`, { s: consentOrg.slug }));
        expect(current.organisation.consentWording).toEqual(published.setConsentWording);
        return published.setConsentWording.id as string;
      };
      const older = await insert('We may email you about this campaign (v1).');
      const first = signer(petition.id, { contactConsent: true });
      ok(await sign(first));
      expect((await consentOf(petition.id, first.email)).consent_wording_id).toBe(older);
      const newer = await insert('We may email you about our campaigns (v2).');
      const second = signer(petition.id, { contactConsent: true });
      ok(await sign(second));
      expect((await consentOf(petition.id, second.email)).consent_wording_id).toBe(newer);
      // The wording a signature recorded is still there, unchanged.
      expect((await db.query(`SELECT text FROM consent_wordings WHERE id = $1`, [older])).rows[0].text).toBe('We may email you about this campaign (v1).');
    });
  });

  describe('signatures (personal data)', () => {
    let chapterS: { id: string };
    let petition: { id: string; title: string };
    let wide: { id: string };
    let sigReader: string;
    let sigReaderElsewhere: string;
    let sigWriter: string;
    const inputs: Array<Record<string, any>> = [];

    beforeAll(async () => {
      chapterS = await createChapter(t, w.admin, w.org.id);
      await Promise.all([makeOrganiser(t, w.admin, w.organiser, chapterS.id), joinChapter(t, w.memberA, chapterS.id)]);
      petition = await opened(w.organiser, chapterS.id);
      wide = await opened(w.admin, null);
      for (const [i, extra] of [
        { fullName: 'Ana María Quispe', postcode: 'N1 1AA', country: 'GB', comment: 'Sí', displayPublicly: true, contactConsent: true, source: 'newsletter' },
        { fullName: 'Beto Mamani' },
        { fullName: 'Carla Flores', country: 'BO', displayPublicly: true },
      ].entries()) {
        const input = signer(petition.id, { ...extra, email: `Person-${i}-${unique()}@Example.org` });
        inputs.push(input);
        ok(await sign(input));
      }
      ok(await sign(signer(wide.id)));
      [sigReader, sigReaderElsewhere, sigWriter] = (
        await Promise.all([
          createApiKey(t, w.admin, w.org.id, ['SIGNATURES_READ']),
          createApiKey(t, w.outsider, w.otherOrg.id, ['SIGNATURES_READ']),
          createApiKey(t, w.admin, w.org.id, ['SIGNATURES_WRITE']),
        ])
      ).map((k) => k.secret);
    });

    const expected = () =>
      [...inputs].reverse().map((input) => ({
        id: expect.any(String),
        fullName: input.fullName,
        email: input.email.trim().toLowerCase(),
        postcode: input.postcode ?? null,
        country: input.country ?? null,
        comment: input.comment ?? null,
        displayPublicly: input.displayPublicly ?? false,
        contactConsent: input.contactConsent ?? false,
        source: input.source ?? null,
        createdAt: expect.any(String),
      }));

    it('shows signers’ personal data, newest first, to the chapter’s organisers, admins and SIGNATURES_READ keys', async () => {
      for (const token of [w.organiser.token, w.admin.token, sigReader]) {
        const seen = ok(await t.gql(SIGNATURES, { id: petition.id, first: 10 }, token)).petition;
        expect(seen.signatureCount).toBe(3);
        expect(seen.signatures.totalCount).toBe(3);
        expect(seen.signatures.edges.map((e: any) => e.node)).toEqual(expected());
      }
    });

    it('pages signatures with first/after', async () => {
      const one = ok(await t.gql(SIGNATURES, { id: petition.id, first: 2 }, w.organiser.token)).petition.signatures;
      expect(one.pageInfo.hasNextPage).toBe(true);
      const two = ok(await t.gql(SIGNATURES, { id: petition.id, first: 2, after: one.pageInfo.endCursor }, w.organiser.token)).petition.signatures;
      expect(two.pageInfo.hasNextPage).toBe(false);
      expect([...one.edges, ...two.edges].map((e: any) => e.node)).toEqual(expected());
    });

    it('resolves signatures to null with exactly one FORBIDDEN error at its path for anyone else, keeping the rest', async () => {
      for (const token of [
        w.memberA.token,
        w.memberB.token,
        w.organiserB.token,
        w.stranger.token,
        w.outsider.token,
        w.readKey,
        sigWriter,
        sigReaderElsewhere,
        undefined,
      ]) {
        const res = await t.gql(SIGNATURES, { id: petition.id }, token);
        expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['petition', 'signatures']]]);
        expect(res.data.petition).toEqual({ id: petition.id, title: petition.title, signatureCount: 3, signatures: null });
        expect(JSON.stringify(res)).not.toContain('example.org');
      }
    });

    it('shows an organisation-wide petition’s signers to admins, not to chapter organisers', async () => {
      expect(ok(await t.gql(SIGNATURES, { id: wide.id }, w.admin.token)).petition.signatures.totalCount).toBe(1);
      const res = await t.gql(SIGNATURES, { id: wide.id }, w.organiser.token);
      expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['petition', 'signatures']]]);
      expect(res.data.petition.signatures).toBeNull();
    });

    it('guards signatures on every path: chapter → petitions, petitions list and signPetition’s payload', async () => {
      const NESTED = `query($id: ID!) { chapter(id: $id) { id petitions { edges { node { id signatures { edges { node { email fullName } } } } } } } }`;
      const nested = await t.gql(NESTED, { id: chapterS.id }, w.memberA.token);
      expect(nested.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['chapter', 'petitions', 'edges', 0, 'node', 'signatures']]]);
      expect(nested.data.chapter).toEqual({ id: chapterS.id, petitions: { edges: [{ node: { id: petition.id, signatures: null } }] } });
      const forOrganiser = ok(await t.gql(NESTED, { id: chapterS.id }, w.organiser.token)).chapter.petitions.edges[0].node.signatures.edges;
      expect(forOrganiser.map((e: any) => e.node.email)).toEqual(expected().map((s) => s.email));

      const LIST = `query($f: PetitionFilter) { petitions(filter: $f) { edges { node { id signatures { edges { node { email } } } } } } }`;
      const listed = await t.gql(LIST, { f: { chapterId: chapterS.id } });
      expect(listed.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['petitions', 'edges', 0, 'node', 'signatures']]]);
      expect(listed.data.petitions.edges).toEqual([{ node: { id: petition.id, signatures: null } }]);

      const PAYLOAD = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id signatureCount signatures { edges { node { email } } } } } }`;
      const signed = await t.gql(PAYLOAD, { input: signer(wide.id) });
      expect(signed.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['signPetition', 'petition', 'signatures']]]);
      // Anonymous: only queued, so the answer's count does not move yet; confirming stores and counts it.
      expect(signed.data.signPetition.petition).toEqual({ id: wide.id, signatureCount: 1, signatures: null });
      expect(JSON.stringify([nested, listed, signed])).not.toContain('example.org');
      expect(await confirmQueuedSignatures(t)).toBe(1);
      expect(await rowsOf(wide.id)).toBe(2);
      expect(await shardSumOf(wide.id)).toBe(2);
    });
  });

  describe('concurrency', () => {
    it('keeps exactly one signature per normalised email and an exact count under 500 signatures from 50 concurrent clients', async () => {
      const petition = await opened(w.organiser, w.chapterA.id);
      const run = unique();
      const emailOf = (i: number) => `crowd-${run}-${i}@example.org`;
      // 400 distinct signers; after every fourth, a repeat of a recent one in another case and spacing,
      // so repeats are often in flight together with the signature they repeat.
      const emails: string[] = [];
      for (let i = 0; i < 400; i++) {
        emails.push(emailOf(i));
        if (i % 4 === 3) emails.push(`  ${emailOf(i - 1 - (i % 3)).toUpperCase()}\t`);
      }
      expect(emails).toHaveLength(500);
      const results = await pool(
        50,
        emails.map(
          (email, i) => () =>
            t.gql(`mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id signatureCount } } }`, {
              input: { petitionId: petition.id, fullName: `Person ${i}`, email, displayPublicly: i % 2 === 0, contactConsent: i % 3 === 0 },
            }),
        ),
      );
      const failures = results.filter((r) => r.errors || r.status !== 200);
      expect(failures).toEqual([]);
      for (const r of results) {
        expect(r.data.signPetition.petition.id).toBe(petition.id);
        expect(r.data.signPetition.petition.signatureCount).toBeGreaterThanOrEqual(0);
        expect(r.data.signPetition.petition.signatureCount).toBeLessThanOrEqual(400);
      }
      // Queued; stored and confirmed as their links would (repeats are kept as the first signature).
      await confirmQueuedSignatures(t);
      expect(await rowsOf(petition.id)).toBe(400);
      const { rows } = await db.query(`SELECT count(DISTINCT email)::int AS n FROM signatures WHERE petition_id = $1 AND email LIKE $2`, [
        petition.id,
        `crowd-${run}-%@example.org`,
      ]);
      expect(rows[0].n).toBe(400);
      expect(await shardSumOf(petition.id)).toBe(400);
      expect((await petitionAs(petition.id)).signatureCount).toBe(400);
    });
  });
});

describe('petition signing rate limits', () => {
  let t: TestApp;
  let db: DbClient;
  let admin: TestUser;
  let org: { id: string };
  let petition: { id: string };
  let clients = 0;
  /** A client IP no other test of this block has used. */
  const freshIp = () => `203.0.113.${++clients}`;
  const sign = (token?: string, headers?: Record<string, string>) => t.gql(SIGN, { input: signer(petition.id) }, token, headers);
  const from = (address: string) => ({ 'x-forwarded-for': address });
  /** Signatures acknowledged for the petition: stored, or queued (anonymous ones until the job stores them). */
  const rows = async (): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM ${STORED_SIGNATURES} WHERE petition_id = $1`, [petition.id])).rows[0].n;
  const expectRateLimited = (res: GqlResponse) => {
    const error = fails(res, 'RATE_LIMITED');
    expect(Number.isInteger(error.extensions.retryAfterSeconds)).toBe(true);
    expect(error.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
  };

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_SIGN_PER_MINUTE: '3', RATE_LIMIT_SIGN_KEY_PER_MINUTE: '5', TRUST_PROXY: 'true' });
    db = await dbClient(t.databaseUrl);
    admin = await registerUser(t, 'Carmen Admin');
    org = await createOrganisation(t, admin);
    const chapter = await createChapter(t, admin, org.id);
    petition = await createPetition(t, admin, org.id, chapter.id);
    await openPetition(t, admin, petition.id);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('refuses the 4th signature a minute from one client with RATE_LIMITED and retryAfterSeconds; other clients are unaffected', async () => {
    const client = freshIp();
    const before = await rows();
    for (const _ of range(1, 3)) ok(await sign(undefined, from(client)));
    expectRateLimited(await sign(undefined, from(client)));
    expectRateLimited(await sign(undefined, from(client)));
    expect(await rows()).toBe(before + 3);
    ok(await sign(undefined, from(freshIp())));
    expect(await rows()).toBe(before + 4);
  });

  it('counts every aliased signPetition field of one document separately', async () => {
    const client = freshIp();
    const before = await rows();
    const aliases = range(1, 5);
    const doc = `mutation(${aliases.map((i) => `$i${i}: SignPetitionInput!`).join(', ')}) {
      ${aliases.map((i) => `s${i}: signPetition(input: $i${i}) { petition { id } }`).join('\n')}
    }`;
    const variables = Object.fromEntries(aliases.map((i) => [`i${i}`, signer(petition.id)]));
    const res = await t.gql(doc, variables, undefined, from(client));
    // Mutation fields run one after the other: s1–s3 are signed, s4 is RATE_LIMITED; as signPetition's
    // payload is non-null, that error nulls the whole data and graphql-js executes no later field.
    expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['RATE_LIMITED', ['s4']]]);
    expect(res.errors![0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.data).toBeNull();
    expect(await rows()).toBe(before + 3);
    // The window of this client is spent.
    expectRateLimited(await sign(undefined, from(client)));
    expect(await rows()).toBe(before + 3);
  });

  it('gives a SIGNATURES_WRITE key its own limit, whatever the client IP, that spends nothing of the IP’s', async () => {
    const [key, otherKey] = (
      await Promise.all([createApiKey(t, admin, org.id, ['SIGNATURES_WRITE']), createApiKey(t, admin, org.id, ['SIGNATURES_WRITE'])])
    ).map((k) => k.secret);
    const before = await rows();
    // The key signs 5 times (its limit) from one IP, then is refused whichever IP it comes from.
    const keyIp = freshIp();
    for (const _ of range(1, 5)) ok(await sign(key, from(keyIp)));
    expectRateLimited(await sign(key, from(keyIp)));
    expectRateLimited(await sign(key, from(freshIp())));
    // That IP still has its whole budget of 3 for anonymous signatures.
    for (const _ of range(1, 3)) ok(await sign(undefined, from(keyIp)));
    expectRateLimited(await sign(undefined, from(keyIp)));
    // Another key signs from the spent IP: keys are not limited by IP.
    ok(await sign(otherKey, from(keyIp)));
    expect(await rows()).toBe(before + 9);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const untrusting = await startTestApp({ RATE_LIMIT_SIGN_PER_MINUTE: '2' });
    try {
      const owner = await registerUser(untrusting, 'Owner');
      const o = await createOrganisation(untrusting, owner);
      const c = await createChapter(untrusting, owner, o.id);
      const p = await createPetition(untrusting, owner, o.id, c.id);
      await openPetition(untrusting, owner, p.id);
      const attempt = (address: string) => untrusting.gql(SIGN, { input: signer(p.id) }, undefined, from(address));
      ok(await attempt('198.51.100.1'));
      ok(await attempt('198.51.100.2'));
      expectRateLimited(await attempt('198.51.100.3'));
    } finally {
      await untrusting.close();
    }
  });
});
