import { randomBytes, randomUUID } from 'node:crypto';
import { createApiKey, createChapter, createEvent, createOrganisation, joinChapter, publishEvent, registerUser, TestUser } from './support/factories';
import { dbClient, DbClient } from './support/db';
import { APPROVE_MEMBERSHIP, PUBLISH_EVENT } from './support/documents';
import { startTestApp, TestApp } from './support/test-app';
import { badInput, fails, ok } from './support/expectations';
import { createWorld, World } from './support/world';

const unique = () => randomBytes(4).toString('hex');
const HOUR = 3600_000;
/** An ISO instant `h` hours from now (negative: in the past). */
const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();
const FAR_PAST = '1970-01-01T00:00:00.000Z';

const EVENT_FIELDS = `
  id title description startsAt endsAt timeZone capacity visibility status goingCount waitlistCount spotsLeft onlineUrl
  location { venue addressLine city postcode country latitude longitude }
  chapter { id }`;
const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { ${EVENT_FIELDS} } }`;
const UPDATE_EVENT = `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { ${EVENT_FIELDS} } }`;
const CANCEL_EVENT = `mutation($id: ID!, $reason: String) { cancelEvent(id: $id, reason: $reason) { id status goingCount waitlistCount } }`;
const EVENT = `query($id: ID!) { event(id: $id) { ${EVENT_FIELDS} } }`;
const EVENTS = `query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } }
  }
}`;
const CHAPTER_EVENTS = `query($id: ID!, $filter: EventFilter, $first: Int) {
  chapter(id: $id) { id events(filter: $filter, first: $first) { totalCount edges { node { id } } } }
}`;
const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id status waitlistPosition name email } } }`;
const GUEST_RSVP = `mutation($input: GuestRsvpInput!) { rsvpAsGuest(input: $input) { event { id } } }`;
const CANCEL_RSVP = `mutation($eventId: ID!) { cancelRsvp(eventId: $eventId) { id status waitlistPosition } }`;
const CHECK_IN = `mutation($id: ID!) { checkIn(attendanceId: $id) { id status checkedInAt } }`;
const ATTENDEES = `query($id: ID!, $status: AttendanceStatus, $first: Int, $after: String) {
  event(id: $id) {
    id title goingCount waitlistCount spotsLeft
    attendees(status: $status, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id name email status waitlistPosition checkedInAt user { id } } }
    }
  }
}`;
const VIEWER_ATTENDANCE = `query($id: ID!) { event(id: $id) { id viewerAttendance { id status waitlistPosition name email checkedInAt } } }`;
const RESTRICTED = `query($id: ID!) { event(id: $id) { id onlineUrl location { venue city addressLine } } }`;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface EventsWorld extends World {
  crowd: TestUser[]; // signed-in users with no memberships, for RSVPs to PUBLIC events
}

