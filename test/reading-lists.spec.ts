import { randomBytes, randomUUID } from 'node:crypto';
import {
  addReadingListItem,
  createApiKey,
  createChapter,
  createOrganisation,
  createReadingList,
  joinChapter,
  makeOrganiser,
  registerUser,
  TestUser,
} from './support/factories';
import { dbClient, DbClient } from './support/db';
import { Client } from 'pg';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';
import { badInput, fails, ok } from './support/expectations';

const unique = () => randomBytes(4).toString('hex');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];

const ITEM_FIELDS = `id position kind title authors url isbn year note discussionQuestions readCount viewerStatus`;
const LIST_FIELDS = `id title description visibility itemCount createdAt updatedAt chapter { id } forkedFrom { id title }
  sharedWith { id } viewerProgress { read reading total } items { ${ITEM_FIELDS} }`;

const LIST = `query($id: ID!) { readingList(id: $id) { ${LIST_FIELDS} } }`;
const LISTS = `query($filter: ReadingListFilter, $first: Int, $after: String) {
  readingLists(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title viewerProgress { read reading total } items { ${ITEM_FIELDS} } } }
  }
}`;
const CHAPTER_LISTS = `query($id: ID!, $first: Int, $after: String) {
  chapter(id: $id) { id readingLists(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id title viewerProgress { read reading total } items { ${ITEM_FIELDS} } } }
  } }
}`;
const CREATE = `mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { ${LIST_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateReadingListInput!) { updateReadingList(id: $id, input: $input) { ${LIST_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteReadingList(id: $id) }`;
const ADD = `mutation($listId: ID!, $input: ReadingListItemInput!, $position: Int) {
  addReadingListItem(listId: $listId, input: $input, position: $position) { ${ITEM_FIELDS} }
}`;
const UPDATE_ITEM = `mutation($itemId: ID!, $input: UpdateReadingListItemInput!) { updateReadingListItem(itemId: $itemId, input: $input) { ${ITEM_FIELDS} } }`;
const REMOVE = `mutation($itemId: ID!) { removeReadingListItem(itemId: $itemId) }`;
const MOVE = `mutation($itemId: ID!, $position: Int!) { moveReadingListItem(itemId: $itemId, position: $position) { ${LIST_FIELDS} } }`;
const SHARE = `mutation($listId: ID!, $chapterId: ID!) { shareReadingList(listId: $listId, chapterId: $chapterId) { id sharedWith { id } } }`;
const UNSHARE = `mutation($listId: ID!, $chapterId: ID!) { unshareReadingList(listId: $listId, chapterId: $chapterId) { id sharedWith { id } } }`;
const FORK = `mutation($listId: ID!, $chapterId: ID!) { forkReadingList(listId: $listId, chapterId: $chapterId) { ${LIST_FIELDS} } }`;
const SET_STATUS = `mutation($itemId: ID!, $status: ReadingStatus) { setReadingStatus(itemId: $itemId, status: $status) { ${ITEM_FIELDS} } }`;

/** The people, places and keys of this spec, built once in beforeAll. */
interface ReadingListsWorld {
  admin: TestUser; // admin of org; first organiser of chapters A, B, C
  organiser: TestUser; // ACTIVE organiser of chapter A
  organiserB: TestUser; // ACTIVE organiser of chapter B
  memberA: TestUser; // ACTIVE member of chapter A
  memberA2: TestUser; // ACTIVE member of chapter A
  memberB: TestUser; // ACTIVE member of chapter B (same organisation)
  memberC: TestUser; // ACTIVE member of chapter C (same organisation; share target)
  outsider: TestUser; // admin of otherOrg, organiser of otherChapter
  outsiderMember: TestUser; // ACTIVE member of otherChapter
  dual: TestUser; // organiser of chapter A and of otherChapter
  stranger: TestUser; // signed in, no memberships
  org: { id: string };
  chapterA: { id: string };
  chapterB: { id: string };
  chapterC: { id: string };
  otherOrg: { id: string };
  otherChapter: { id: string };
  writeKey: string; // READING_LISTS_WRITE of org
  readKey: string; // READING_LISTS_READ of org
  otherWriteKey: string; // READING_LISTS_WRITE of otherOrg
}

