import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { MarkStudySessionReadingJob } from '../src/modules/events/study-sessions/mark-reading.job';
import { dbClient, DbClient } from './support/db';
import { badInput, ok } from './support/expectations';
import { addReadingListItem, createReadingList, joinChapter, publishEvent, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const DAY = 86_400_000;
const EVENT_ITEMS = `query($id: ID!) { event(id: $id) { id readingListItems { id title discussionQuestions } } }`;
const SESSIONS = `query($id: ID!, $first: Int, $after: String) { readingList(id: $id) { items { id studySessions(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id startsAt } } } } } }`;
const UPDATE_EVENT = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id readingListItems { id } } }`;
const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id readingListItems { id } } }`;
const SET_STATUS = `mutation($itemId: ID!, $status: ReadingStatus) { setReadingStatus(itemId: $itemId, status: $status) { id viewerStatus } }`;
const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id status } } }`;

describe('study sessions', () => {
  let t: TestApp;
  let w: World;
  let db: DbClient;
  let reader: TestUser; // a second ACTIVE member of chapter A
  let chapterList: { id: string }; // CHAPTER list of chapter A
  let publicList: { id: string }; // PUBLIC list of chapter A
  let secret: { id: string }; // an item of chapterList
  let open: { id: string }; // an item of publicList, with discussion questions

  beforeAll(async () => {
    t = await startTestApp();
    w = await createWorld(t);
    db = await dbClient(t.databaseUrl);
    reader = await registerUser(t, 'Rosa Reader');
    await joinChapter(t, reader, w.chapterA.id);
    chapterList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
    publicList = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
    secret = await addReadingListItem(t, w.organiser, chapterList.id, { title: 'Internal notes' });
    open = await addReadingListItem(t, w.organiser, publicList.id, {
      title: 'Open Veins',
      authors: ['Eduardo Galeano'],
      discussionQuestions: ['Who profits?', 'What changed since 1971?'],
    });
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** A published event of chapter A studying `itemIds`, `days` ahead. */
  async function session(itemIds: string[], extra: Record<string, unknown> = {}, days = 7): Promise<string> {
    const startsAt = new Date(Date.now() + days * DAY);
    const input = {
      chapterId: w.chapterA.id,
      title: 'Study circle',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000),
      timeZone: 'Europe/London',
      readingListItemIds: itemIds,
      ...extra,
    };
    const { id } = ok(await t.gql(CREATE_EVENT, { input }, w.organiser.token)).createEvent;
    await publishEvent(t, w.organiser, id);
    return id;
  }

  it('shows an event only the items its caller may see: a CHAPTER list item never to a non-member', async () => {
    const id = await session([secret.id, open.id]);
    const itemsFor = async (token?: string) => ok(await t.gql(EVENT_ITEMS, { id }, token)).event.readingListItems.map((i: any) => i.id);
    expect(await itemsFor(w.organiser.token)).toEqual([secret.id, open.id]);
    expect(await itemsFor(w.memberA.token)).toEqual([secret.id, open.id]);
    expect(await itemsFor(w.memberB.token)).toEqual([open.id]);
    expect(await itemsFor(w.stranger.token)).toEqual([open.id]);
    expect(await itemsFor(undefined)).toEqual([open.id]);
  });

  it('links only items the organiser may see in the organisation (BAD_USER_INPUT naming readingListItemIds.N), changing nothing', async () => {
    const startsAt = new Date(Date.now() + 5 * DAY);
    const input = (chapterId: string, ids: string[]) => ({
      chapterId,
      title: 'Nope',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3600_000),
      timeZone: 'Europe/London',
      readingListItemIds: ids,
    });
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM events`)).rows[0].n;
    const before = await count();
    // organiserB organises chapter B and is no member of A: A's CHAPTER list is invisible to them, like an item that does not exist.
    badInput(await t.gql(CREATE_EVENT, { input: input(w.chapterB.id, [open.id, secret.id]) }, w.organiserB.token), 'readingListItemIds.1');
    badInput(await t.gql(CREATE_EVENT, { input: input(w.chapterB.id, [randomUUID()]) }, w.organiserB.token), 'readingListItemIds.0');
    // An item of another organisation, even one the caller may read.
    const foreign = await createReadingList(t, w.outsider, w.otherChapter.id, { visibility: 'PUBLIC' });
    const foreignItem = await addReadingListItem(t, w.outsider, foreign.id);
    badInput(await t.gql(CREATE_EVENT, { input: input(w.chapterA.id, [foreignItem.id]) }, w.organiser.token), 'readingListItemIds.0');
    expect(await count()).toBe(before);
    // Items of a PUBLIC list of the organisation are fine for organiserB.
    expect(ok(await t.gql(CREATE_EVENT, { input: input(w.chapterB.id, [open.id]) }, w.organiserB.token)).createEvent.readingListItems).toEqual([
      { id: open.id },
    ]);
  });

  it('updateEvent replaces the links; an empty list clears them', async () => {
    const id = await session([open.id]);
    expect(ok(await t.gql(UPDATE_EVENT, { id, input: { readingListItemIds: [secret.id] } }, w.organiser.token)).updateEvent.readingListItems).toEqual([
      { id: secret.id },
    ]);
    expect(ok(await t.gql(UPDATE_EVENT, { id, input: { title: 'Still' } }, w.organiser.token)).updateEvent.readingListItems).toEqual([{ id: secret.id }]);
    expect(ok(await t.gql(UPDATE_EVENT, { id, input: { readingListItemIds: [] } }, w.organiser.token)).updateEvent.readingListItems).toEqual([]);
  });

  it('ReadingListItem.studySessions shows upcoming events the caller may see, soonest first, paged', async () => {
    const list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
    const item = await addReadingListItem(t, w.organiser, list.id);
    const later = await session([item.id], {}, 20);
    const sooner = await session([item.id], {}, 10);
    const chapterOnly = await session([item.id], { visibility: 'CHAPTER' }, 15);
    const draft = ok(
      await t.gql(
        CREATE_EVENT,
        {
          input: {
            chapterId: w.chapterA.id,
            title: 'Draft',
            startsAt: new Date(Date.now() + 12 * DAY),
            endsAt: new Date(Date.now() + 12 * DAY + 3600_000),
            timeZone: 'Europe/London',
            readingListItemIds: [item.id],
          },
        },
        w.organiser.token,
      ),
    ).createEvent.id;
    const sessionsFor = async (token?: string, first = 20, after?: string) =>
      ok(await t.gql(SESSIONS, { id: list.id, first, after }, token)).readingList.items[0].studySessions;
    const ids = (c: any) => c.edges.map((e: any) => e.node.id);
    expect(ids(await sessionsFor(w.organiser.token))).toEqual([sooner, draft, chapterOnly, later]);
    expect(ids(await sessionsFor(w.memberA.token))).toEqual([sooner, chapterOnly, later]);
    const outside = await sessionsFor(w.memberB.token);
    expect(ids(outside)).toEqual([sooner, later]);
    expect(outside.totalCount).toBe(2);
    expect(ids(await sessionsFor(undefined))).toEqual([sooner, later]);
    const page1 = await sessionsFor(w.memberA.token, 2);
    expect(ids(page1)).toEqual([sooner, chapterOnly]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await sessionsFor(w.memberA.token, 2, page1.pageInfo.endCursor);
    expect(ids(page2)).toEqual([later]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('reads study sessions with the same number of statements however many items and events', async () => {
    const small = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
    const large = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'PUBLIC' });
    const smallItem = await addReadingListItem(t, w.organiser, small.id);
    await session([smallItem.id]);
    const largeItems = [];
    for (let i = 0; i < 8; i++) largeItems.push((await addReadingListItem(t, w.organiser, large.id)).id);
    for (let i = 0; i < 4; i++) await session(largeItems, {}, 8 + i);
    const statements = async (listId: string) => {
      const spy = jest.spyOn(Client.prototype, 'query');
      try {
        const items = ok(await t.gql(SESSIONS, { id: listId, first: 10 }, w.memberA.token)).readingList.items;
        return { n: spy.mock.calls.length, sessions: items.reduce((sum: number, i: any) => sum + i.studySessions.edges.length, 0) };
      } finally {
        spy.mockRestore();
      }
    };
    await statements(small.id); // warm the prepared statements
    const a = await statements(small.id);
    const b = await statements(large.id);
    expect([a.sessions, b.sessions]).toEqual([1, 32]);
    expect(a.n).toBeGreaterThan(0);
    expect(b.n).toBe(a.n);
  });

  it('reads Event.readingListItems on a page of events with the same number of statements however long the page', async () => {
    const word = (n: number) => `Stmt${n}x${randomUUID().slice(0, 6)}`;
    const [one, many] = [word(1), word(2)];
    await session([open.id, secret.id], { title: one });
    for (let i = 0; i < 6; i++) await session([open.id, secret.id], { title: many }, 9 + i);
    const statements = async (search: string) => {
      const spy = jest.spyOn(Client.prototype, 'query');
      try {
        const edges = ok(
          await t.gql(
            `query($s: String) { events(filter: { search: $s }, first: 20) { edges { node { id readingListItems { id title } } } } }`,
            { s: search },
            w.memberA.token,
          ),
        ).events.edges;
        return { n: spy.mock.calls.length, items: edges.reduce((sum: number, e: any) => sum + e.node.readingListItems.length, 0) };
      } finally {
        spy.mockRestore();
      }
    };
    await statements(one);
    const a = await statements(one);
    const b = await statements(many);
    expect([a.items, b.items]).toEqual([2, 12]);
    expect(b.n).toBe(a.n);
  });

  it("carries the items and their discussion questions in the event's calendar file", async () => {
    const id = await session([open.id, secret.id]);
    const file = async (token?: string) =>
      (await fetch(`${t.url}/calendar/events/${id}.ics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).text();
    const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');
    const anonymous = unfold(await file());
    expect(anonymous).toContain('Open Veins (Eduardo Galeano)');
    expect(anonymous).toContain('Who profits?');
    expect(anonymous).not.toContain('Internal notes');
  });

  it('marks GOING attendees without a status READING once the session ends, never lowering READ, once', async () => {
    const list = await createReadingList(t, w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
    const item = await addReadingListItem(t, w.organiser, list.id);
    const id = await session([item.id], {}, 2);
    ok(await t.gql(RSVP, { input: { eventId: id } }, w.memberA.token));
    ok(await t.gql(RSVP, { input: { eventId: id } }, reader.token));
    ok(await t.gql(RSVP, { input: { eventId: id } }, w.memberB.token)); // no member of chapter A: keeps no status on a CHAPTER list
    ok(await t.gql(SET_STATUS, { itemId: item.id, status: 'READ' }, reader.token));
    const job = t.app.get(MarkStudySessionReadingJob);
    const status = async (user: TestUser) =>
      (await db.query(`SELECT status FROM reading_statuses WHERE user_id = $1 AND item_id = $2`, [user.id, item.id])).rows[0]?.status ?? null;
    await job.run(new Date()); // not ended yet
    expect(await status(w.memberA)).toBeNull();
    await job.run(new Date(Date.now() + 3 * DAY));
    expect([await status(w.memberA), await status(reader), await status(w.memberB)]).toEqual(['READING', 'READ', null]);
    // Once: a member who clears their status afterwards is left alone.
    ok(await t.gql(SET_STATUS, { itemId: item.id, status: null }, w.memberA.token));
    expect(await job.run(new Date(Date.now() + 4 * DAY))).toBe(0);
    expect(await status(w.memberA)).toBeNull();
  });

  it('a series links every occurrence, and updateEventSeries relinks them', async () => {
    const startsAt = new Date(Math.floor((Date.now() + 3 * DAY) / 60_000) * 60_000);
    const created = ok(
      await t.gql(
        `mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id events { edges { node { id readingListItems { id } } } } } }`,
        {
          input: {
            rrule: 'FREQ=WEEKLY;COUNT=3',
            event: {
              chapterId: w.chapterA.id,
              title: 'Circle',
              startsAt,
              endsAt: new Date(startsAt.getTime() + 3600_000),
              timeZone: 'Europe/London',
              readingListItemIds: [open.id],
            },
          },
        },
        w.organiser.token,
      ),
    ).createEventSeries;
    expect(created.events.edges.map((e: any) => e.node.readingListItems)).toEqual(Array(3).fill([{ id: open.id }]));
    const edited = ok(
      await t.gql(
        `mutation($id: ID!, $input: UpdateEventSeriesInput!) { updateEventSeries(id: $id, input: $input) { events { edges { node { readingListItems { id } } } } } }`,
        { id: created.id, input: { readingListItemIds: [secret.id] } },
        w.organiser.token,
      ),
    ).updateEventSeries;
    expect(edited.events.edges.map((e: any) => e.node.readingListItems)).toEqual(Array(3).fill([{ id: secret.id }]));
  });
});