describe('events', () => {
  let t: TestApp;
  let db: DbClient;
  // The world most tests share (one organisation with chapters A and B, another organisation) and a crowd.
  let w: EventsWorld;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
    const world = await createWorld(t);
    w = { ...world, crowd: await Promise.all(range(1, 6).map((i) => registerUser(t, `Crowd Person ${i}`))) };
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const eventAs = async (id: string, token?: string) => ok(await t.gql(EVENT, { id }, token)).event;
  /** A PUBLISHED event of `chapterId` made by `by`. */
  const published = async (by: TestUser, chapterId: string, extra: Record<string, unknown> = {}) => {
    const event = await createEvent(t, by, chapterId, extra);
    await publishEvent(t, by, event.id);
    return event;
  };
  const rsvp = async (eventId: string, user: TestUser) => ok(await t.gql(RSVP, { input: { eventId } }, user.token)).rsvp.attendance;
  const cancelRsvp = async (eventId: string, user: TestUser) => ok(await t.gql(CANCEL_RSVP, { eventId }, user.token)).cancelRsvp;
  const attendees = async (eventId: string, status?: string, token = w.admin.token) =>
    ok(await t.gql(ATTENDEES, { id: eventId, status, first: 100 }, token)).event;
  const listIds = async (filter: Record<string, unknown>, token?: string, first = 100) =>
    ok(await t.gql(EVENTS, { filter, first }, token)).events.edges.map((e: any) => e.node.id);
  /** The counts on the event row next to what its attendances say, straight from PostgreSQL. */
  const countsInDatabase = async (eventId: string) => {
    const { rows } = await db.query(
      `SELECT e.going_count AS "goingCount", e.waitlist_count AS "waitlistCount",
              (SELECT count(*)::int FROM attendances a WHERE a.event_id = e.id AND a.status = 'GOING') AS "going",
              (SELECT count(*)::int FROM attendances a WHERE a.event_id = e.id AND a.status = 'WAITLISTED') AS "waitlisted",
              (SELECT coalesce(array_agg(a.waitlist_position ORDER BY a.waitlist_position), '{}')
                 FROM attendances a WHERE a.event_id = e.id AND a.status = 'WAITLISTED') AS "positions"
         FROM events e WHERE e.id = $1`,
      [eventId],
    );
    return rows[0] as { goingCount: number; waitlistCount: number; going: number; waitlisted: number; positions: number[] };
  };

  describe('createEvent', () => {
    let chapter: { id: string };
    beforeAll(async () => {
      chapter = await createChapter(t, w.admin, w.org.id);
    });
    const eventsInChapter = async () =>
      ok(await t.gql(CHAPTER_EVENTS, { id: chapter.id, filter: { from: FAR_PAST } }, w.admin.token)).chapter.events.totalCount;
    const validInput = (extra: Record<string, unknown> = {}) => ({
      chapterId: chapter.id,
      title: `Film night ${unique()}`,
      startsAt: inHours(48),
      endsAt: inHours(50),
      timeZone: 'America/La_Paz',
      ...extra,
    });

    it('lets an organiser create a DRAFT event with everything they sent', async () => {
      const input = {
        ...validInput(),
        chapterId: w.chapterA.id,
        description: 'Documentary and discussion',
        location: { venue: 'Casa Bolivia', addressLine: '12 High St', city: 'London', postcode: 'N1 1AA', country: 'gb', latitude: 51.5, longitude: -0.12 },
        onlineUrl: 'https://meet.example.org/film',
        capacity: 30,
        visibility: 'ORGANISATION',
      };
      const created = ok(await t.gql(CREATE_EVENT, { input }, w.organiser.token)).createEvent;
      expect(created).toMatchObject({
        title: input.title,
        description: 'Documentary and discussion',
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        timeZone: 'America/La_Paz',
        capacity: 30,
        visibility: 'ORGANISATION',
        status: 'DRAFT',
        goingCount: 0,
        waitlistCount: 0,
        spotsLeft: 30,
        onlineUrl: 'https://meet.example.org/film',
        location: { venue: 'Casa Bolivia', addressLine: '12 High St', city: 'London', postcode: 'N1 1AA', country: 'GB', latitude: 51.5, longitude: -0.12 },
        chapter: { id: w.chapterA.id },
      });
      expect(await eventAs(created.id, w.organiser.token)).toEqual(created);
    });

    it('defaults to PUBLIC, unlimited capacity and no location; an admin who is no member may create too', async () => {
      const created = ok(await t.gql(CREATE_EVENT, { input: { ...validInput(), chapterId: w.chapterA.id } }, w.admin.token)).createEvent;
      expect(created).toMatchObject({
        status: 'DRAFT',
        visibility: 'PUBLIC',
        capacity: null,
        spotsLeft: null,
        location: null,
        onlineUrl: null,
        description: null,
      });
    });

    const badCases: Array<[string, Record<string, unknown>, string]> = [
      ['startsAt in the past', { startsAt: inHours(-1), endsAt: inHours(1) }, 'startsAt'],
      ['endsAt equal to startsAt', { startsAt: inHours(30), endsAt: inHours(30) }, 'endsAt'],
      ['endsAt before startsAt', { startsAt: inHours(30), endsAt: inHours(29) }, 'endsAt'],
      ['an unknown time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone'],
      ['a javascript: URL', { onlineUrl: 'javascript:alert(1)' }, 'onlineUrl'],
      ['an ftp URL', { onlineUrl: 'ftp://files.example.org/x' }, 'onlineUrl'],
      ['capacity 0', { capacity: 0 }, 'capacity'],
      ['a negative capacity', { capacity: -3 }, 'capacity'],
      ['latitude 95', { location: { city: 'Nowhere', latitude: 95, longitude: 0 } }, 'location.latitude'],
      ['longitude -181', { location: { latitude: 0, longitude: -181 } }, 'location.longitude'],
      ['latitude without longitude', { location: { latitude: -16.5 } }, 'location.longitude'],
      ['longitude without latitude', { location: { longitude: -68.15 } }, 'location.latitude'],
      ['an empty title', { title: '' }, 'title'],
      ['an unknown country', { location: { country: 'XX' } }, 'location.country'],
    ];
    it.each(badCases)('refuses %s with BAD_USER_INPUT naming the field, and creates nothing', async (_, extra, field) => {
      badInput(await t.gql(CREATE_EVENT, { input: validInput(extra) }, w.admin.token), field);
      expect(await eventsInChapter()).toBe(0);
    });

    it('refuses members with FORBIDDEN, anonymous callers with UNAUTHENTICATED and unknown chapters with NOT_FOUND', async () => {
      fails(await t.gql(CREATE_EVENT, { input: { ...validInput(), chapterId: w.chapterA.id } }, w.memberA.token), 'FORBIDDEN');
      // An organiser of another chapter of the same organisation is a plain user here.
      fails(await t.gql(CREATE_EVENT, { input: validInput() }, w.organiserB.token), 'FORBIDDEN');
      fails(await t.gql(CREATE_EVENT, { input: validInput() }), 'UNAUTHENTICATED');
      fails(await t.gql(CREATE_EVENT, { input: { ...validInput(), chapterId: randomUUID() } }, w.admin.token), 'NOT_FOUND');
      expect(await eventsInChapter()).toBe(0);
    });
  });

  describe('visibility', () => {
    it('shows a DRAFT only to its organisers and admins, in event(id) and in lists', async () => {
      const draft = await createEvent(t, w.organiser, w.chapterA.id);
      for (const token of [w.memberA.token, w.memberB.token, w.outsider.token, w.stranger.token, w.organiserB.token, undefined]) {
        expect(await eventAs(draft.id, token)).toBeNull();
        expect(await listIds({ chapterId: w.chapterA.id, search: draft.title }, token)).toEqual([]);
      }
      for (const token of [w.organiser.token, w.admin.token]) {
        expect((await eventAs(draft.id, token)).status).toBe('DRAFT');
        expect(await listIds({ chapterId: w.chapterA.id, search: draft.title }, token)).toEqual([draft.id]);
      }
    });

    // Who sees a PUBLISHED event of chapter A, by visibility.
    const table: Array<[string, Record<string, boolean>]> = [
      ['PUBLIC', { anonymous: true, stranger: true, memberA: true, memberB: true, organiserB: true, outsider: true }],
      ['ORGANISATION', { anonymous: false, stranger: false, memberA: true, memberB: true, organiserB: true, outsider: false }],
      ['CHAPTER', { anonymous: false, stranger: false, memberA: true, memberB: false, organiserB: false, outsider: false }],
    ];
    it.each(table)('shows a published %s event as its visibility says, the same in event(id), events and Chapter.events', async (visibility, expected) => {
      const event = await published(w.organiser, w.chapterA.id, { visibility });
      const viewers: Record<string, string | undefined> = {
        anonymous: undefined,
        stranger: w.stranger.token,
        memberA: w.memberA.token,
        memberB: w.memberB.token,
        organiserB: w.organiserB.token,
        outsider: w.outsider.token,
        organiser: w.organiser.token,
        admin: w.admin.token,
      };
      const seen: Record<string, boolean> = {};
      for (const [who, token] of Object.entries(viewers)) {
        const single = await eventAs(event.id, token);
        // The title is unique, so a search finds this event alone.
        const listed = (await listIds({ chapterId: w.chapterA.id, search: event.title }, token)).includes(event.id);
        const inChapter = ok(await t.gql(CHAPTER_EVENTS, { id: w.chapterA.id, filter: { search: event.title } }, token)).chapter.events.edges.some(
          (e: any) => e.node.id === event.id,
        );
        expect({ who, listed, inChapter }).toEqual({ who, listed: single !== null, inChapter: single !== null });
        seen[who] = single !== null;
      }
      expect(seen).toEqual({ ...expected, organiser: true, admin: true });
    });

    it('hides a CHAPTER event from a PENDING member until they are approved', async () => {
      const chapter = await createChapter(t, w.admin, w.org.id, { joinPolicy: 'APPROVAL' });
      const applicant = await registerUser(t, 'Pedro Pending');
      const membershipId = await joinChapter(t, applicant, chapter.id);
      const event = await published(w.admin, chapter.id, { visibility: 'CHAPTER' });
      const orgWide = await published(w.admin, chapter.id, { visibility: 'ORGANISATION' });
      expect(await eventAs(event.id, applicant.token)).toBeNull();
      expect(await eventAs(orgWide.id, applicant.token)).toBeNull();
      ok(await t.gql(APPROVE_MEMBERSHIP, { id: membershipId }, w.admin.token));
      expect((await eventAs(event.id, applicant.token)).id).toBe(event.id);
      expect((await eventAs(orgWide.id, applicant.token)).id).toBe(orgWide.id);
    });

    it('answers mutations on an event the caller cannot see with NOT_FOUND, exactly as for an id that does not exist', async () => {
      const draft = await createEvent(t, w.organiser, w.chapterA.id);
      const orgWide = await published(w.organiser, w.chapterA.id, { visibility: 'ORGANISATION' });
      const missing = fails(await t.gql(UPDATE_EVENT, { id: randomUUID(), input: { title: 'x' } }, w.memberA.token), 'NOT_FOUND');
      const attempts: Array<[string, Record<string, unknown>, TestUser]> = [
        [UPDATE_EVENT, { id: draft.id, input: { title: 'Hijacked' } }, w.memberA],
        [PUBLISH_EVENT, { id: draft.id }, w.memberA],
        [CANCEL_EVENT, { id: draft.id }, w.memberA],
        [RSVP, { input: { eventId: draft.id } }, w.memberA],
        [UPDATE_EVENT, { id: orgWide.id, input: { title: 'Hijacked' } }, w.outsider],
        [CANCEL_EVENT, { id: orgWide.id }, w.outsider],
        [RSVP, { input: { eventId: orgWide.id } }, w.outsider],
        [CANCEL_RSVP, { eventId: orgWide.id }, w.stranger],
      ];
      for (const [query, variables, user] of attempts) {
        const error = fails(await t.gql(query, variables, user.token), 'NOT_FOUND');
        expect(error.message).toBe(missing.message);
      }
      expect(await eventAs(draft.id, w.organiser.token)).toMatchObject({ status: 'DRAFT', title: draft.title });
      expect(await eventAs(orgWide.id, w.organiser.token)).toMatchObject({ status: 'PUBLISHED', title: orgWide.title });
    });

    it('answers management mutations on a visible event by a non-organiser with FORBIDDEN, and changes nothing', async () => {
      const event = await published(w.organiser, w.chapterA.id, { visibility: 'ORGANISATION' });
      for (const user of [w.memberA, w.memberB, w.organiserB]) {
        fails(await t.gql(UPDATE_EVENT, { id: event.id, input: { title: 'Hijacked' } }, user.token), 'FORBIDDEN');
        fails(await t.gql(PUBLISH_EVENT, { id: event.id }, user.token), 'FORBIDDEN');
        fails(await t.gql(CANCEL_EVENT, { id: event.id }, user.token), 'FORBIDDEN');
      }
      fails(await t.gql(UPDATE_EVENT, { id: event.id, input: { title: 'Hijacked' } }), 'UNAUTHENTICATED');
      expect(await eventAs(event.id, w.memberA.token)).toMatchObject({ status: 'PUBLISHED', title: event.title });
    });
  });

  describe('events(filter) and Chapter.events', () => {
    /** A fresh organisation and chapter, so lists hold only this test's events. */
    const freshChapter = async () => {
      const o = await createOrganisation(t, w.admin);
      const c = await createChapter(t, w.admin, o.id);
      return { orgId: o.id, chapterId: c.id };
    };
    const at = (startHours: number, extra: Record<string, unknown> = {}) => ({ startsAt: inHours(startHours), endsAt: inHours(startHours + 2), ...extra });

    it('lists upcoming events soonest first, drafts only for organisers, and filters by from and to', async () => {
      const { chapterId } = await freshChapter();
      const e72 = await published(w.admin, chapterId, at(72));
      const e24 = await published(w.admin, chapterId, at(24));
      const e48 = await published(w.admin, chapterId, at(48));
      const draft = await createEvent(t, w.admin, chapterId, at(12));
      const byAnyone = [e24.id, e48.id, e72.id];

      expect(await listIds({ chapterId })).toEqual(byAnyone);
      expect(await listIds({ chapterId }, w.stranger.token)).toEqual(byAnyone);
      expect(await listIds({ chapterId }, w.admin.token)).toEqual([draft.id, ...byAnyone]);
      const viaChapter = ok(await t.gql(CHAPTER_EVENTS, { id: chapterId })).chapter.events;
      expect(viaChapter.totalCount).toBe(3);
      expect(viaChapter.edges.map((e: any) => e.node.id)).toEqual(byAnyone);

      // `to`: events that start before it; `from`: events that end at or after it.
      expect(await listIds({ chapterId, to: inHours(50) })).toEqual([e24.id, e48.id]);
      expect(await listIds({ chapterId, to: inHours(20) })).toEqual([]);
      expect(await listIds({ chapterId, from: inHours(60) })).toEqual([e72.id]);
      expect(await listIds({ chapterId, from: inHours(30), to: inHours(60) })).toEqual([e48.id]);
      expect(ok(await t.gql(CHAPTER_EVENTS, { id: chapterId, filter: { to: inHours(30) } })).chapter.events.edges.map((e: any) => e.node.id)).toEqual([e24.id]);
    });

    it('leaves out events that have ended unless `from` reaches back to them, and keeps events in progress', async () => {
      const { chapterId } = await freshChapter();
      const [ended, running, coming] = [await published(w.admin, chapterId), await published(w.admin, chapterId), await published(w.admin, chapterId, at(5))];
      // startsAt must be in the future when created, so move two events into the past directly in the database.
      await db.query(`UPDATE events SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, [ended.id]);
      await db.query(`UPDATE events SET starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' WHERE id = $1`, [running.id]);
      expect(await listIds({ chapterId })).toEqual([running.id, coming.id]);
      expect(ok(await t.gql(CHAPTER_EVENTS, { id: chapterId })).chapter.events.totalCount).toBe(2);
      expect(await listIds({ chapterId, from: inHours(-2) })).toEqual([ended.id, running.id, coming.id]);
      expect(await listIds({ chapterId, from: inHours(-5), to: inHours(-2) })).toEqual([ended.id]);
      // Still reachable by id.
      expect((await eventAs(ended.id)).id).toBe(ended.id);
    });

    it('filters by organisation and by chapter', async () => {
      const x = await createOrganisation(t, w.admin);
      const [x1, x2] = [await createChapter(t, w.admin, x.id), await createChapter(t, w.admin, x.id)];
      const y = await freshChapter();
      const a = await published(w.admin, x1.id, at(10));
      const b = await published(w.admin, x2.id, at(20));
      const c = await published(w.admin, x1.id, at(30));
      const other = await published(w.admin, y.chapterId, at(15));
      expect(await listIds({ organisationId: x.id })).toEqual([a.id, b.id, c.id]);
      expect(await listIds({ chapterId: x1.id })).toEqual([a.id, c.id]);
      expect(await listIds({ organisationId: x.id, chapterId: x2.id })).toEqual([b.id]);
      expect(await listIds({ organisationId: y.orgId })).toEqual([other.id]);
      expect(await listIds({ organisationId: y.orgId, chapterId: x1.id })).toEqual([]);
      expect(await listIds({ organisationId: randomUUID() })).toEqual([]);
    });

    it('filters by great-circle distance with near', async () => {
      const { orgId, chapterId } = await freshChapter();
      const place = (h: number, latitude: number, longitude: number, city: string) =>
        published(w.admin, chapterId, at(h, { location: { city, latitude, longitude } }));
      const laPaz = await place(10, -16.5, -68.15, 'La Paz');
      const elAlto = await place(11, -16.52, -68.19, 'El Alto'); // about 5 km from La Paz
      const london = await place(12, 51.5, -0.12, 'London');
      const fiji = await place(13, -17, 179.95, 'Taveuni'); // just west of the antimeridian
      const bergen = await place(14, 60, 1.4, 'North Sea'); // 78 km east of (60, 0) along the parallel
      await published(w.admin, chapterId, at(15, { onlineUrl: 'https://meet.example.org/x' })); // no coordinates
      const near = async (latitude: number, longitude: number, radiusKm: number) => listIds({ organisationId: orgId, near: { latitude, longitude, radiusKm } });

      expect(await near(-16.5, -68.15, 50)).toEqual([laPaz.id, elAlto.id]);
      expect(await near(-16.5, -68.15, 2)).toEqual([laPaz.id]);
      expect(await near(51.5, -0.12, 50)).toEqual([london.id]);
      expect(await near(48.85, 2.35, 50)).toEqual([]); // Paris
      // Across the antimeridian: 10.6 km, not 359.9 degrees.
      expect(await near(-17, -179.95, 50)).toEqual([fiji.id]);
      // Longitude degrees shrink towards the poles.
      expect(await near(60, 0, 100)).toEqual([bergen.id]);
      expect(await near(60, 0, 70)).toEqual([]);
      // La Paz to London is 10,001 km along the great circle.
      expect(await near(-16.5, -68.15, 9900)).toEqual([laPaz.id, elAlto.id]);
      expect(await near(-16.5, -68.15, 10100)).toEqual([laPaz.id, elAlto.id, london.id]);
      badInput(await t.gql(EVENTS, { filter: { near: { latitude: 91, longitude: 0, radiusKm: 5 } } }), 'filter.near.latitude');
    });

    it('searches titles and descriptions by word prefixes, every word required', async () => {
      const { orgId, chapterId } = await freshChapter();
      const solidarity = await published(w.admin, chapterId, at(10, { title: 'Solidarity with Bolivia' }));
      const bookClub = await published(w.admin, chapterId, at(20, { title: 'Book club', description: 'We read Galeano: Open Veins of Latin America' }));
      const waste = await published(w.admin, chapterId, at(30, { title: 'Solid waste workshop' }));
      const search = (search: string) => listIds({ organisationId: orgId, search });

      expect(await search('solid bol')).toEqual([solidarity.id]);
      expect(await search('bolivia solidarity')).toEqual([solidarity.id]);
      expect(await search('SOLID')).toEqual([solidarity.id, waste.id]);
      expect(await search('veins')).toEqual([bookClub.id]);
      expect(await search('galea latin')).toEqual([bookClub.id]);
      expect(await search('chile')).toEqual([]);
      expect(await search('solid chile')).toEqual([]);
      expect(await search('lidarity')).toEqual([]);
      // Characters that mean something to tsquery are only separators here.
      expect(await search("solid & !bol | (x')")).toEqual([]);
      expect(await search('solid & bol')).toEqual([solidarity.id]);
    });

    it('pages with first/after and totalCount, with cursors stable under inserts; first is at most 100', async () => {
      const { chapterId } = await freshChapter();
      const made = [];
      for (const h of [10, 20, 30, 40, 50]) made.push((await published(w.admin, chapterId, at(h))).id);
      const page = async (first: number, after?: string) => ok(await t.gql(EVENTS, { filter: { chapterId }, first, after })).events;

      const p1 = await page(2);
      expect(p1.totalCount).toBe(5);
      expect(p1.pageInfo.hasNextPage).toBe(true);
      expect(p1.edges.map((e: any) => e.node.id)).toEqual(made.slice(0, 2));
      // An event inserted before the cursor does not shift the next page.
      await published(w.admin, chapterId, at(5));
      const p2 = await page(2, p1.pageInfo.endCursor);
      expect(p2.edges.map((e: any) => e.node.id)).toEqual(made.slice(2, 4));
      expect(p2.totalCount).toBe(6);
      const p3 = await page(2, p2.pageInfo.endCursor);
      expect(p3.edges.map((e: any) => e.node.id)).toEqual(made.slice(4));
      expect(p3.pageInfo.hasNextPage).toBe(false);

      expect((await page(100)).edges).toHaveLength(6);
      badInput(await t.gql(EVENTS, { filter: { chapterId }, first: 101 }), 'first');
      badInput(await t.gql(CHAPTER_EVENTS, { id: chapterId, first: 101 }), 'first');
      badInput(await t.gql(EVENTS, { filter: { chapterId }, first: 2, after: 'not-a-cursor' }), 'after');
    });
  });

  describe('updateEvent', () => {
    const eventViewer = async (eventId: string, user: TestUser) => ok(await t.gql(VIEWER_ATTENDANCE, { id: eventId }, user.token)).event.viewerAttendance;

    it('edits the fields sent, keeps the ones omitted, and null clears description, onlineUrl and location', async () => {
      const event = await createEvent(t, w.organiser, w.chapterA.id, {
        description: 'Bring banners',
        onlineUrl: 'https://meet.example.org/a',
        capacity: 10,
        location: { venue: 'Casa Bolivia', addressLine: '12 High St', city: 'London' },
      });
      const startsAt = inHours(100);
      const endsAt = inHours(103);
      const updated = ok(
        await t.gql(
          UPDATE_EVENT,
          {
            id: event.id,
            input: {
              title: 'March for water',
              startsAt,
              endsAt,
              timeZone: 'America/La_Paz',
              capacity: 25,
              visibility: 'CHAPTER',
              description: null,
              onlineUrl: null,
            },
          },
          w.organiser.token,
        ),
      ).updateEvent;
      expect(updated).toMatchObject({
        title: 'March for water',
        startsAt,
        endsAt,
        timeZone: 'America/La_Paz',
        capacity: 25,
        visibility: 'CHAPTER',
        description: null,
        onlineUrl: null,
        status: 'DRAFT',
        location: { venue: 'Casa Bolivia', addressLine: '12 High St', city: 'London' },
      });
      expect(await eventAs(event.id, w.organiser.token)).toEqual(updated);

      // A new location replaces the old one; null removes it.
      expect(ok(await t.gql(UPDATE_EVENT, { id: event.id, input: { location: { city: 'Oruro' } } }, w.organiser.token)).updateEvent.location).toEqual({
        venue: null,
        addressLine: null,
        city: 'Oruro',
        postcode: null,
        country: null,
        latitude: null,
        longitude: null,
      });
      const cleared = ok(await t.gql(UPDATE_EVENT, { id: event.id, input: { location: null, capacity: null } }, w.organiser.token)).updateEvent;
      expect(cleared).toMatchObject({ location: null, capacity: null, spotsLeft: null, title: 'March for water' });
    });

    it('validates edits like creation and changes nothing on bad input', async () => {
      const event = await createEvent(t, w.organiser, w.chapterA.id, { title: 'Untouched' });
      const before = await eventAs(event.id, w.organiser.token);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ startsAt: inHours(-1) }, 'startsAt'],
        [{ endsAt: before.startsAt }, 'endsAt'],
        [{ startsAt: inHours(1000) }, 'endsAt'], // after the current end
        [{ onlineUrl: 'javascript:alert(1)' }, 'onlineUrl'],
        [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
        [{ capacity: 0 }, 'capacity'],
        [{ title: null }, 'title'],
        [{ location: { latitude: 95, longitude: 1 } }, 'location.latitude'],
        [{ location: { latitude: 10 } }, 'location.longitude'],
      ];
      for (const [input, field] of bad) badInput(await t.gql(UPDATE_EVENT, { id: event.id, input }, w.organiser.token), field);
      expect(await eventAs(event.id, w.organiser.token)).toEqual(before);
    });

    it('refuses to edit a cancelled event with CONFLICT', async () => {
      const event = await published(w.organiser, w.chapterA.id, { title: 'Before cancelling' });
      ok(await t.gql(CANCEL_EVENT, { id: event.id }, w.organiser.token));
      fails(await t.gql(UPDATE_EVENT, { id: event.id, input: { title: 'After cancelling' } }, w.organiser.token), 'CONFLICT');
      expect(await eventAs(event.id, w.organiser.token)).toMatchObject({ title: 'Before cancelling', status: 'CANCELLED' });
    });

    it('refuses a capacity below the number going with CONFLICT; equal is fine', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 5 });
      for (const user of w.crowd.slice(0, 3)) expect((await rsvp(event.id, user)).status).toBe('GOING');
      fails(await t.gql(UPDATE_EVENT, { id: event.id, input: { capacity: 2 } }, w.organiser.token), 'CONFLICT');
      expect((await eventAs(event.id, w.organiser.token)).capacity).toBe(5);
      expect(ok(await t.gql(UPDATE_EVENT, { id: event.id, input: { capacity: 3 } }, w.organiser.token)).updateEvent).toMatchObject({
        capacity: 3,
        goingCount: 3,
        spotsLeft: 0,
      });
      expect((await rsvp(event.id, w.crowd[3])).status).toBe('WAITLISTED');
    });

    it('promotes the earliest waitlisted people when capacity is raised or removed, renumbering the rest from 1', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 1 });
      const [first, ...waiting] = w.crowd.slice(0, 5);
      expect((await rsvp(event.id, first)).status).toBe('GOING');
      const ids: string[] = [];
      for (const [i, user] of waiting.entries()) {
        const a = await rsvp(event.id, user);
        expect(a).toMatchObject({ status: 'WAITLISTED', waitlistPosition: i + 1 });
        ids.push(a.id);
      }
      const raised = ok(await t.gql(UPDATE_EVENT, { id: event.id, input: { capacity: 3 } }, w.organiser.token)).updateEvent;
      expect(raised).toMatchObject({ capacity: 3, goingCount: 3, waitlistCount: 2, spotsLeft: 0 });
      const going = await attendees(event.id, 'GOING');
      expect(going.attendees.edges.map((e: any) => e.node.id).sort()).toEqual([(await eventViewer(event.id, first)).id, ids[0], ids[1]].sort());
      const waitlist = (await attendees(event.id, 'WAITLISTED')).attendees.edges.map((e: any) => [e.node.id, e.node.waitlistPosition]);
      expect(waitlist).toEqual([
        [ids[2], 1],
        [ids[3], 2],
      ]);
      expect(await eventViewer(event.id, waiting[3])).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 2 });

      const unlimited = ok(await t.gql(UPDATE_EVENT, { id: event.id, input: { capacity: null } }, w.organiser.token)).updateEvent;
      expect(unlimited).toMatchObject({ capacity: null, goingCount: 5, waitlistCount: 0, spotsLeft: null });
      expect((await attendees(event.id, 'WAITLISTED')).attendees.totalCount).toBe(0);
      expect(await countsInDatabase(event.id)).toEqual({ goingCount: 5, waitlistCount: 0, going: 5, waitlisted: 0, positions: [] });
    });
  });

  describe('cancelEvent', () => {
    it('marks the event CANCELLED, keeps its attendances, and refuses RSVPs and publishing afterwards', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 1 });
      const going = await rsvp(event.id, w.crowd[0]);
      const waiting = await rsvp(event.id, w.crowd[1]);
      const cancelled = ok(await t.gql(CANCEL_EVENT, { id: event.id, reason: 'Storm warning' }, w.organiser.token)).cancelEvent;
      expect(cancelled).toEqual({ id: event.id, status: 'CANCELLED', goingCount: 1, waitlistCount: 1 });

      const seen = await attendees(event.id, undefined, w.organiser.token);
      expect(seen.attendees.edges.map((e: any) => [e.node.id, e.node.status])).toEqual([
        [going.id, 'GOING'],
        [waiting.id, 'WAITLISTED'],
      ]);
      // Still visible as cancelled to those who could see it.
      expect((await eventAs(event.id)).status).toBe('CANCELLED');

      fails(await t.gql(RSVP, { input: { eventId: event.id } }, w.crowd[2].token), 'CONFLICT');
      fails(await t.gql(RSVP, { input: { eventId: event.id } }, w.crowd[0].token), 'CONFLICT');
      fails(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: { name: 'Late Guest', email: `late-${unique()}@example.org` } } }), 'CONFLICT');
      fails(await t.gql(PUBLISH_EVENT, { id: event.id }, w.organiser.token), 'CONFLICT');
      expect((await eventAs(event.id, w.organiser.token)).status).toBe('CANCELLED');
      expect((await attendees(event.id)).attendees.totalCount).toBe(2);
    });
  });

  describe('rsvp', () => {
    const guest = (email: string, name = 'Guest Person') => ({ name, email });

    it('lets a member RSVP, and RSVPing again returns the same attendance', async () => {
      const event = await published(w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const first = ok(await t.gql(RSVP, { input: { eventId: event.id } }, w.memberA.token)).rsvp;
      expect(first.attendance).toMatchObject({ status: 'GOING', waitlistPosition: null, name: 'Ana Quispe', email: w.memberA.email });
      const again = ok(await t.gql(RSVP, { input: { eventId: event.id } }, w.memberA.token)).rsvp;
      expect(again.attendance.id).toBe(first.attendance.id);
      expect((await eventAs(event.id, w.memberA.token)).goingCount).toBe(1);
      expect(ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id }, w.memberA.token)).event.viewerAttendance).toMatchObject({
        id: first.attendance.id,
        status: 'GOING',
      });
      // Not to the member of another chapter, for whom the event does not exist.
      fails(await t.gql(RSVP, { input: { eventId: event.id } }, w.memberB.token), 'NOT_FOUND');
    });

    it('refuses guest RSVPs to events that are not PUBLIC with NOT_FOUND, even from their members', async () => {
      for (const visibility of ['CHAPTER', 'ORGANISATION']) {
        const event = await published(w.organiser, w.chapterA.id, { visibility });
        fails(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(`g-${unique()}@example.org`) } }), 'NOT_FOUND');
        fails(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(`g-${unique()}@example.org`) } }, w.memberA.token), 'NOT_FOUND');
        expect((await eventAs(event.id, w.organiser.token)).goingCount).toBe(0);
      }
    });

    it('refuses RSVPs to a DRAFT with CONFLICT for its organisers and NOT_FOUND for everyone else', async () => {
      const draft = await createEvent(t, w.organiser, w.chapterA.id);
      fails(await t.gql(RSVP, { input: { eventId: draft.id } }, w.organiser.token), 'CONFLICT');
      fails(await t.gql(RSVP, { input: { eventId: draft.id } }, w.admin.token), 'CONFLICT');
      fails(await t.gql(RSVP, { input: { eventId: draft.id } }, w.memberA.token), 'NOT_FOUND');
      fails(await t.gql(GUEST_RSVP, { input: { eventId: draft.id, guest: guest(`d-${unique()}@example.org`) } }), 'NOT_FOUND');
      expect(await countsInDatabase(draft.id)).toMatchObject({ going: 0, waitlisted: 0 });
    });

    it('refuses RSVPs to an event that is over with CONFLICT', async () => {
      const event = await published(w.organiser, w.chapterA.id);
      await db.query(`UPDATE events SET starts_at = now() - interval '3 hours', ends_at = now() - interval '1 hour' WHERE id = $1`, [event.id]);
      fails(await t.gql(RSVP, { input: { eventId: event.id } }, w.memberA.token), 'CONFLICT');
      fails(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(`late-${unique()}@example.org`) } }), 'CONFLICT');
      expect(await countsInDatabase(event.id)).toMatchObject({ going: 0, waitlisted: 0 });
    });

    it('lets an EVENTS_WRITE key RSVP guests (confirmed at once) to its own organisation’s events only', async () => {
      const event = await published(w.organiser, w.chapterA.id);
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_WRITE']);
      const otherKey = await createApiKey(t, w.outsider, w.otherOrg.id, ['EVENTS_WRITE']);
      const email = `partner-${unique()}@example.org`;
      expect(ok(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(email) } }, key.secret)).rsvpAsGuest).toEqual({ event: { id: event.id } });
      // Again: the same person, still one place.
      ok(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(email.toUpperCase()) } }, key.secret));
      badInput(await t.gql(GUEST_RSVP, { input: { eventId: event.id } }, key.secret), 'guest');
      fails(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(`x-${unique()}@example.org`) } }, otherKey.secret), 'FORBIDDEN');
      fails(await t.gql(RSVP, { input: { eventId: event.id } }, key.secret), 'FORBIDDEN');
      expect((await eventAs(event.id)).goingCount).toBe(1);
      expect((await attendees(event.id)).attendees.edges.map((e: any) => [e.node.email, e.node.status])).toEqual([[email, 'GOING']]);
    });

    it('gives one attendance to the same person RSVPing many times at once, as member and as a key’s guest', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 3 });
      const person = w.crowd[4];
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_WRITE']);
      const results = await Promise.all([
        ...range(1, 6).map(() => t.gql(RSVP, { input: { eventId: event.id } }, person.token)),
        ...range(1, 6).map(() => t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: guest(person.email.toUpperCase(), 'Twin') } }, key.secret)),
      ]);
      results.forEach(ok);
      const ids = new Set(results.filter((r) => r.data.rsvp).map((r) => r.data.rsvp.attendance.id));
      expect(ids.size).toBe(1);
      expect(await countsInDatabase(event.id)).toEqual({ goingCount: 1, waitlistCount: 0, going: 1, waitlisted: 0, positions: [] });
    });
  });

  describe('capacity and waitlist', () => {
    it('puts RSVPs beyond capacity on the waitlist and promotes the first when someone going cancels', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 2 });
      const [a, b, c, d] = w.crowd;
      const results = [];
      for (const user of [a, b, c, d]) results.push(await rsvp(event.id, user));
      expect(results.map((r) => [r.status, r.waitlistPosition])).toEqual([
        ['GOING', null],
        ['GOING', null],
        ['WAITLISTED', 1],
        ['WAITLISTED', 2],
      ]);
      expect(await eventAs(event.id)).toMatchObject({ capacity: 2, goingCount: 2, waitlistCount: 2, spotsLeft: 0 });

      expect(await cancelRsvp(event.id, b)).toMatchObject({ id: results[1].id, status: 'CANCELLED', waitlistPosition: null });
      const viewer = async (user: TestUser) => ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id }, user.token)).event.viewerAttendance;
      expect(await viewer(c)).toMatchObject({ id: results[2].id, status: 'GOING', waitlistPosition: null });
      expect(await viewer(d)).toMatchObject({ id: results[3].id, status: 'WAITLISTED', waitlistPosition: 1 });
      expect(await viewer(b)).toBeNull();
      expect(await eventAs(event.id)).toMatchObject({ goingCount: 2, waitlistCount: 1, spotsLeft: 0 });
      expect(await countsInDatabase(event.id)).toEqual({ goingCount: 2, waitlistCount: 1, going: 2, waitlisted: 1, positions: [1] });

      // The last waitlisted person leaving empties the waitlist; the going list stays full.
      await cancelRsvp(event.id, d);
      expect(await eventAs(event.id)).toMatchObject({ goingCount: 2, waitlistCount: 0, spotsLeft: 0 });
      // A GOING cancellation with nobody waiting frees a place.
      await cancelRsvp(event.id, a);
      expect(await eventAs(event.id)).toMatchObject({ goingCount: 1, waitlistCount: 0, spotsLeft: 1 });
      expect((await rsvp(event.id, b)).status).toBe('GOING');
    });

    it('closes the gap when a waitlisted person cancels', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 1 });
      const results = [];
      for (const user of w.crowd.slice(0, 5)) results.push(await rsvp(event.id, user));
      expect(results.map((r) => r.waitlistPosition)).toEqual([null, 1, 2, 3, 4]);
      expect(await cancelRsvp(event.id, w.crowd[2])).toMatchObject({ status: 'CANCELLED', waitlistPosition: null });
      const waitlist = async () => (await attendees(event.id, 'WAITLISTED')).attendees.edges.map((e: any) => [e.node.id, e.node.waitlistPosition]);
      expect(await waitlist()).toEqual([
        [results[1].id, 1],
        [results[3].id, 2],
        [results[4].id, 3],
      ]);
      await cancelRsvp(event.id, w.crowd[1]); // the head of the waitlist
      expect(await waitlist()).toEqual([
        [results[3].id, 1],
        [results[4].id, 2],
      ]);
      // Coming back puts you at the end.
      const back = await rsvp(event.id, w.crowd[2]);
      expect(back).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 3 });
      expect(back.id).not.toBe(results[2].id);
      expect(await countsInDatabase(event.id)).toEqual({ goingCount: 1, waitlistCount: 3, going: 1, waitlisted: 3, positions: [1, 2, 3] });
    });
  });

  describe('restricted fields', () => {
    it('shows onlineUrl and the street address only to GOING attendees, organisers and admins', async () => {
      const event = await published(w.organiser, w.chapterA.id, {
        capacity: 1,
        onlineUrl: 'https://meet.example.org/secret',
        location: { venue: 'Casa Bolivia', addressLine: '12 High St', city: 'London', latitude: 51.5, longitude: -0.12 },
      });
      const [goer, waiter] = [w.memberA, w.crowd[0]];
      expect((await rsvp(event.id, goer)).status).toBe('GOING');
      expect((await rsvp(event.id, waiter)).status).toBe('WAITLISTED');
      const full = {
        id: event.id,
        onlineUrl: 'https://meet.example.org/secret',
        location: { venue: 'Casa Bolivia', city: 'London', addressLine: '12 High St' },
      };
      const hidden = { ...full, onlineUrl: null, location: { ...full.location, addressLine: null } };
      const seenBy = async (token?: string) => ok(await t.gql(RESTRICTED, { id: event.id }, token)).event;

      for (const token of [goer.token, w.organiser.token, w.admin.token]) expect(await seenBy(token)).toEqual(full);
      for (const token of [waiter.token, w.memberB.token, w.stranger.token, w.organiserB.token, undefined]) expect(await seenBy(token)).toEqual(hidden);

      // The same through a list, and through the attendance of a waitlisted RSVP.
      const listed = ok(
        await t.gql(
          `query($f: EventFilter) { events(filter: $f, first: 100) { edges { node { id onlineUrl location { addressLine } } } } }`,
          { f: { chapterId: w.chapterA.id, search: event.title } },
          waiter.token,
        ),
      ).events.edges.find((e: any) => e.node.id === event.id).node;
      expect(listed).toEqual({ id: event.id, onlineUrl: null, location: { addressLine: null } });
      const viaRsvp = ok(
        await t.gql(
          `mutation($i: RsvpInput!) { rsvp(input: $i) { attendance { event { onlineUrl location { addressLine } } } } }`,
          { i: { eventId: event.id } },
          waiter.token,
        ),
      );
      expect(viaRsvp.rsvp.attendance.event).toEqual({ onlineUrl: null, location: { addressLine: null } });

      // Cancelling takes the details away; the promoted person gets them.
      await cancelRsvp(event.id, goer);
      expect(await seenBy(goer.token)).toEqual(hidden);
      expect(await seenBy(waiter.token)).toEqual(full);
    });
  });

  describe('exact place (postcode and coordinates)', () => {
    const PLACE = `query($id: ID!) { event(id: $id) { id location { city postcode latitude longitude } } }`;
    // 51.50734, -0.12776 is shown to everyone else as 51.51, -0.13, about 330 m away.
    const exact = { city: 'London', postcode: 'WC2N 5DN', latitude: 51.50734, longitude: -0.12776 };
    const rounded = { city: 'London', postcode: null, latitude: 51.51, longitude: -0.13 };
    /** Great-circle distance in km, as the server computes it. */
    const km = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) => {
      const rad = (d: number) => (d * Math.PI) / 180;
      const h =
        Math.sin(rad(a.latitude - b.latitude) / 2) ** 2 +
        Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(a.longitude - b.longitude) / 2) ** 2;
      return 2 * 6371 * Math.asin(Math.sqrt(h));
    };
    let event: { id: string };
    let goer: TestUser;
    let waiter: TestUser;
    beforeAll(async () => {
      event = await published(w.organiser, w.chapterA.id, { capacity: 1, location: { venue: 'Hall', addressLine: '1 Trafalgar Sq', ...exact } });
      [goer, waiter] = [w.crowd[2], w.crowd[3]];
      expect((await rsvp(event.id, goer)).status).toBe('GOING');
      expect((await rsvp(event.id, waiter)).status).toBe('WAITLISTED');
    });

    it('shows the postcode and exact coordinates only to GOING attendees, organisers, admins and EVENTS_WRITE keys; others get them rounded to 2 places', async () => {
      const writeKey = await createApiKey(t, w.admin, w.org.id, ['EVENTS_WRITE']);
      const readKey = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ', 'ATTENDEES_READ']);
      const seenBy = async (token?: string) => ok(await t.gql(PLACE, { id: event.id }, token)).event.location;
      for (const token of [goer.token, w.organiser.token, w.admin.token, writeKey.secret]) expect(await seenBy(token)).toEqual(exact);
      for (const token of [waiter.token, w.memberA.token, w.memberB.token, w.organiserB.token, w.stranger.token, readKey.secret, undefined]) {
        expect(await seenBy(token)).toEqual(rounded);
      }
      // The same in lists.
      const listed = ok(
        await t.gql(
          `query($f: EventFilter) { events(filter: $f, first: 100) { edges { node { id location { postcode latitude longitude } } } } }`,
          { f: { chapterId: w.chapterA.id } },
          w.stranger.token,
        ),
      ).events.edges.find((e: any) => e.node.id === event.id).node;
      expect(listed.location).toEqual({ postcode: null, latitude: rounded.latitude, longitude: rounded.longitude });
    });

    it('matches near on the rounded point for those who may not see the exact one, so small radii cannot locate the address', async () => {
      const matches = async (probe: { latitude: number; longitude: number }, radiusKm: number, token?: string) =>
        (await listIds({ chapterId: w.chapterA.id, near: { latitude: probe.latitude, longitude: probe.longitude, radiusKm } }, token)).includes(event.id);
      // Probes on and around the exact point and the rounded one, with radii from 10 m to 1 km.
      const probes = [
        exact,
        rounded,
        { latitude: 51.5074, longitude: -0.1278 },
        { latitude: 51.508, longitude: -0.128 },
        { latitude: 51.509, longitude: -0.129 },
      ];
      const radii = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 1];
      for (const probe of probes) {
        for (const radiusKm of radii) {
          const toExact = km(probe, exact) <= radiusKm;
          const toRounded = km(probe, rounded) <= radiusKm;
          for (const token of [w.stranger.token, waiter.token, w.memberA.token, undefined])
            expect([probe, radiusKm, await matches(probe, radiusKm, token)]).toEqual([probe, radiusKm, toRounded]);
          for (const token of [goer.token, w.organiser.token])
            expect([probe, radiusKm, await matches(probe, radiusKm, token)]).toEqual([probe, radiusKm, toExact]);
        }
      }
      // In particular: 50 m around the exact address finds nothing for a stranger, and the rounded point is all they can find.
      expect(await matches(exact, 0.05, w.stranger.token)).toBe(false);
      expect(await matches(exact, 0.05, goer.token)).toBe(true);
      expect(await matches(rounded, 0.01, w.stranger.token)).toBe(true);
      expect(await matches(rounded, 0.01, w.organiser.token)).toBe(false);
    });

    it('leaves the postcode out of the calendar file for everyone else', async () => {
      const file = async (token?: string) =>
        (await fetch(`${t.url}/calendar/events/${event.id}.ics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).text();
      expect(await file(goer.token)).toContain('WC2N 5DN');
      expect(await file(w.stranger.token)).not.toContain('WC2N');
      expect(await file()).not.toContain('WC2N');
    });
  });

  describe('attendees', () => {
    let event: { id: string };
    let people: Array<{ id: string; name: string; email: string }>;
    beforeAll(async () => {
      event = await published(w.organiser, w.chapterA.id, { capacity: 1 });
      const guestEmail = `guest-${unique()}@example.org`;
      people = [];
      for (const user of w.crowd.slice(0, 3)) people.push({ id: (await rsvp(event.id, user)).id, name: '', email: user.email });
      // A partner's key puts a guest on the list at once (a guest's own RSVP counts only once confirmed by email).
      const key = await createApiKey(t, w.admin, w.org.id, ['EVENTS_WRITE']);
      ok(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: { name: 'Walk-in Guest', email: guestEmail } } }, key.secret));
      const [g] = (await db.query(`SELECT id FROM attendances WHERE event_id = $1 AND email = $2`, [event.id, guestEmail])).rows;
      people.push({ id: g.id, name: 'Walk-in Guest', email: guestEmail });
      people.forEach((p, i) => (p.name ||= `Crowd Person ${i + 1}`));
    });

    it('shows organisers and admins names, emails, status and waitlist position, filtered by status', async () => {
      for (const token of [w.organiser.token, w.admin.token]) {
        const all = (await attendees(event.id, undefined, token)).attendees;
        expect(all.totalCount).toBe(4);
        expect(all.edges.map((e: any) => e.node)).toEqual([
          {
            id: people[0].id,
            name: people[0].name,
            email: people[0].email,
            status: 'GOING',
            waitlistPosition: null,
            checkedInAt: null,
            user: { id: w.crowd[0].id },
          },
          {
            id: people[1].id,
            name: people[1].name,
            email: people[1].email,
            status: 'WAITLISTED',
            waitlistPosition: 1,
            checkedInAt: null,
            user: { id: w.crowd[1].id },
          },
          {
            id: people[2].id,
            name: people[2].name,
            email: people[2].email,
            status: 'WAITLISTED',
            waitlistPosition: 2,
            checkedInAt: null,
            user: { id: w.crowd[2].id },
          },
          { id: people[3].id, name: 'Walk-in Guest', email: people[3].email, status: 'WAITLISTED', waitlistPosition: 3, checkedInAt: null, user: null },
        ]);
      }
      const waitlisted = (await attendees(event.id, 'WAITLISTED', w.organiser.token)).attendees;
      expect(waitlisted.totalCount).toBe(3);
      expect(waitlisted.edges.map((e: any) => [e.node.id, e.node.waitlistPosition])).toEqual([
        [people[1].id, 1],
        [people[2].id, 2],
        [people[3].id, 3],
      ]);
      expect((await attendees(event.id, 'GOING', w.organiser.token)).attendees.edges.map((e: any) => e.node.id)).toEqual([people[0].id]);
      expect((await attendees(event.id, 'CANCELLED', w.organiser.token)).attendees.totalCount).toBe(0);

      // Pages of the waitlist follow the positions.
      const p1 = ok(await t.gql(ATTENDEES, { id: event.id, status: 'WAITLISTED', first: 2 }, w.organiser.token)).event.attendees;
      expect(p1.edges.map((e: any) => e.node.waitlistPosition)).toEqual([1, 2]);
      const p2 = ok(await t.gql(ATTENDEES, { id: event.id, status: 'WAITLISTED', first: 2, after: p1.pageInfo.endCursor }, w.organiser.token)).event.attendees;
      expect(p2.edges.map((e: any) => e.node.waitlistPosition)).toEqual([3]);
      expect(p2.pageInfo.hasNextPage).toBe(false);
    });

    it('resolves attendees to null with one FORBIDDEN error at its path for anyone else, keeping the rest of the event', async () => {
      for (const token of [w.memberA.token, w.organiserB.token, w.crowd[0].token, w.stranger.token, undefined]) {
        const res = await t.gql(ATTENDEES, { id: event.id }, token);
        expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['event', 'attendees']]]);
        expect(res.data.event).toEqual({ id: event.id, title: expect.any(String), goingCount: 1, waitlistCount: 3, spotsLeft: 0, attendees: null });
      }
      // Nor through an attendance's event.
      const res = await t.gql(
        `mutation($i: RsvpInput!) { rsvp(input: $i) { attendance { id event { id attendees { edges { node { email } } } } } } }`,
        { i: { eventId: event.id } },
        w.crowd[1].token,
      );
      expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['rsvp', 'attendance', 'event', 'attendees']]]);
      expect(res.data.rsvp.attendance).toEqual({ id: people[1].id, event: { id: event.id, attendees: null } });
    });

    it('shows them to an ATTENDEES_READ key of the organisation, not to an EVENTS_READ key', async () => {
      const reader = await createApiKey(t, w.admin, w.org.id, ['ATTENDEES_READ']);
      const eventsOnly = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
      const seen = (await attendees(event.id, undefined, reader.secret)).attendees;
      expect(seen.edges.map((e: any) => [e.node.name, e.node.email])).toEqual(people.map((p) => [p.name, p.email]));
      const res = await t.gql(ATTENDEES, { id: event.id }, eventsOnly.secret);
      expect(res.errors?.map((e) => [e.extensions.code, e.path])).toEqual([['FORBIDDEN', ['event', 'attendees']]]);
      expect(res.data.event.id).toBe(event.id);
    });

    it('lets attendees see their own name and email through viewerAttendance, and nobody else’s', async () => {
      expect(ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id }, w.crowd[2].token)).event.viewerAttendance).toMatchObject({
        id: people[2].id,
        name: people[2].name,
        email: people[2].email,
        status: 'WAITLISTED',
        waitlistPosition: 2,
      });
      expect(ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id }, w.memberA.token)).event.viewerAttendance).toBeNull();
      expect(ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id })).event.viewerAttendance).toBeNull();
    });
  });

  describe('checkIn', () => {
    it('lets an organiser check in someone GOING, once: a second check-in keeps the first time', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 1 });
      const going = await rsvp(event.id, w.crowd[0]);
      const waiting = await rsvp(event.id, w.crowd[1]);
      const first = ok(await t.gql(CHECK_IN, { id: going.id }, w.organiser.token)).checkIn;
      expect(first).toMatchObject({ id: going.id, status: 'GOING', checkedInAt: expect.any(String) });
      expect(Math.abs(Date.parse(first.checkedInAt) - Date.now())).toBeLessThan(60_000);
      const second = ok(await t.gql(CHECK_IN, { id: going.id }, w.admin.token)).checkIn;
      expect(second.checkedInAt).toBe(first.checkedInAt);
      expect((await attendees(event.id, 'GOING')).attendees.edges[0].node.checkedInAt).toBe(first.checkedInAt);
      expect(ok(await t.gql(VIEWER_ATTENDANCE, { id: event.id }, w.crowd[0].token)).event.viewerAttendance.checkedInAt).toBe(first.checkedInAt);

      fails(await t.gql(CHECK_IN, { id: waiting.id }, w.organiser.token), 'CONFLICT');
      await cancelRsvp(event.id, w.crowd[1]);
      fails(await t.gql(CHECK_IN, { id: waiting.id }, w.organiser.token), 'CONFLICT');
      expect((await attendees(event.id)).attendees.edges.map((e: any) => e.node.checkedInAt)).toEqual([first.checkedInAt, null]);
    });

    it('refuses members with FORBIDDEN, and attendances of events the caller cannot see or that do not exist with NOT_FOUND', async () => {
      const event = await published(w.organiser, w.chapterA.id, { visibility: 'CHAPTER' });
      const attendance = await rsvp(event.id, w.memberA);
      fails(await t.gql(CHECK_IN, { id: attendance.id }, w.memberA.token), 'FORBIDDEN');
      fails(await t.gql(CHECK_IN, { id: attendance.id }, w.memberB.token), 'NOT_FOUND');
      fails(await t.gql(CHECK_IN, { id: attendance.id }, w.outsider.token), 'NOT_FOUND');
      fails(await t.gql(CHECK_IN, { id: randomUUID() }, w.organiser.token), 'NOT_FOUND');
      fails(await t.gql(CHECK_IN, { id: attendance.id }), 'UNAUTHENTICATED');
      expect((await attendees(event.id)).attendees.edges[0].node.checkedInAt).toBeNull();
    });
    it('answers NOT_FOUND with the same message for a real attendance the caller may not read as for a random id', async () => {
      // A PUBLIC event of chapter A: everyone sees it, but only its organisers and admins see who attends.
      const event = await published(w.organiser, w.chapterA.id);
      const someone = await rsvp(event.id, w.crowd[4]);
      const unknown = fails(await t.gql(CHECK_IN, { id: randomUUID() }, w.organiserB.token), 'NOT_FOUND');
      for (const user of [w.organiserB, w.memberB, w.memberA, w.stranger, w.outsider]) {
        const res = fails(await t.gql(CHECK_IN, { id: someone.id }, user.token), 'NOT_FOUND');
        expect(res.message).toBe(unknown.message);
      }
      // Their own attendance they may see, but not check in.
      fails(await t.gql(CHECK_IN, { id: someone.id }, w.crowd[4].token), 'FORBIDDEN');
      expect((await attendees(event.id)).attendees.edges[0].node.checkedInAt).toBeNull();
      expect(ok(await t.gql(CHECK_IN, { id: someone.id }, w.organiser.token)).checkIn.checkedInAt).toEqual(expect.any(String));
    });
  });

  describe('concurrency', () => {
    let people: TestUser[];
    beforeAll(async () => {
      // argon2 is costly: register in batches.
      people = [];
      for (let batch = 0; batch < 6; batch++) people.push(...(await Promise.all(range(1, 10).map((i) => registerUser(t, `Rush ${batch * 10 + i}`)))));
    });

    type Listed = { id: string; email: string; waitlistPosition: number };
    const waitlistOf = async (eventId: string): Promise<Listed[]> => {
      const page = (await attendees(eventId, 'WAITLISTED', w.organiser.token)).attendees;
      expect(page.pageInfo.hasNextPage).toBe(false);
      return page.edges.map((e: any) => e.node as { id: string; email: string; waitlistPosition: number });
    };
    const goingOf = async (eventId: string): Promise<Listed[]> =>
      (await attendees(eventId, 'GOING', w.organiser.token)).attendees.edges.map((e: any) => e.node as { id: string; email: string });
    const expectState = async (eventId: string, going: number, waiting: number) => {
      expect(await eventAs(eventId)).toMatchObject({ capacity: 10, goingCount: going, waitlistCount: waiting, spotsLeft: 10 - going });
      const waitlist = await waitlistOf(eventId);
      expect(waitlist.map((a) => a.waitlistPosition)).toEqual(range(1, waiting));
      expect(await goingOf(eventId)).toHaveLength(going);
      expect(await countsInDatabase(eventId)).toEqual({ goingCount: going, waitlistCount: waiting, going, waitlisted: waiting, positions: range(1, waiting) });
      return waitlist;
    };

    it.each([1, 2, 3])('never exceeds capacity and keeps the waitlist gapless under simultaneous RSVPs and cancellations (round %i)', async () => {
      const event = await published(w.organiser, w.chapterA.id, { capacity: 10 });
      const order = [...people].sort(() => Math.random() - 0.5);
      const results = await Promise.all(order.map((user) => t.gql(RSVP, { input: { eventId: event.id } }, user.token)));
      const answers: Array<Listed & { status: string }> = results.map((r) => ok(r).rsvp.attendance);
      expect(answers.filter((a) => a.status === 'GOING')).toHaveLength(10);
      expect(
        answers
          .filter((a) => a.status === 'WAITLISTED')
          .map((a) => a.waitlistPosition)
          .sort((x, y) => x - y),
      ).toEqual(range(1, 50));
      const waitlist = await expectState(event.id, 10, 50);
      // What each person was told is what the organiser sees.
      const toldPosition = new Map(answers.map((a) => [a.id, a.waitlistPosition]));
      for (const a of waitlist as Listed[]) expect(toldPosition.get(a.id)).toBe(a.waitlistPosition);

      // Five people going cancel at once: the first five waitlisted move up, the rest keep their order.
      const goingNow = await goingOf(event.id);
      const leavers = goingNow.slice(0, 5).map((a) => people.find((p) => p.email === a.email)!);
      const cancelled = await Promise.all(leavers.map((user) => t.gql(CANCEL_RSVP, { eventId: event.id }, user.token)));
      for (const res of cancelled) expect(ok(res).cancelRsvp.status).toBe('CANCELLED');
      const after = await expectState(event.id, 10, 45);
      expect(after.map((a) => a.id)).toEqual(waitlist.slice(5).map((a) => a.id));
      const goingIds = (await goingOf(event.id)).map((a) => a.id);
      expect(goingIds).toEqual(expect.arrayContaining([...goingNow.slice(5).map((a) => a.id), ...waitlist.slice(0, 5).map((a) => a.id)]));

      // Mixed at once: three going and three waitlisted (spread along the list) cancel while three newcomers come back.
      const goingLeavers = (await goingOf(event.id)).slice(0, 3).map((a) => people.find((p) => p.email === a.email)!);
      const waitingLeavers = [after[0], after[20], after[44]].map((a) => people.find((p) => p.email === a.email)!);
      const returners = leavers.slice(0, 3);
      const mixed = await Promise.all([
        ...[...goingLeavers, ...waitingLeavers].map((user) => t.gql(CANCEL_RSVP, { eventId: event.id }, user.token)),
        ...returners.map((user) => t.gql(RSVP, { input: { eventId: event.id } }, user.token)),
      ]);
      for (const res of mixed) ok(res);
      await expectState(event.id, 10, 45 - 3 - 3 + 3);
    });

    it('keeps the counts on every event row equal to its attendances, and nobody waits while places are free', async () => {
      const { rows } = await db.query(
        `SELECT e.id FROM events e
          WHERE e.going_count <> (SELECT count(*) FROM attendances a WHERE a.event_id = e.id AND a.status = 'GOING')
             OR e.waitlist_count <> (SELECT count(*) FROM attendances a WHERE a.event_id = e.id AND a.status = 'WAITLISTED')
             OR (e.capacity IS NOT NULL AND e.going_count > e.capacity)
             OR (e.waitlist_count > 0 AND (e.capacity IS NULL OR e.going_count < e.capacity))
         UNION ALL
         SELECT a.event_id FROM attendances a WHERE a.status = 'WAITLISTED'
          GROUP BY a.event_id
         HAVING min(a.waitlist_position) <> 1 OR max(a.waitlist_position) <> count(*) OR count(DISTINCT a.waitlist_position) <> count(*)`,
      );
      expect(rows).toEqual([]);
      const { rows: totals } = await db.query(`SELECT count(*)::int AS n FROM attendances`);
      expect(totals[0].n).toBeGreaterThan(0);
    });
  });
});