describe('reading lists', () => {
  let t: TestApp;
  let db: DbClient;
  const w = {} as ReadingListsWorld;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    [w.admin, w.organiser, w.organiserB, w.memberA, w.memberA2, w.memberB, w.memberC, w.outsider, w.outsiderMember, w.dual, w.stranger] = await Promise.all([
      registerUser(t, 'Carmen Admin'),
      registerUser(t, 'Olga Organiser'),
      registerUser(t, 'Bruno Organiser'),
      registerUser(t, 'Ana Quispe'),
      registerUser(t, 'Aurelio Choque'),
      registerUser(t, 'Beto Mamani'),
      registerUser(t, 'Celia Condori'),
      registerUser(t, 'Oscar Outsider'),
      registerUser(t, 'Otto Member'),
      registerUser(t, 'Dora Dual'),
      registerUser(t, 'Sara Stranger'),
    ]);
    w.org = await createOrganisation(t, w.admin);
    w.otherOrg = await createOrganisation(t, w.outsider);
    [w.chapterA, w.chapterB, w.chapterC, w.otherChapter] = await Promise.all([
      createChapter(t, w.admin, w.org.id),
      createChapter(t, w.admin, w.org.id),
      createChapter(t, w.admin, w.org.id),
      createChapter(t, w.outsider, w.otherOrg.id),
    ]);
    await Promise.all([
      makeOrganiser(t, w.admin, w.organiser, w.chapterA.id),
      makeOrganiser(t, w.admin, w.organiserB, w.chapterB.id),
      makeOrganiser(t, w.admin, w.dual, w.chapterA.id),
      makeOrganiser(t, w.outsider, w.dual, w.otherChapter.id),
      joinChapter(t, w.memberA, w.chapterA.id),
      joinChapter(t, w.memberA2, w.chapterA.id),
      joinChapter(t, w.memberB, w.chapterB.id),
      joinChapter(t, w.memberC, w.chapterC.id),
      joinChapter(t, w.outsiderMember, w.otherChapter.id),
    ]);
    [w.writeKey, w.readKey, w.otherWriteKey] = (
      await Promise.all([
        createApiKey(t, w.admin, w.org.id, ['READING_LISTS_WRITE']),
        createApiKey(t, w.admin, w.org.id, ['READING_LISTS_READ']),
        createApiKey(t, w.outsider, w.otherOrg.id, ['READING_LISTS_WRITE']),
      ])
    ).map((k) => k.secret);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const listAs = async (id: string, token?: string) => ok(await t.gql(LIST, { id }, token)).readingList;
  /** Items of `id` as the holder of `token`; anonymously when `token` is undefined. */
  const itemsOf = async (id: string, token: string | undefined) => (await listAs(id, token)).items as any[];
  const sqlPositions = async (listId: string): Promise<number[]> =>
    (await db.query(`SELECT position FROM reading_list_items WHERE list_id = $1 ORDER BY position`, [listId])).rows.map((r) => r.position);
  const sqlItemCount = async (listId: string): Promise<number> =>
    (await db.query(`SELECT item_count FROM reading_lists WHERE id = $1`, [listId])).rows[0].item_count;
  const item = (extra: Record<string, unknown> = {}) => ({ kind: 'BOOK', title: `Book ${unique()}`, ...extra });
  const add = (token: string, listId: string, extra: Record<string, unknown> = {}, position?: number) =>
    t.gql(ADD, { listId, input: item(extra), position }, token);
  /** Asserts the list's items come back ordered 1..n (API and SQL) with itemCount n; returns their titles in order. */
  const expectGapless = async (listId: string, n: number): Promise<string[]> => {
    const list = await listAs(listId, w.organiser.token);
    expect(list.items.map((i: any) => i.position)).toEqual(range(1, n));
    expect(list.itemCount).toBe(n);
    expect(await sqlPositions(listId)).toEqual(range(1, n));
    expect(await sqlItemCount(listId)).toBe(n);
    return list.items.map((i: any) => i.title);
  };

  describe('create, update and delete lists', () => {
    it('lets a chapter organiser create a list with what they sent (CHAPTER by default)', async () => {
      const title = `Decolonial reading ${unique()}`;
      const created = ok(
        await t.gql(CREATE, { input: { chapterId: w.chapterA.id, title, description: 'Line one.\nLine two.' } }, w.organiser.token),
      ).createReadingList;
      expect(created).toMatchObject({
        title,
        description: 'Line one.\nLine two.',
        visibility: 'CHAPTER',
        itemCount: 0,
        items: [],
        sharedWith: [],
        forkedFrom: null,
        chapter: { id: w.chapterA.id },
        viewerProgress: { read: 0, reading: 0, total: 0 },
      });
      expect(await listAs(created.id, w.organiser.token)).toEqual(created);
      const row = (await db.query(`SELECT chapter_id, organisation_id, title FROM reading_lists WHERE id = $1`, [created.id])).rows[0];
      expect(row).toEqual({ chapter_id: w.chapterA.id, organisation_id: w.org.id, title });
    });

    it('lets the organisation admin and a READING_LISTS_WRITE key create, edit and delete', async () => {
      for (const token of [w.admin.token, w.writeKey]) {
        const created = ok(
          await t.gql(CREATE, { input: { chapterId: w.chapterA.id, title: 'By key or admin', visibility: 'PUBLIC' } }, token),
        ).createReadingList;
        expect(created).toMatchObject({ visibility: 'PUBLIC', chapter: { id: w.chapterA.id } });
        const updated = ok(await t.gql(UPDATE, { id: created.id, input: { title: 'Renamed', visibility: 'ORGANISATION' } }, token)).updateReadingList;
        expect(updated).toMatchObject({ id: created.id, title: 'Renamed', visibility: 'ORGANISATION' });
        expect(ok(await t.gql(DELETE, { id: created.id }, token)).deleteReadingList).toBe(true);
        expect(await listAs(created.id, w.admin.token)).toBeNull();
      }
    });

    it('refuses a member, another chapter organiser, a stranger and a read-only key with FORBIDDEN, and anonymous with UNAUTHENTICATED', async () => {
      const before = (await db.query(`SELECT count(*)::int AS n FROM reading_lists WHERE chapter_id = $1`, [w.chapterA.id])).rows[0].n;
      const input = { chapterId: w.chapterA.id, title: 'Not allowed' };
      for (const token of [w.memberA.token, w.organiserB.token, w.stranger.token, w.readKey, w.outsider.token])
        fails(await t.gql(CREATE, { input }, token), 'FORBIDDEN');
      fails(await t.gql(CREATE, { input }), 'UNAUTHENTICATED');
      // a key of another organisation may not write into this one
      fails(await t.gql(CREATE, { input }, w.otherWriteKey), 'FORBIDDEN');
      expect((await db.query(`SELECT count(*)::int AS n FROM reading_lists WHERE chapter_id = $1`, [w.chapterA.id])).rows[0].n).toBe(before);
    });

    it('updates only the fields sent; null clears the description', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id, { description: 'Keep me', visibility: 'PUBLIC' });
      const renamed = ok(await t.gql(UPDATE, { id: list.id, input: { title: 'Only the title' } }, w.organiser.token)).updateReadingList;
      expect(renamed).toMatchObject({ title: 'Only the title', description: 'Keep me', visibility: 'PUBLIC' });
      const cleared = ok(await t.gql(UPDATE, { id: list.id, input: { description: null } }, w.organiser.token)).updateReadingList;
      expect(cleared).toMatchObject({ title: 'Only the title', description: null, visibility: 'PUBLIC' });
    });

    it('answers FORBIDDEN to those who see the list but may not edit it, NOT_FOUND to those who cannot see it', async () => {
      const chapterList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const publicList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
      const input = { title: 'Hijacked' };
      fails(await t.gql(UPDATE, { id: chapterList.id, input }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(DELETE, { id: chapterList.id }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(UPDATE, { id: publicList.id, input }, w.organiserB.token), 'FORBIDDEN');
      fails(await t.gql(DELETE, { id: publicList.id }, w.stranger.token), 'FORBIDDEN');
      fails(await t.gql(UPDATE, { id: publicList.id, input }, w.readKey), 'FORBIDDEN');
      const hidden = fails(await t.gql(UPDATE, { id: chapterList.id, input }, w.organiserB.token), 'NOT_FOUND');
      const missing = fails(await t.gql(UPDATE, { id: randomUUID(), input }, w.organiserB.token), 'NOT_FOUND');
      expect(hidden.message).toBe(missing.message);
      fails(await t.gql(DELETE, { id: chapterList.id }, w.stranger.token), 'NOT_FOUND');
      fails(await t.gql(DELETE, { id: chapterList.id }, w.otherWriteKey), 'NOT_FOUND');
      fails(await t.gql(UPDATE, { id: publicList.id, input }), 'UNAUTHENTICATED');
      expect((await listAs(chapterList.id, w.organiser.token)).title).toBe(chapterList.title);
      expect((await listAs(publicList.id, w.organiser.token)).title).toBe(publicList.title);
    });

    it('deletes the list with its items, shares and statuses', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
      const a = await addReadingListItem(t, w.organiser, list.id);
      await addReadingListItem(t, w.organiser, list.id);
      ok(await t.gql(SHARE, { listId: list.id, chapterId: w.chapterB.id }, w.organiser.token));
      ok(await t.gql(SET_STATUS, { itemId: a.id, status: 'READ' }, w.memberA.token));
      expect(ok(await t.gql(DELETE, { id: list.id }, w.organiser.token)).deleteReadingList).toBe(true);
      expect(await listAs(list.id, w.organiser.token)).toBeNull();
      const counts = (
        await db.query(
          `SELECT (SELECT count(*) FROM reading_list_items WHERE list_id = $1)::int AS items,
                  (SELECT count(*) FROM reading_list_shares WHERE list_id = $1)::int AS shares,
                  (SELECT count(*) FROM reading_statuses WHERE item_id = $2)::int AS statuses`,
          [list.id, a.id],
        )
      ).rows[0];
      expect(counts).toEqual({ items: 0, shares: 0, statuses: 0 });
      fails(await t.gql(DELETE, { id: list.id }, w.organiser.token), 'NOT_FOUND');
      fails(await t.gql(SET_STATUS, { itemId: a.id, status: 'READ' }, w.memberA.token), 'NOT_FOUND');
    });

    describe('validation', () => {
      let list: { id: string };
      beforeAll(async () => {
        list = await createReadingList(t, w.organiser, w.chapterA.id);
      });

      it.each([
        [{ title: '' }, 'title'],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ title: 'bell\u0007' }, 'title'],
        [{ description: 'x'.repeat(20_001) }, 'description'],
        [{ chapterId: 'not-an-id' }, 'chapterId'],
      ])('createReadingList refuses %j naming %s', async (extra, field) => {
        badInput(await t.gql(CREATE, { input: { chapterId: w.chapterA.id, title: 'Fine', ...extra } }, w.organiser.token), field);
      });

      it.each([
        [{ title: '' }, 'title'],
        [{ description: 'x'.repeat(20_001) }, 'description'],
      ])('updateReadingList refuses %j naming %s', async (extra, field) => {
        badInput(await t.gql(UPDATE, { id: list.id, input: extra }, w.organiser.token), field);
      });

      it.each([
        [{ title: '' }, 'title'],
        [{ title: 'x'.repeat(201) }, 'title'],
        [{ url: 'ftp://x' }, 'url'],
        [{ url: 'javascript:alert(1)' }, 'url'],
        [{ url: 'not a url' }, 'url'],
        [{ isbn: '0-306-40615-3' }, 'isbn'],
        [{ isbn: '978-0-306-40615-8' }, 'isbn'],
        [{ isbn: '12345' }, 'isbn'],
        [{ year: 3000 }, 'year'],
        [{ year: -3001 }, 'year'],
        [{ authors: ['Silvia Federici', ''] }, 'authors'],
        [{ authors: ['   '] }, 'authors'],
        [{ authors: range(1, 21).map((i) => `Author ${i}`) }, 'authors'],
        [{ discussionQuestions: range(1, 21).map((i) => `Question ${i}?`) }, 'discussionQuestions'],
        [{ discussionQuestions: ['x'.repeat(1001)] }, 'discussionQuestions'],
        [{ note: 'x'.repeat(20_001) }, 'note'],
      ])('addReadingListItem refuses %j naming %s and adds nothing', async (extra, field) => {
        badInput(await add(w.organiser.token, list.id, extra), field);
        expect(await sqlItemCount(list.id)).toBe(0);
        expect(await sqlPositions(list.id)).toEqual([]);
      });

      it('accepts 20 discussion questions and trims authors', async () => {
        const res = ok(
          await add(w.organiser.token, list.id, { authors: ['  Eduardo Galeano '], discussionQuestions: range(1, 20).map((i) => `Question ${i}?`) }),
        ).addReadingListItem;
        expect(res.authors).toEqual(['Eduardo Galeano']);
        expect(res.discussionQuestions).toHaveLength(20);
        ok(await t.gql(REMOVE, { itemId: res.id }, w.organiser.token));
      });

      it.each([
        [{ url: 'javascript:alert(1)' }, 'url'],
        [{ isbn: '0-306-40615-3' }, 'isbn'],
        [{ year: 3000 }, 'year'],
        [{ authors: [''] }, 'authors'],
        [{ title: '' }, 'title'],
        [{ discussionQuestions: range(1, 21).map((i) => `Q${i}`) }, 'discussionQuestions'],
      ])('updateReadingListItem refuses %j naming %s and changes nothing', async (extra, field) => {
        const added = await addReadingListItem(t, w.organiser, list.id, { url: 'https://example.org/a', isbn: '9780306406157', year: 1971 });
        const res = await t.gql(UPDATE_ITEM, { itemId: added.id, input: extra }, w.organiser.token);
        const error = fails(res, 'BAD_USER_INPUT');
        const keys = Object.keys(error.extensions.fields ?? {});
        expect(keys).toHaveLength(1);
        expect(keys[0]).toBe(field);
        expect((await itemsOf(list.id, w.organiser.token)).find((i) => i.id === added.id)).toMatchObject({
          title: added.title,
          url: 'https://example.org/a',
          isbn: '9780306406157',
          year: 1971,
          authors: [],
        });
        ok(await t.gql(REMOVE, { itemId: added.id }, w.organiser.token));
      });

      it('stores every ISBN as ISBN-13 and returns it so; null clears it', async () => {
        const withX = ok(await add(w.organiser.token, list.id, { isbn: '080442957x', year: 1977, url: 'https://example.org/book' })).addReadingListItem;
        expect(withX).toMatchObject({ isbn: '9780804429573', year: 1977, url: 'https://example.org/book' });
        const hyphenated = ok(await add(w.organiser.token, list.id, { isbn: '978-0-306-40615-7' })).addReadingListItem;
        expect(hyphenated.isbn).toBe('9780306406157');
        const updated = ok(await t.gql(UPDATE_ITEM, { itemId: hyphenated.id, input: { isbn: '0-306-40615-2' } }, w.organiser.token)).updateReadingListItem;
        expect(updated.isbn).toBe('9780306406157');
        const rows = (await db.query(`SELECT isbn FROM reading_list_items WHERE id = ANY($1) ORDER BY position`, [[withX.id, hyphenated.id]])).rows;
        expect(rows.map((r) => r.isbn)).toEqual(['9780804429573', '9780306406157']);
        const cleared = ok(
          await t.gql(UPDATE_ITEM, { itemId: withX.id, input: { isbn: null, year: null, url: null } }, w.organiser.token),
        ).updateReadingListItem;
        expect(cleared).toMatchObject({ isbn: null, year: null, url: null, title: withX.title });
        for (const id of [withX.id, hyphenated.id]) ok(await t.gql(REMOVE, { itemId: id }, w.organiser.token));
        expect(await sqlItemCount(list.id)).toBe(0);
      });
    });
  });

  describe('item positions', () => {
    it('adds at the end, inserts at a position, refuses beyond n+1, moves both ways and closes gaps on removal', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id);
      for (const title of ['A', 'B', 'C']) {
        const added = ok(await add(w.organiser.token, list.id, { title })).addReadingListItem;
        expect(added.position).toBe(['A', 'B', 'C'].indexOf(title) + 1);
      }
      expect(await expectGapless(list.id, 3)).toEqual(['A', 'B', 'C']);

      expect(ok(await add(w.organiser.token, list.id, { title: 'Z' }, 1)).addReadingListItem.position).toBe(1);
      expect(await expectGapless(list.id, 4)).toEqual(['Z', 'A', 'B', 'C']);
      expect(ok(await add(w.organiser.token, list.id, { title: 'M' }, 3)).addReadingListItem.position).toBe(3);
      expect(await expectGapless(list.id, 5)).toEqual(['Z', 'A', 'M', 'B', 'C']);
      expect(ok(await add(w.organiser.token, list.id, { title: 'E' }, 6)).addReadingListItem.position).toBe(6);
      expect(await expectGapless(list.id, 6)).toEqual(['Z', 'A', 'M', 'B', 'C', 'E']);

      badInput(await add(w.organiser.token, list.id, { title: 'far' }, 8), 'position');
      badInput(await add(w.organiser.token, list.id, { title: 'zero' }, 0), 'position');
      badInput(await add(w.organiser.token, list.id, { title: 'negative' }, -1), 'position');
      expect(await expectGapless(list.id, 6)).toEqual(['Z', 'A', 'M', 'B', 'C', 'E']);

      const byTitle = async () => Object.fromEntries((await itemsOf(list.id, w.organiser.token)).map((i) => [i.title, i.id]));
      const ids = await byTitle();
      // down: Z from 1 to 4
      const moved = ok(await t.gql(MOVE, { itemId: ids.Z, position: 4 }, w.organiser.token)).moveReadingListItem;
      expect(moved.items.map((i: any) => [i.position, i.title])).toEqual([
        [1, 'A'],
        [2, 'M'],
        [3, 'B'],
        [4, 'Z'],
        [5, 'C'],
        [6, 'E'],
      ]);
      expect(await expectGapless(list.id, 6)).toEqual(['A', 'M', 'B', 'Z', 'C', 'E']);
      // up: E from 6 to 2
      ok(await t.gql(MOVE, { itemId: ids.E, position: 2 }, w.organiser.token));
      expect(await expectGapless(list.id, 6)).toEqual(['A', 'E', 'M', 'B', 'Z', 'C']);
      // to the same place: nothing changes
      ok(await t.gql(MOVE, { itemId: ids.M, position: 3 }, w.organiser.token));
      expect(await expectGapless(list.id, 6)).toEqual(['A', 'E', 'M', 'B', 'Z', 'C']);
      // to the ends
      ok(await t.gql(MOVE, { itemId: ids.C, position: 1 }, w.organiser.token));
      ok(await t.gql(MOVE, { itemId: ids.A, position: 6 }, w.organiser.token));
      expect(await expectGapless(list.id, 6)).toEqual(['C', 'E', 'M', 'B', 'Z', 'A']);
      badInput(await t.gql(MOVE, { itemId: ids.A, position: 7 }, w.organiser.token), 'position');
      badInput(await t.gql(MOVE, { itemId: ids.A, position: 0 }, w.organiser.token), 'position');
      fails(await t.gql(MOVE, { itemId: ids.A, position: 2 }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(MOVE, { itemId: randomUUID(), position: 1 }, w.organiser.token), 'NOT_FOUND');
      expect(await expectGapless(list.id, 6)).toEqual(['C', 'E', 'M', 'B', 'Z', 'A']);

      // remove from the middle, the start and the end
      expect(ok(await t.gql(REMOVE, { itemId: ids.M }, w.organiser.token)).removeReadingListItem).toBe(true);
      expect(await expectGapless(list.id, 5)).toEqual(['C', 'E', 'B', 'Z', 'A']);
      ok(await t.gql(REMOVE, { itemId: ids.C }, w.organiser.token));
      ok(await t.gql(REMOVE, { itemId: ids.A }, w.organiser.token));
      expect(await expectGapless(list.id, 3)).toEqual(['E', 'B', 'Z']);
      fails(await t.gql(REMOVE, { itemId: ids.B }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(REMOVE, { itemId: ids.M }, w.organiser.token), 'NOT_FOUND');
      expect(await expectGapless(list.id, 3)).toEqual(['E', 'B', 'Z']);
      // positions are not input of updateReadingListItem: an update keeps the order
      ok(await t.gql(UPDATE_ITEM, { itemId: ids.B, input: { title: 'B2' } }, w.organiser.token));
      expect(await expectGapless(list.id, 3)).toEqual(['E', 'B2', 'Z']);
    });
  });

  describe('concurrency', () => {
    it.each([1, 2])('keeps positions exactly 1..n under concurrent adds, moves and removals (round %i)', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id);
      const adds = await Promise.all(range(1, 20).map((i) => add(i % 2 ? w.organiser.token : w.writeKey, list.id, { title: `c${i}` })));
      const added = adds.map((res) => ok(res).addReadingListItem);
      expect(added.map((i) => i.position).sort((a, b) => a - b)).toEqual(range(1, 20));
      const titles = await expectGapless(list.id, 20);
      expect([...titles].sort()).toEqual(
        range(1, 20)
          .map((i) => `c${i}`)
          .sort(),
      );

      // 10 moves of distinct items, 3 removals of other items, 5 adds (some inserted, some at the end), all at once
      const shuffled = [...added].sort(() => Math.random() - 0.5);
      const movers = shuffled.slice(0, 10);
      const removed = shuffled.slice(10, 13);
      const mixed = await Promise.all([
        ...movers.map((m) => t.gql(MOVE, { itemId: m.id, position: pick(range(1, 17)) }, w.organiser.token)),
        ...removed.map((r) => t.gql(REMOVE, { itemId: r.id }, w.writeKey)),
        ...range(1, 5).map((i) => add(w.organiser.token, list.id, { title: `d${i}` }, i % 2 ? pick(range(1, 18)) : undefined)),
      ]);
      for (const res of mixed) ok(res);
      const after = await expectGapless(list.id, 22);
      const expected = [
        ...range(1, 20)
          .map((i) => `c${i}`)
          .filter((c) => !removed.some((r) => r.title === c)),
        ...range(1, 5).map((i) => `d${i}`),
      ];
      expect([...after].sort()).toEqual(expected.sort());
      const duplicates = await db.query(`SELECT position FROM reading_list_items WHERE list_id = $1 GROUP BY position HAVING count(*) > 1`, [list.id]);
      expect(duplicates.rows).toEqual([]);
    });
  });

  describe('visibility and sharing', () => {
    let publicList: { id: string; title: string };
    let orgList: { id: string; title: string };
    let chapterList: { id: string; title: string };
    let chapterItem: { id: string };

    beforeAll(async () => {
      publicList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC', title: `Public ${unique()}` });
      orgList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'ORGANISATION', title: `Org ${unique()}` });
      chapterList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER', title: `Chapter ${unique()}` });
      chapterItem = await addReadingListItem(t, w.organiser, chapterList.id, { title: 'Open Veins of Latin America' });
    });

    /** Whether `token` reads the list through readingList(id), readingLists(filter) and Chapter.readingLists, all agreeing. */
    const reads = async (listId: string, token?: string): Promise<boolean> => {
      const byId = ok(await t.gql(LIST, { id: listId }, token)).readingList;
      const inList = ok(await t.gql(LISTS, { filter: { chapterId: w.chapterA.id }, first: 100 }, token)).readingLists.edges.some(
        (e: any) => e.node.id === listId,
      );
      const inChapter = ok(await t.gql(CHAPTER_LISTS, { id: w.chapterA.id, first: 100 }, token)).chapter.readingLists.edges.some(
        (e: any) => e.node.id === listId,
      );
      expect({ inList, inChapter }).toEqual({ inList: byId !== null, inChapter: byId !== null });
      return byId !== null;
    };

    it('shows each visibility to exactly the right readers', async () => {
      const viewers: Array<[string, string | undefined, [boolean, boolean, boolean]]> = [
        ['anonymous', undefined, [true, false, false]],
        ['stranger', w.stranger.token, [true, false, false]],
        ['member of another organisation', w.outsiderMember.token, [true, false, false]],
        ['organiser in another organisation', w.outsider.token, [true, false, false]],
        ['member of another chapter of the organisation', w.memberB.token, [true, true, false]],
        ['organiser of another chapter of the organisation', w.organiserB.token, [true, true, false]],
        ['member of the chapter', w.memberA.token, [true, true, true]],
        ['organiser of the chapter', w.organiser.token, [true, true, true]],
        ['admin of the organisation', w.admin.token, [true, true, true]],
        ['READING_LISTS_READ key', w.readKey, [true, true, true]],
        ['READING_LISTS_WRITE key', w.writeKey, [true, true, true]],
        ['key of another organisation', w.otherWriteKey, [true, false, false]],
      ];
      const seen: Record<string, [boolean, boolean, boolean]> = {};
      const expected: Record<string, [boolean, boolean, boolean]> = {};
      for (const [who, token, want] of viewers) {
        seen[who] = [await reads(publicList.id, token), await reads(orgList.id, token), await reads(chapterList.id, token)];
        expected[who] = want;
      }
      expect(seen).toEqual(expected);
    });

    it('hides a list from those who cannot see it with NOT_FOUND on every mutation, the same as a missing one', async () => {
      const missingList = fails(await t.gql(UPDATE, { id: randomUUID(), input: { title: 'x' } }, w.memberB.token), 'NOT_FOUND').message;
      const missingItem = fails(await t.gql(UPDATE_ITEM, { itemId: randomUUID(), input: { title: 'x' } }, w.memberB.token), 'NOT_FOUND').message;
      for (const token of [w.memberB.token, w.organiserB.token, w.stranger.token, w.outsider.token]) {
        expect(fails(await t.gql(UPDATE, { id: chapterList.id, input: { title: 'x' } }, token), 'NOT_FOUND').message).toBe(missingList);
        fails(await t.gql(DELETE, { id: chapterList.id }, token), 'NOT_FOUND');
        fails(await add(token, chapterList.id), 'NOT_FOUND');
        expect(fails(await t.gql(UPDATE_ITEM, { itemId: chapterItem.id, input: { title: 'x' } }, token), 'NOT_FOUND').message).toBe(missingItem);
        fails(await t.gql(MOVE, { itemId: chapterItem.id, position: 1 }, token), 'NOT_FOUND');
        fails(await t.gql(REMOVE, { itemId: chapterItem.id }, token), 'NOT_FOUND');
        fails(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterB.id }, token), 'NOT_FOUND');
        fails(await t.gql(UNSHARE, { listId: chapterList.id, chapterId: w.chapterB.id }, token), 'NOT_FOUND');
        fails(await t.gql(FORK, { listId: chapterList.id, chapterId: w.chapterB.id }, token), 'NOT_FOUND');
        fails(await t.gql(SET_STATUS, { itemId: chapterItem.id, status: 'READ' }, token), 'NOT_FOUND');
      }
      fails(await t.gql(UPDATE, { id: orgList.id, input: { title: 'x' } }, w.stranger.token), 'NOT_FOUND');
      const list = await listAs(chapterList.id, w.organiser.token);
      expect(list).toMatchObject({ title: chapterList.title, itemCount: 1, sharedWith: [] });
      expect(list.items.map((i: any) => i.title)).toEqual(['Open Veins of Latin America']);
    });

    it('answers FORBIDDEN to those who see a list but may not manage it', async () => {
      for (const [token, listId] of [
        [w.memberA.token, chapterList.id],
        [w.memberB.token, orgList.id],
        [w.organiserB.token, publicList.id],
        [w.stranger.token, publicList.id],
        [w.readKey, chapterList.id],
      ] as const) {
        fails(await t.gql(UPDATE, { id: listId, input: { title: 'x' } }, token), 'FORBIDDEN');
        fails(await add(token, listId), 'FORBIDDEN');
        fails(await t.gql(SHARE, { listId, chapterId: w.chapterC.id }, token), 'FORBIDDEN');
        fails(await t.gql(UNSHARE, { listId, chapterId: w.chapterC.id }, token), 'FORBIDDEN');
      }
      fails(await t.gql(UPDATE_ITEM, { itemId: chapterItem.id, input: { title: 'x' } }, w.memberA.token), 'FORBIDDEN');
      expect((await listAs(chapterList.id, w.organiser.token)).sharedWith).toEqual([]);
    });

    it('lets members of a chapter it is shared with read a CHAPTER list until it is unshared', async () => {
      expect(await reads(chapterList.id, w.memberC.token)).toBe(false);
      const shared = ok(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterC.id }, w.organiser.token)).shareReadingList;
      expect(shared.sharedWith).toEqual([{ id: w.chapterC.id }]);
      // sharing twice changes nothing
      expect(ok(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterC.id }, w.organiser.token)).shareReadingList.sharedWith).toEqual([
        { id: w.chapterC.id },
      ]);
      expect(await reads(chapterList.id, w.memberC.token)).toBe(true);
      const seen = await listAs(chapterList.id, w.memberC.token);
      expect(seen.items.map((i: any) => i.title)).toEqual(['Open Veins of Latin America']);
      expect(seen.sharedWith).toEqual([{ id: w.chapterC.id }]);
      // read access only: a member of the shared chapter may keep a status but not edit
      expect(ok(await t.gql(SET_STATUS, { itemId: chapterItem.id, status: 'READING' }, w.memberC.token)).setReadingStatus.viewerStatus).toBe('READING');
      fails(await t.gql(UPDATE, { id: chapterList.id, input: { title: 'x' } }, w.memberC.token), 'FORBIDDEN');
      // still invisible to members of chapters it is not shared with
      expect(await reads(chapterList.id, w.memberB.token)).toBe(false);

      const unshared = ok(await t.gql(UNSHARE, { listId: chapterList.id, chapterId: w.chapterC.id }, w.organiser.token)).unshareReadingList;
      expect(unshared.sharedWith).toEqual([]);
      expect(await reads(chapterList.id, w.memberC.token)).toBe(false);
      fails(await t.gql(SET_STATUS, { itemId: chapterItem.id, status: 'READ' }, w.memberC.token), 'NOT_FOUND');
      ok(await t.gql(SET_STATUS, { itemId: chapterItem.id, status: null }, w.memberA.token));
    });

    it('shares with the organisation admin and a READING_LISTS_WRITE key too, and refuses the owning chapter', async () => {
      expect(ok(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterB.id }, w.writeKey)).shareReadingList.sharedWith).toEqual([
        { id: w.chapterB.id },
      ]);
      expect(await reads(chapterList.id, w.memberB.token)).toBe(true);
      expect(
        ok(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterC.id }, w.admin.token))
          .shareReadingList.sharedWith.map((c: any) => c.id)
          .sort(),
      ).toEqual([w.chapterB.id, w.chapterC.id].sort());
      badInput(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.chapterA.id }, w.organiser.token), 'chapterId');
      fails(await t.gql(SHARE, { listId: chapterList.id, chapterId: randomUUID() }, w.organiser.token), 'NOT_FOUND');
      ok(await t.gql(UNSHARE, { listId: chapterList.id, chapterId: w.chapterB.id }, w.writeKey));
      ok(await t.gql(UNSHARE, { listId: chapterList.id, chapterId: w.chapterC.id }, w.admin.token));
      expect(await reads(chapterList.id, w.memberB.token)).toBe(false);
      expect((await listAs(chapterList.id, w.organiser.token)).sharedWith).toEqual([]);
    });

    it("shares with another organisation's chapter only when the caller organises that chapter too", async () => {
      fails(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.otherChapter.id }, w.organiser.token), 'FORBIDDEN');
      fails(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.otherChapter.id }, w.admin.token), 'FORBIDDEN');
      fails(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.otherChapter.id }, w.writeKey), 'FORBIDDEN');
      expect((await listAs(chapterList.id, w.organiser.token)).sharedWith).toEqual([]);
      expect(await reads(chapterList.id, w.outsiderMember.token)).toBe(false);

      const shared = ok(await t.gql(SHARE, { listId: chapterList.id, chapterId: w.otherChapter.id }, w.dual.token)).shareReadingList;
      expect(shared.sharedWith).toEqual([{ id: w.otherChapter.id }]);
      expect(await reads(chapterList.id, w.outsiderMember.token)).toBe(true);
      // reading does not make the other organisation's organiser a manager
      fails(await t.gql(UPDATE, { id: chapterList.id, input: { title: 'x' } }, w.outsider.token), 'FORBIDDEN');
      ok(await t.gql(UNSHARE, { listId: chapterList.id, chapterId: w.otherChapter.id }, w.organiser.token));
      expect(await reads(chapterList.id, w.outsiderMember.token)).toBe(false);
    });
  });

  describe('forks', () => {
    let source: { id: string };
    let sourceItems: any[];

    beforeAll(async () => {
      source = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC', title: `Forkable ${unique()}`, description: 'To be copied' });
      await addReadingListItem(t, w.organiser, source.id, {
        title: 'Caliban and the Witch',
        authors: ['Silvia Federici'],
        isbn: '1-57027-059-7',
        year: 2004,
        url: 'https://example.org/caliban',
        note: 'Start here.',
        discussionQuestions: ['Who benefits?', 'What changed?'],
      });
      await addReadingListItem(t, w.organiser, source.id, { kind: 'VIDEO', title: 'The Take', authors: ['Avi Lewis', 'Naomi Klein'] });
      await addReadingListItem(t, w.organiser, source.id, { kind: 'ARTICLE', title: 'Open letter' });
      sourceItems = await itemsOf(source.id, w.organiser.token);
      ok(await t.gql(SET_STATUS, { itemId: sourceItems[0].id, status: 'READ' }, w.memberA.token));
    });

    const strip = ({ id, readCount, viewerStatus, ...rest }: any) => rest;

    it('copies the list and every item into a chapter the caller organises, pointing back with forkedFrom', async () => {
      const fork = ok(await t.gql(FORK, { listId: source.id, chapterId: w.chapterB.id }, w.organiserB.token)).forkReadingList;
      expect(fork.id).not.toBe(source.id);
      expect(fork).toMatchObject({
        title: (await listAs(source.id)).title,
        description: 'To be copied',
        visibility: 'PUBLIC',
        chapter: { id: w.chapterB.id },
        forkedFrom: { id: source.id },
        itemCount: 3,
        sharedWith: [],
      });
      expect(fork.items.map(strip)).toEqual(sourceItems.map(strip));
      expect(fork.items.map((i: any) => i.position)).toEqual([1, 2, 3]);
      expect(fork.items[0].isbn).toBe('9781570270598');
      // new rows, and members' statuses stay with the original
      expect(fork.items.filter((i: any) => sourceItems.some((s) => s.id === i.id))).toEqual([]);
      expect(fork.items.map((i: any) => i.readCount)).toEqual([0, 0, 0]);
      expect(await sqlPositions(fork.id)).toEqual([1, 2, 3]);
      expect(await sqlItemCount(fork.id)).toBe(3);
    });

    it('keeps the fork and the original independent afterwards', async () => {
      const fork = ok(await t.gql(FORK, { listId: source.id, chapterId: w.chapterB.id }, w.organiserB.token)).forkReadingList;
      const before = await listAs(source.id);
      // edits to the fork
      ok(await t.gql(UPDATE, { id: fork.id, input: { title: 'Forked and renamed', description: 'Ours now' } }, w.organiserB.token));
      ok(await add(w.organiserB.token, fork.id, { title: 'Only in the fork' }, 1));
      ok(await t.gql(UPDATE_ITEM, { itemId: fork.items[1].id, input: { title: 'Renamed in fork', authors: ['Somebody'] } }, w.organiserB.token));
      ok(await t.gql(REMOVE, { itemId: fork.items[2].id }, w.organiserB.token));
      ok(await t.gql(MOVE, { itemId: fork.items[0].id, position: 3 }, w.organiserB.token));
      const afterFork = await listAs(source.id);
      expect({ ...afterFork, viewerProgress: null }).toEqual({ ...before, viewerProgress: null });
      // edits to the original
      ok(await t.gql(UPDATE, { id: source.id, input: { title: `${before.title} (2nd ed.)` } }, w.organiser.token));
      ok(await t.gql(UPDATE_ITEM, { itemId: sourceItems[0].id, input: { note: 'Changed in the original' } }, w.organiser.token));
      const extra = ok(await add(w.organiser.token, source.id, { title: 'Only in the original' })).addReadingListItem;
      const forkNow = await listAs(fork.id, w.organiserB.token);
      expect(forkNow).toMatchObject({
        title: 'Forked and renamed',
        description: 'Ours now',
        itemCount: 3,
        forkedFrom: { id: source.id, title: `${before.title} (2nd ed.)` },
      });
      expect(forkNow.items.map((i: any) => [i.position, i.title])).toEqual([
        [1, 'Only in the fork'],
        [2, 'Renamed in fork'],
        [3, 'Caliban and the Witch'],
      ]);
      expect(forkNow.items[2].note).toBe('Start here.');
      expect(forkNow.items[1].authors).toEqual(['Somebody']);
      const sourceNow = await listAs(source.id);
      expect(sourceNow.items.map((i: any) => i.title)).toEqual(['Caliban and the Witch', 'The Take', 'Open letter', 'Only in the original']);
      expect(sourceNow.items[1].authors).toEqual(['Avi Lewis', 'Naomi Klein']);
      ok(await t.gql(REMOVE, { itemId: extra.id }, w.organiser.token));
      ok(await t.gql(UPDATE, { id: source.id, input: { title: before.title } }, w.organiser.token));
    });

    it('refuses a chapter the caller does not organise with FORBIDDEN, and an invisible list with NOT_FOUND', async () => {
      const count = async () => (await db.query(`SELECT count(*)::int AS n FROM reading_lists WHERE forked_from_id IS NOT NULL`)).rows[0].n;
      const before = await count();
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.chapterA.id }, w.organiserB.token), 'FORBIDDEN');
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.chapterA.id }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.otherChapter.id }, w.organiser.token), 'FORBIDDEN');
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.chapterB.id }, w.stranger.token), 'FORBIDDEN');
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.chapterB.id }, w.readKey), 'FORBIDDEN');
      fails(await t.gql(FORK, { listId: source.id, chapterId: w.chapterB.id }), 'UNAUTHENTICATED');
      const hidden = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      fails(await t.gql(FORK, { listId: hidden.id, chapterId: w.chapterB.id }, w.organiserB.token), 'NOT_FOUND');
      fails(await t.gql(FORK, { listId: hidden.id, chapterId: w.otherChapter.id }, w.outsider.token), 'NOT_FOUND');
      fails(await t.gql(FORK, { listId: randomUUID(), chapterId: w.chapterB.id }, w.organiserB.token), 'NOT_FOUND');
      expect(await count()).toBe(before);
    });

    it("forks into another organisation's chapter the caller organises; forkedFrom is null to those who cannot see the original", async () => {
      const hidden = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER', title: `Hidden ${unique()}` });
      await addReadingListItem(t, w.organiser, hidden.id, { title: 'Secret reading' });
      const fork = ok(await t.gql(FORK, { listId: hidden.id, chapterId: w.otherChapter.id }, w.dual.token)).forkReadingList;
      expect(fork).toMatchObject({ chapter: { id: w.otherChapter.id }, forkedFrom: { id: hidden.id }, visibility: 'CHAPTER', itemCount: 1 });
      const seen = await listAs(fork.id, w.outsiderMember.token);
      expect(seen).toMatchObject({ id: fork.id, forkedFrom: null });
      expect(seen.items.map((i: any) => i.title)).toEqual(['Secret reading']);
      expect(await listAs(hidden.id, w.outsiderMember.token)).toBeNull();
      // a fork survives the deletion of its original
      ok(await t.gql(DELETE, { id: hidden.id }, w.organiser.token));
      const orphan = await listAs(fork.id, w.dual.token);
      expect(orphan).toMatchObject({ forkedFrom: null, itemCount: 1 });
      expect(orphan.items.map((i: any) => i.title)).toEqual(['Secret reading']);
    });
  });

  describe('reading status', () => {
    let list: { id: string };
    let items: Array<{ id: string }>;

    beforeAll(async () => {
      list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC', title: `Status circle ${unique()}` });
      items = [];
      for (const title of ['One', 'Two', 'Three']) items.push(await addReadingListItem(t, w.organiser, list.id, { title }));
    });

    const statusesSeenBy = async (token?: string) => (await itemsOf(list.id, token)).map((i) => i.viewerStatus);

    it('keeps each member’s statuses private, counts READ across members and reports each member’s own progress', async () => {
      const set = async (who: TestUser, i: number, status: string | null) => {
        const res = ok(await t.gql(SET_STATUS, { itemId: items[i].id, status }, who.token)).setReadingStatus;
        expect(res).toMatchObject({ id: items[i].id, viewerStatus: status });
        return res;
      };
      await set(w.memberA, 0, 'READ');
      await set(w.memberA, 1, 'READING');
      await set(w.memberA, 2, 'TO_READ');
      const a2 = await set(w.memberA2, 0, 'READ');
      expect(a2.readCount).toBe(2);
      await set(w.organiser, 2, 'READING');

      expect(await statusesSeenBy(w.memberA.token)).toEqual(['READ', 'READING', 'TO_READ']);
      expect(await statusesSeenBy(w.memberA2.token)).toEqual(['READ', null, null]);
      expect(await statusesSeenBy(w.organiser.token)).toEqual([null, null, 'READING']);
      for (const token of [w.admin.token, w.memberB.token, w.stranger.token, w.writeKey, undefined])
        expect(await statusesSeenBy(token)).toEqual([null, null, null]);
      expect((await itemsOf(list.id, w.organiser.token)).map((i) => i.readCount)).toEqual([2, 0, 0]);
      expect((await itemsOf(list.id, undefined)).map((i) => i.readCount)).toEqual([2, 0, 0]);

      expect((await listAs(list.id, w.memberA.token)).viewerProgress).toEqual({ read: 1, reading: 1, total: 3 });
      expect((await listAs(list.id, w.memberA2.token)).viewerProgress).toEqual({ read: 1, reading: 0, total: 3 });
      expect((await listAs(list.id, w.organiser.token)).viewerProgress).toEqual({ read: 0, reading: 1, total: 3 });
      expect((await listAs(list.id, w.memberB.token)).viewerProgress).toEqual({ read: 0, reading: 0, total: 3 });
      expect((await listAs(list.id)).viewerProgress).toBeNull();

      // changing and clearing
      await set(w.memberA, 0, 'READING');
      expect((await itemsOf(list.id, w.organiser.token)).map((i) => i.readCount)).toEqual([1, 0, 0]);
      await set(w.memberA, 0, null);
      await set(w.memberA, 0, null); // clearing what is not set is fine
      expect(await statusesSeenBy(w.memberA.token)).toEqual([null, 'READING', 'TO_READ']);
      expect((await listAs(list.id, w.memberA.token)).viewerProgress).toEqual({ read: 0, reading: 1, total: 3 });
      await set(w.memberA, 0, 'READ');
      const rows = (await db.query(`SELECT user_id, status FROM reading_statuses WHERE item_id = $1 ORDER BY status`, [items[0].id])).rows;
      expect(rows.map((r) => r.user_id).sort()).toEqual([w.memberA.id, w.memberA2.id].sort());
    });

    it('never shows another member’s status through any path that reaches an item', async () => {
      // memberA: READ, READING, TO_READ; memberA2: READ, -, -; organiser: -, -, READING (from the test above)
      const viewers: Array<[TestUser | null, Array<string | null>]> = [
        [w.memberA, ['READ', 'READING', 'TO_READ']],
        [w.memberA2, ['READ', null, null]],
        [w.organiser, [null, null, 'READING']],
        [w.memberB, [null, null, null]],
        [null, [null, null, null]],
      ];
      for (const [who, want] of viewers) {
        const token = who?.token;
        const statusOf = (its: any[]) => items.map((i) => its.find((x) => x.id === i.id)?.viewerStatus ?? null);
        expect(statusOf((await listAs(list.id, token)).items)).toEqual(want);
        const viaLists = ok(await t.gql(LISTS, { filter: { chapterId: w.chapterA.id, search: 'status circle' }, first: 100 }, token)).readingLists.edges;
        expect(statusOf(viaLists.find((e: any) => e.node.id === list.id).node.items)).toEqual(want);
        const viaChapter = ok(await t.gql(CHAPTER_LISTS, { id: w.chapterA.id, first: 100 }, token)).chapter.readingLists.edges;
        expect(statusOf(viaChapter.find((e: any) => e.node.id === list.id).node.items)).toEqual(want);
      }
      // mutation payloads
      const fromSet = ok(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'TO_READ' }, w.memberA2.token)).setReadingStatus;
      expect(fromSet).toMatchObject({ viewerStatus: 'TO_READ', readCount: 0 });
      const fromUpdate = ok(
        await t.gql(UPDATE_ITEM, { itemId: items[0].id, input: { note: 'Read before the meeting' } }, w.organiser.token),
      ).updateReadingListItem;
      expect(fromUpdate).toMatchObject({ viewerStatus: null, readCount: 2, note: 'Read before the meeting' });
      const fromUpdateByKey = ok(await t.gql(UPDATE_ITEM, { itemId: items[2].id, input: { note: 'By key' } }, w.writeKey)).updateReadingListItem;
      expect(fromUpdateByKey).toMatchObject({ viewerStatus: null, readCount: 0 });
      const fromMove = ok(await t.gql(MOVE, { itemId: items[0].id, position: 1 }, w.organiser.token)).moveReadingListItem;
      expect(fromMove.items.map((i: any) => i.viewerStatus)).toEqual([null, null, 'READING']);
      expect(fromMove.viewerProgress).toEqual({ read: 0, reading: 1, total: 3 });
      const fromUpdateList = ok(await t.gql(UPDATE, { id: list.id, input: { description: 'Monthly' } }, w.admin.token)).updateReadingList;
      expect(fromUpdateList.items.map((i: any) => i.viewerStatus)).toEqual([null, null, null]);
      const added = ok(await add(w.organiser.token, list.id, { title: 'Four' })).addReadingListItem;
      expect(added).toMatchObject({ viewerStatus: null, readCount: 0, position: 4 });
      ok(await t.gql(SET_STATUS, { itemId: added.id, status: 'READ' }, w.memberA.token));
      const updatedByOrganiser = ok(
        await t.gql(UPDATE_ITEM, { itemId: added.id, input: { title: 'Four (revised)' } }, w.organiser.token),
      ).updateReadingListItem;
      expect(updatedByOrganiser).toMatchObject({ viewerStatus: null, readCount: 1 });
      // a fork copies no statuses
      const fork = ok(await t.gql(FORK, { listId: list.id, chapterId: w.chapterA.id }, w.organiser.token)).forkReadingList;
      expect(fork.items.map((i: any) => [i.viewerStatus, i.readCount])).toEqual(range(1, 4).map(() => [null, 0]));
      const forkSeenByA = await listAs(fork.id, w.memberA.token);
      expect(forkSeenByA.items.map((i: any) => i.viewerStatus)).toEqual([null, null, null, null]);
      expect(forkSeenByA.forkedFrom).toEqual({ id: list.id, title: expect.any(String) });
      ok(await t.gql(REMOVE, { itemId: added.id }, w.organiser.token));
    });

    it('lets members of any chapter of the organisation and admins keep a status on a list they can see; nobody else', async () => {
      expect(ok(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'READ' }, w.memberB.token)).setReadingStatus.viewerStatus).toBe('READ');
      expect(ok(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'READING' }, w.admin.token)).setReadingStatus.viewerStatus).toBe('READING');
      const before = (await db.query(`SELECT count(*)::int AS n FROM reading_statuses WHERE item_id = ANY($1)`, [items.map((i) => i.id)])).rows[0].n;
      for (const who of [w.stranger, w.outsider, w.outsiderMember])
        fails(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'READ' }, who.token), 'FORBIDDEN');
      fails(await t.gql(SET_STATUS, { itemId: items[1].id, status: null }, w.stranger.token), 'FORBIDDEN');
      fails(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'READ' }), 'UNAUTHENTICATED');
      fails(await t.gql(SET_STATUS, { itemId: items[1].id, status: 'READ' }, w.writeKey), 'FORBIDDEN');
      fails(await t.gql(SET_STATUS, { itemId: randomUUID(), status: 'READ' }, w.memberA.token), 'NOT_FOUND');
      expect((await db.query(`SELECT count(*)::int AS n FROM reading_statuses WHERE item_id = ANY($1)`, [items.map((i) => i.id)])).rows[0].n).toBe(before);
      expect(await statusesSeenBy(w.stranger.token)).toEqual([null, null, null]);
      // a member of another chapter may not reach a CHAPTER list at all
      const hidden = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const hiddenItem = await addReadingListItem(t, w.organiser, hidden.id);
      fails(await t.gql(SET_STATUS, { itemId: hiddenItem.id, status: 'READ' }, w.memberB.token), 'NOT_FOUND');
      expect(ok(await t.gql(SET_STATUS, { itemId: hiddenItem.id, status: 'READ' }, w.memberA.token)).setReadingStatus.readCount).toBe(1);
    });
  });

  describe('readCount counts only people who may read the list now', () => {
    const readCounts = async (listId: string) => (await itemsOf(listId, w.organiser.token)).map((i) => i.readCount);
    const markRead = async (who: TestUser, itemId: string) => ok(await t.gql(SET_STATUS, { itemId, status: 'READ' }, who.token));

    it('drops people who left the chapter, were removed, or whose membership is no longer ACTIVE; counts them again when they are back', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const [first, second] = [await addReadingListItem(t, w.organiser, list.id), await addReadingListItem(t, w.organiser, list.id)];
      const [leaver, removed, suspended, stayer] = await Promise.all(
        ['Lia Leaves', 'Rita Removed', 'Sol Suspended', 'Santi Stays'].map((n) => registerUser(t, n)),
      );
      const memberships = new Map<TestUser, string>();
      for (const who of [leaver, removed, suspended, stayer]) {
        memberships.set(who, await joinChapter(t, who, w.chapterA.id));
        await markRead(who, first.id);
      }
      await markRead(stayer, second.id);
      expect(await readCounts(list.id)).toEqual([4, 1]);

      ok(await t.gql(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: w.chapterA.id }, leaver.token));
      ok(await t.gql(`mutation($id: ID!) { removeMembership(membershipId: $id) }`, { id: memberships.get(removed) }, w.organiser.token));
      // No longer ACTIVE (as a membership waiting for approval is).
      await db.query(`UPDATE memberships SET status = 'PENDING' WHERE id = $1`, [memberships.get(suspended)]);
      expect(await readCounts(list.id)).toEqual([1, 1]);
      // The same through a chapter's lists and through a mutation's item.
      const viaChapter = ok(await t.gql(CHAPTER_LISTS, { id: w.chapterA.id, first: 100 }, w.memberA.token)).chapter.readingLists.edges;
      expect(viaChapter.find((e: any) => e.node.id === list.id).node.items.map((i: any) => i.readCount)).toEqual([1, 1]);
      const fromUpdate = ok(await t.gql(UPDATE_ITEM, { itemId: first.id, input: { note: 'Chapter one' } }, w.organiser.token)).updateReadingListItem;
      expect(fromUpdate.readCount).toBe(1);
      // Their rows stay (their own progress comes back with them); only the count leaves them out.
      expect((await db.query(`SELECT count(*)::int AS n FROM reading_statuses WHERE item_id = $1`, [first.id])).rows[0].n).toBe(4);

      await db.query(`UPDATE memberships SET status = 'ACTIVE' WHERE id = $1`, [memberships.get(suspended)]);
      await joinChapter(t, leaver, w.chapterA.id);
      expect(await readCounts(list.id)).toEqual([3, 1]);
    });

    it('counts members of chapters the list is shared with while it is shared, and organisation members only on lists they may read', async () => {
      const list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const book = await addReadingListItem(t, w.organiser, list.id);
      ok(await t.gql(SHARE, { listId: list.id, chapterId: w.chapterC.id }, w.organiser.token));
      await markRead(w.memberC, book.id);
      await markRead(w.memberA, book.id);
      await markRead(w.admin, book.id); // admins may read every list of their organisation
      expect(await readCounts(list.id)).toEqual([3]);
      ok(await t.gql(UNSHARE, { listId: list.id, chapterId: w.chapterC.id }, w.organiser.token));
      expect(await readCounts(list.id)).toEqual([2]);
      // Made ORGANISATION-wide, every ACTIVE member of the organisation may read it: memberC counts again.
      ok(await t.gql(UPDATE, { id: list.id, input: { visibility: 'ORGANISATION' } }, w.organiser.token));
      expect(await readCounts(list.id)).toEqual([3]);
      // Back to CHAPTER: memberC (chapter C, not shared) may not read it, so does not count.
      ok(await t.gql(UPDATE, { id: list.id, input: { visibility: 'CHAPTER' } }, w.organiser.token));
      expect(await readCounts(list.id)).toEqual([2]);
    });

    it('counts a shared PUBLIC list’s readers from another organisation only while they are members of a chapter it is shared with', async () => {
      const list = await createReadingList(t, w.dual, w.chapterA.id, { visibility: 'PUBLIC' });
      const book = await addReadingListItem(t, w.dual, list.id);
      ok(await t.gql(SHARE, { listId: list.id, chapterId: w.otherChapter.id }, w.dual.token));
      await markRead(w.outsiderMember, book.id);
      expect(await readCounts(list.id)).toEqual([1]);
      ok(await t.gql(UNSHARE, { listId: list.id, chapterId: w.otherChapter.id }, w.dual.token));
      expect(await readCounts(list.id)).toEqual([0]);
    });

    it('reads a list page with the same number of statements however long its lists are', async () => {
      const short = await createReadingList(t, w.organiserB, w.chapterB.id, { visibility: 'PUBLIC', title: `Short ${unique()}` });
      const long = await createReadingList(t, w.organiserB, w.chapterB.id, { visibility: 'PUBLIC', title: `Long ${unique()}` });
      await addReadingListItem(t, w.organiserB, short.id);
      for (let i = 0; i < 25; i++) await addReadingListItem(t, w.organiserB, long.id);
      const statements = async (listId: string) => {
        const spy = jest.spyOn(Client.prototype, 'query');
        try {
          const items = await itemsOf(listId, w.memberB.token);
          return { n: spy.mock.calls.length, items: items.length };
        } finally {
          spy.mockRestore();
        }
      };
      await statements(short.id); // warm the prepared statements
      const a = await statements(short.id);
      const b = await statements(long.id);
      expect([a.items, b.items]).toEqual([1, 25]);
      expect(a.n).toBeGreaterThan(0);
      expect(b.n).toBe(a.n);
    });
  });

  describe('readingLists and Chapter.readingLists', () => {
    let searchOrg: { id: string };
    let chapterS: { id: string };
    let chapterT: { id: string };
    let curator: TestUser;
    let reader: TestUser;
    let lists: Record<string, string>;

    beforeAll(async () => {
      [curator, reader] = await Promise.all([registerUser(t, 'Quri Curator'), registerUser(t, 'Rosa Reader')]);
      searchOrg = await createOrganisation(t, curator);
      [chapterS, chapterT] = await Promise.all([createChapter(t, curator, searchOrg.id), createChapter(t, curator, searchOrg.id)]);
      await joinChapter(t, reader, chapterS.id);
      lists = {};
      const make = async (key: string, chapterId: string, extra: Record<string, unknown>, itemsToAdd: Array<Record<string, unknown>> = []) => {
        lists[key] = (await createReadingList(t, curator, chapterId, extra)).id;
        for (const it of itemsToAdd) await addReadingListItem(t, curator, lists[key], it);
      };
      // created in this order: newest last
      await make('bolivia', chapterS.id, { title: 'Solidarity with Bolivia', description: 'The water wars of Cochabamba', visibility: 'PUBLIC' });
      await make('feminism', chapterS.id, { title: 'Feminist economics', visibility: 'PUBLIC' }, [
        { title: 'Caliban and the Witch', authors: ['Silvia Federici'] },
      ]);
      await make('veins', chapterS.id, { title: 'Hidden readings', visibility: 'CHAPTER' }, [
        { title: 'Open Veins of Latin America', authors: ['Eduardo Galeano'] },
      ]);
      await make('org', chapterT.id, { title: 'Organisation-wide primer', visibility: 'ORGANISATION' });
      await make('tpublic', chapterT.id, { title: 'Chapter T public', visibility: 'PUBLIC' });
    });

    const ids = (res: GqlResponse) => ok(res).readingLists.edges.map((e: any) => e.node.id);
    const search = (search: string, token?: string) => t.gql(LISTS, { filter: { organisationId: searchOrg.id, search } }, token).then(ids);

    it('lists what the caller may see, newest first', async () => {
      const all = [lists.tpublic, lists.org, lists.veins, lists.feminism, lists.bolivia];
      expect(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } }).then(ids)).toEqual([lists.tpublic, lists.feminism, lists.bolivia]);
      expect(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } }, w.stranger.token).then(ids)).toEqual([
        lists.tpublic,
        lists.feminism,
        lists.bolivia,
      ]);
      expect(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } }, reader.token).then(ids)).toEqual(all);
      expect(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } }, curator.token).then(ids)).toEqual(all);
      expect(ok(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } }, reader.token)).readingLists.totalCount).toBe(5);
      expect(ok(await t.gql(LISTS, { filter: { organisationId: searchOrg.id } })).readingLists.totalCount).toBe(3);
      expect(await t.gql(LISTS, { filter: { chapterId: chapterS.id } }).then(ids)).toEqual([lists.feminism, lists.bolivia]);

      const chapterLists = async (chapterId: string, token?: string) =>
        ok(await t.gql(CHAPTER_LISTS, { id: chapterId, first: 100 }, token)).chapter.readingLists.edges.map((e: any) => e.node.id);
      expect(await chapterLists(chapterS.id)).toEqual([lists.feminism, lists.bolivia]);
      expect(await chapterLists(chapterS.id, reader.token)).toEqual([lists.veins, lists.feminism, lists.bolivia]);
      expect(await chapterLists(chapterT.id)).toEqual([lists.tpublic]);
      expect(await chapterLists(chapterT.id, reader.token)).toEqual([lists.tpublic, lists.org]);
      expect(ok(await t.gql(CHAPTER_LISTS, { id: chapterS.id }, reader.token)).chapter.readingLists.totalCount).toBe(3);
    });

    it('pages without duplicates or gaps', async () => {
      const first = ok(await t.gql(LISTS, { filter: { organisationId: searchOrg.id }, first: 2 }, reader.token)).readingLists;
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = ok(await t.gql(LISTS, { filter: { organisationId: searchOrg.id }, first: 2, after: first.pageInfo.endCursor }, reader.token)).readingLists;
      const third = ok(await t.gql(LISTS, { filter: { organisationId: searchOrg.id }, first: 2, after: second.pageInfo.endCursor }, reader.token)).readingLists;
      expect(third.pageInfo.hasNextPage).toBe(false);
      expect([...first.edges, ...second.edges, ...third.edges].map((e: any) => e.node.id)).toEqual([
        lists.tpublic,
        lists.org,
        lists.veins,
        lists.feminism,
        lists.bolivia,
      ]);
      const chapterPage = ok(await t.gql(CHAPTER_LISTS, { id: chapterS.id, first: 1 }, reader.token)).chapter.readingLists;
      const chapterNext = ok(await t.gql(CHAPTER_LISTS, { id: chapterS.id, first: 5, after: chapterPage.pageInfo.endCursor }, reader.token)).chapter
        .readingLists;
      expect([...chapterPage.edges, ...chapterNext.edges].map((e: any) => e.node.id)).toEqual([lists.veins, lists.feminism, lists.bolivia]);
    });

    it('searches titles, descriptions, item titles and authors by word prefixes, within what the caller may see', async () => {
      expect(await search('solid bol')).toEqual([lists.bolivia]);
      expect(await search('SOLIDARITY')).toEqual([lists.bolivia]);
      expect(await search('cochabamba')).toEqual([lists.bolivia]);
      expect(await search('wat')).toEqual([lists.bolivia]);
      expect(await search('feder')).toEqual([lists.feminism]);
      expect(await search('calib witch')).toEqual([lists.feminism]);
      expect(await search('econ')).toEqual([lists.feminism]);
      expect(await search('galeano')).toEqual([]);
      expect(await search('galeano', reader.token)).toEqual([lists.veins]);
      expect(await search('open veins', reader.token)).toEqual([lists.veins]);
      expect(await search('primer')).toEqual([]);
      expect(await search('primer', reader.token)).toEqual([lists.org]);
      expect(await search('bolivia feminist')).toEqual([]);
      expect(await search('olivia')).toEqual([]); // prefixes of words, not infixes
      expect(await search('xyzzy')).toEqual([]);
      expect(await search("wars' & | ! (")).toEqual([lists.bolivia]);
      expect((await search('chapter', reader.token)).sort()).toEqual([lists.tpublic].sort());
      // a search with no words filters nothing
      expect(await search('  !! ')).toEqual([lists.tpublic, lists.feminism, lists.bolivia]);
    });

    it('follows item edits in search', async () => {
      const itemId = (await itemsOf(lists.feminism, curator.token))[0].id;
      ok(await t.gql(UPDATE_ITEM, { itemId, input: { authors: ['Maria Mies'] } }, curator.token));
      expect(await search('federici')).toEqual([]);
      expect(await search('mies')).toEqual([lists.feminism]);
      ok(await t.gql(UPDATE_ITEM, { itemId, input: { authors: ['Silvia Federici'] } }, curator.token));
      expect(await search('federici')).toEqual([lists.feminism]);
    });
  });
});
