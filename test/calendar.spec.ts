import { DateTime } from 'luxon';
import { RESET_CALENDAR_TOKEN } from './support/documents';
import { createChapter, createOrganisation, joinChapter, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/** Unfolds iCalendar lines (RFC 5545 §3.1) so long values can be matched whole. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

/** The VEVENT blocks of a file, keyed by UID. */
function eventsOf(ics: string): Map<string, string> {
  const blocks = unfold(ics).split('BEGIN:VEVENT').slice(1);
  return new Map(blocks.map((b) => [/\r\nUID:([^\r\n]+)/.exec(b)![1], b]));
}

/** The instant a `DTSTART;TZID=zone:local` line stands for. */
function instantOf(block: string, property: 'DTSTART' | 'DTEND'): { zone: string; local: string; utc: string } {
  const [, zone, local] = new RegExp(`\\r\\n${property};TZID=([^:]+):(\\d{8}T\\d{6})`).exec(block)!;
  const utc = DateTime.fromFormat(local, "yyyyMMdd'T'HHmmss", { zone }).toUTC().toISO({ suppressMilliseconds: true })!;
  return { zone, local, utc };
}

/** The people and chapters of this spec, built once in beforeAll. */
interface CalendarWorld {
  admin: TestUser;
  member: TestUser;
  outsider: TestUser;
  chapter: { id: string };
  otherChapter: { id: string };
}

describe('calendar files', () => {
  let t: TestApp;
  const w = {} as CalendarWorld;

  async function event(input: Record<string, unknown>, publish = true): Promise<string> {
    const res = await t.gql(
      `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
      { input: { chapterId: w.chapter.id, ...input } },
      w.admin.token,
    );
    expect(res.errors).toBeUndefined();
    const id = res.data.createEvent.id;
    if (publish) expect((await t.gql(`mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id }, w.admin.token)).errors).toBeUndefined();
    return id;
  }

  const get = (path: string, token?: string) => fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://marea.example.org', EVENT_PAGE_URL: 'https://friendsofbolivia.org/events/{id}' });
    [w.admin, w.member, w.outsider] = await Promise.all([registerUser(t, 'Ada Admin'), registerUser(t, 'Mia Member'), registerUser(t, 'Otto Outsider')]);
    const org = await createOrganisation(t, w.admin);
    w.chapter = await createChapter(t, w.admin, org.id, { name: 'London' });
    w.otherChapter = await createChapter(t, w.admin, org.id, { name: 'La Paz', timeZone: 'America/La_Paz' });
    await joinChapter(t, w.member, w.chapter.id);
  });
  afterAll(() => t.close());

  it('serves one event as iCalendar with its time zone, a stable UID, a link back and the planned local times', async () => {
    const id = await event({
      title: 'Film night',
      description: 'Bring snacks',
      startsAt: '2027-06-10T18:00:00.000Z',
      endsAt: '2027-06-10T20:30:00.000Z',
      timeZone: 'Europe/London',
      location: { venue: 'Casa Bolivia', city: 'London', addressLine: '1 Secret Street' },
    });
    const res = await get(`/calendar/events/${id}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar; charset=utf-8/);
    const ics = unfold(await res.text());
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/London');
    const block = eventsOf(ics).get(`${id}@marea`)!;
    expect(block).toBeDefined();
    expect(instantOf(block, 'DTSTART')).toEqual({ zone: 'Europe/London', local: '20270610T190000', utc: '2027-06-10T18:00:00Z' });
    expect(instantOf(block, 'DTEND')).toEqual({ zone: 'Europe/London', local: '20270610T213000', utc: '2027-06-10T20:30:00Z' });
    expect(block).toContain('SUMMARY:Film night');
    expect(block).toContain(`URL;VALUE=URI:https://friendsofbolivia.org/events/${id}`);
    expect(block).toContain('STATUS:CONFIRMED');
    // The street address is for GOING attendees and organisers only.
    expect(block).toContain('LOCATION:Casa Bolivia\\, London');
    expect(block).not.toContain('Secret Street');
    // The same UID every time: calendar apps update the event instead of duplicating it.
    expect(eventsOf(await (await get(`/calendar/events/${id}.ics`)).text()).has(`${id}@marea`)).toBe(true);

    const gql = await t.gql(`query($id: ID!) { event(id: $id) { icsUrl } }`, { id });
    expect(gql.data.event.icsUrl).toBe(`https://marea.example.org/calendar/events/${id}.ics`);
  });

  it('keeps UTC instants right across the daylight-saving change in Europe/London, and in America/La_Paz (no DST)', async () => {
    // London springs forward on 2027-03-28 at 01:00 UTC (GMT → BST).
    const before = await event({ title: 'Before', startsAt: '2027-03-27T12:00:00.000Z', endsAt: '2027-03-27T13:00:00.000Z', timeZone: 'Europe/London' });
    const across = await event({ title: 'Across', startsAt: '2027-03-28T00:30:00.000Z', endsAt: '2027-03-28T01:30:00.000Z', timeZone: 'Europe/London' });
    const after = await event({ title: 'After', startsAt: '2027-03-28T12:00:00.000Z', endsAt: '2027-03-28T13:00:00.000Z', timeZone: 'Europe/London' });
    // London falls back on 2027-10-31 at 01:00 UTC: 01:30 local happens twice; this is the second one (GMT).
    const fallBack = await event({ title: 'Fall back', startsAt: '2027-10-31T01:30:00.000Z', endsAt: '2027-10-31T02:00:00.000Z', timeZone: 'Europe/London' });
    const laPaz = await event({ title: 'La Paz', startsAt: '2027-03-28T12:00:00.000Z', endsAt: '2027-03-28T14:00:00.000Z', timeZone: 'America/La_Paz' });

    const ics = await (await get(`/calendar/chapters/${w.chapter.id}.ics`)).text();
    const events = eventsOf(ics);
    const start = (id: string) => instantOf(events.get(`${id}@marea`)!, 'DTSTART');
    const end = (id: string) => instantOf(events.get(`${id}@marea`)!, 'DTEND');
    expect(start(before)).toEqual({ zone: 'Europe/London', local: '20270327T120000', utc: '2027-03-27T12:00:00Z' });
    expect(start(across)).toEqual({ zone: 'Europe/London', local: '20270328T003000', utc: '2027-03-28T00:30:00Z' });
    expect(end(across)).toEqual({ zone: 'Europe/London', local: '20270328T023000', utc: '2027-03-28T01:30:00Z' });
    expect(start(after)).toEqual({ zone: 'Europe/London', local: '20270328T130000', utc: '2027-03-28T12:00:00Z' });
    expect(start(fallBack).local).toBe('20271031T013000');
    expect(start(laPaz)).toEqual({ zone: 'America/La_Paz', local: '20270328T080000', utc: '2027-03-28T12:00:00Z' });
    expect(end(laPaz)).toEqual({ zone: 'America/La_Paz', local: '20270328T100000', utc: '2027-03-28T14:00:00Z' });

    // Each zone is described once, with its real rules.
    const zones = unfold(ics).match(/BEGIN:VTIMEZONE\r\nTZID:[^\r]+/g)!;
    expect(zones.sort()).toEqual(['BEGIN:VTIMEZONE\r\nTZID:America/La_Paz', 'BEGIN:VTIMEZONE\r\nTZID:Europe/London']);
    const london = /BEGIN:VTIMEZONE\r\nTZID:Europe\/London[\s\S]*?END:VTIMEZONE/.exec(unfold(ics))![0];
    expect(london).toContain('TZOFFSETTO:+0100');
    expect(london).toContain('TZOFFSETTO:+0000');
    const laPazZone = /BEGIN:VTIMEZONE\r\nTZID:America\/La_Paz[\s\S]*?END:VTIMEZONE/.exec(unfold(ics))![0];
    expect(laPazZone).toContain('TZOFFSETTO:-0400');
    expect(laPazZone).not.toContain('DAYLIGHT');

    // The API answers the same instants, with the zone they were planned in.
    const res = await t.gql(`query($id: ID!) { event(id: $id) { startsAt endsAt timeZone } }`, { id: across });
    expect(res.data.event).toEqual({ startsAt: '2027-03-28T00:30:00.000Z', endsAt: '2027-03-28T01:30:00.000Z', timeZone: 'Europe/London' });
  });

  it('marks cancelled events STATUS:CANCELLED and leaves drafts out', async () => {
    const cancelled = await event({ title: 'Called off', startsAt: '2027-07-01T18:00:00.000Z', endsAt: '2027-07-01T19:00:00.000Z', timeZone: 'Europe/London' });
    const cancel = await t.gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Rain") { status } }`, { id: cancelled }, w.admin.token);
    expect(cancel.errors).toBeUndefined();
    expect(cancel.data.cancelEvent.status).toBe('CANCELLED');
    const draft = await event({ title: 'Not yet', startsAt: '2027-07-02T18:00:00.000Z', endsAt: '2027-07-02T19:00:00.000Z', timeZone: 'Europe/London' }, false);

    const single = unfold(await (await get(`/calendar/events/${cancelled}.ics`)).text());
    expect(eventsOf(single).get(`${cancelled}@marea`)).toContain('STATUS:CANCELLED');
    const feed = eventsOf(await (await get(`/calendar/chapters/${w.chapter.id}.ics`)).text());
    expect(feed.get(`${cancelled}@marea`)).toContain('STATUS:CANCELLED');
    expect(feed.has(`${draft}@marea`)).toBe(false);
    // The draft's own file exists only for its organisers.
    expect((await get(`/calendar/events/${draft}.ics`)).status).toBe(404);
    expect((await get(`/calendar/events/${draft}.ics`, w.admin.token)).status).toBe(200);
  });

  it('answers 404 alike for unknown, malformed and invisible ids', async () => {
    const hidden = await event({
      title: 'Members only',
      startsAt: '2027-08-01T18:00:00.000Z',
      endsAt: '2027-08-01T19:00:00.000Z',
      timeZone: 'Europe/London',
      visibility: 'CHAPTER',
    });
    const answers = await Promise.all(
      [
        `/calendar/events/${hidden}.ics`,
        `/calendar/events/00000000-0000-4000-8000-000000000000.ics`,
        '/calendar/events/not-an-id.ics',
        '/calendar/chapters/00000000-0000-4000-8000-000000000000.ics',
      ].map(async (path) => {
        const res = await get(path);
        return { status: res.status, body: await res.text() };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // Bad credentials are never treated as anonymous.
    expect((await get(`/calendar/chapters/${w.chapter.id}.ics`, 'mk_not-a-key')).status).toBe(401);
  });

  it('gives members a private, revocable token that adds the ORGANISATION and CHAPTER events they may see', async () => {
    const chapterOnly = await event({
      title: 'Chapter meeting',
      startsAt: '2027-09-01T18:00:00.000Z',
      endsAt: '2027-09-01T19:00:00.000Z',
      timeZone: 'Europe/London',
      visibility: 'CHAPTER',
    });
    const orgWide = await event({
      title: 'Assembly',
      startsAt: '2027-09-02T18:00:00.000Z',
      endsAt: '2027-09-02T19:00:00.000Z',
      timeZone: 'Europe/London',
      visibility: 'ORGANISATION',
    });
    const open = await event({ title: 'Street stall', startsAt: '2027-09-03T18:00:00.000Z', endsAt: '2027-09-03T19:00:00.000Z', timeZone: 'Europe/London' });
    const uids = async (path: string) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      return [...eventsOf(await res.text()).keys()];
    };

    const publicFeed = await uids(`/calendar/chapters/${w.chapter.id}.ics`);
    expect(publicFeed).toContain(`${open}@marea`);
    expect(publicFeed).not.toContain(`${chapterOnly}@marea`);
    expect(publicFeed).not.toContain(`${orgWide}@marea`);

    const reset = async (user: TestUser) => {
      const res = await t.gql(RESET_CALENDAR_TOKEN, {}, user.token);
      expect(res.errors).toBeUndefined();
      return res.data.resetCalendarToken as string;
    };
    const token = await reset(w.member);
    const memberFeed = await uids(`/calendar/chapters/${w.chapter.id}.ics?token=${token}`);
    expect(memberFeed).toEqual(expect.arrayContaining([`${open}@marea`, `${chapterOnly}@marea`, `${orgWide}@marea`]));
    expect((await get(`/calendar/events/${chapterOnly}.ics?token=${token}`)).status).toBe(200);

    // An outsider's token adds nothing.
    const outsiderToken = await reset(w.outsider);
    expect(await uids(`/calendar/chapters/${w.chapter.id}.ics?token=${outsiderToken}`)).not.toContain(`${chapterOnly}@marea`);
    expect((await get(`/calendar/events/${chapterOnly}.ics?token=${outsiderToken}`)).status).toBe(404);

    // Resetting replaces the token; revoking ends it.
    const newToken = await reset(w.member);
    expect((await get(`/calendar/chapters/${w.chapter.id}.ics?token=${token}`)).status).toBe(404);
    expect(await uids(`/calendar/chapters/${w.chapter.id}.ics?token=${newToken}`)).toContain(`${chapterOnly}@marea`);
    expect((await t.gql(`mutation { revokeCalendarToken }`, {}, w.member.token)).data.revokeCalendarToken).toBe(true);
    expect((await get(`/calendar/chapters/${w.chapter.id}.ics?token=${newToken}`)).status).toBe(404);

    // Tokens are for signed-in members only.
    expect((await t.gql(RESET_CALENDAR_TOKEN)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("lists only the chapter's own upcoming events", async () => {
    const elsewhere = await t.gql(
      `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
      {
        input: {
          chapterId: w.otherChapter.id,
          title: 'Elsewhere',
          startsAt: '2027-05-01T18:00:00.000Z',
          endsAt: '2027-05-01T19:00:00.000Z',
          timeZone: 'America/La_Paz',
        },
      },
      w.admin.token,
    );
    const id = elsewhere.data.createEvent.id;
    await t.gql(`mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id }, w.admin.token);
    const feed = eventsOf(await (await get(`/calendar/chapters/${w.chapter.id}.ics`)).text());
    expect(feed.size).toBeGreaterThan(0);
    expect(feed.has(`${id}@marea`)).toBe(false);
    expect(eventsOf(await (await get(`/calendar/chapters/${w.otherChapter.id}.ics`)).text()).has(`${id}@marea`)).toBe(true);
  });
});
