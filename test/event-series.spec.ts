import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { inTransaction } from '../src/common/database/transaction';
import { materialise, SERIES_HORIZON_DAYS } from '../src/modules/events/series/event-series.service';
import { ExtendEventSeriesJob } from '../src/modules/events/series/extend-event-series.job';
import { dbClient, DbClient } from './support/db';
import { badInput, fails, ok } from './support/expectations';
import { publishEvent } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const DAY = 86_400_000;
const EVENT_FIELDS = `id title description startsAt endsAt timeZone capacity visibility status goingCount waitlistCount createdAt updatedAt series { id }`;
const CREATE = `mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id rrule timeZone createdAt events(first: 100) { totalCount edges { node { ${EVENT_FIELDS} } } } } }`;
const SERIES = `query($id: ID!) { eventSeries(id: $id) { id rrule timeZone events(first: 100) { totalCount edges { node { ${EVENT_FIELDS} } } } } }`;
const UPDATE = `mutation($id: ID!, $from: ID, $input: UpdateEventSeriesInput!) { updateEventSeries(id: $id, fromEventId: $from, input: $input) { id events(first: 100) { edges { node { ${EVENT_FIELDS} } } } } }`;
const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id status } } }`;

/** A local wall-clock date-time in `zone` as the instant the API takes. */
const localInstant = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toUTC().toISO()!;
const nodes = (series: any) => series.events.edges.map((e: any) => e.node);
const local = (event: any) => DateTime.fromISO(event.startsAt, { zone: event.timeZone });

/** The first occurrence of a series: chapter A's, two hours long. */
function firstEvent(w: World, startsAt: string, extra: Record<string, unknown> = {}) {
  return {
    chapterId: w.chapterA.id,
    title: 'Study circle',
    startsAt,
    endsAt: new Date(Date.parse(startsAt) + 2 * 3600_000).toISOString(),
    timeZone: 'Europe/London',
    visibility: 'PUBLIC',
    ...extra,
  };
}

describe('recurring event series', () => {
  let t: TestApp;
  let w: World;
  let db: DbClient;
  let job: ExtendEventSeriesJob;

  beforeAll(async () => {
    t = await startTestApp();
    w = await createWorld(t);
    db = await dbClient(t.databaseUrl);
    job = t.app.get(ExtendEventSeriesJob);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const create = async (input: Record<string, unknown>) => ok(await t.gql(CREATE, { input }, w.organiser.token)).createEventSeries;
  const read = async (id: string, token = w.organiser.token) => ok(await t.gql(SERIES, { id }, token)).eventSeries;

  it('keeps a weekly Tuesday 19:00 in Europe/London at 19:00 local across the October change', async () => {
    const zone = 'Europe/London';
    const created = await create({ event: firstEvent(w, localInstant('2027-10-12T19:00', zone), { timeZone: zone }), rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=8' });
    // Months ahead of the horizon: only the first occurrence exists until the daily job reaches it.
    expect(created.events.totalCount).toBe(1);
    await job.run(new Date('2027-10-01T03:10:00Z'));
    const events = nodes(await read(created.id));
    expect(events).toHaveLength(8);
    expect(events.map((e: any) => local(e).toFormat('ccc HH:mm'))).toEqual(Array(8).fill('Tue 19:00'));
    expect(events.map((e: any) => e.startsAt.slice(11, 16))).toEqual(['18:00', '18:00', '18:00', '19:00', '19:00', '19:00', '19:00', '19:00']);
    expect(events.every((e: any) => Date.parse(e.endsAt) - Date.parse(e.startsAt) === 2 * 3600_000)).toBe(true);
    expect(events.every((e: any) => e.series.id === created.id && e.title === 'Study circle')).toBe(true);
  });

  it('keeps 19:00 local across the March change', async () => {
    const zone = 'Europe/London';
    const created = await create({ event: firstEvent(w, localInstant('2027-03-16T19:00', zone)), rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=4' });
    await job.run(new Date('2027-03-01T03:10:00Z'));
    const events = nodes(await read(created.id));
    expect(events.map((e: any) => local(e).toFormat('yyyy-MM-dd HH:mm'))).toEqual([
      '2027-03-16 19:00',
      '2027-03-23 19:00',
      '2027-03-30 19:00',
      '2027-04-06 19:00',
    ]);
    expect(events.map((e: any) => e.startsAt.slice(11, 16))).toEqual(['19:00', '19:00', '18:00', '18:00']);
  });

  it('keeps a La Paz series (no daylight saving) at its time', async () => {
    const zone = 'America/La_Paz';
    const created = await create({ event: firstEvent(w, localInstant('2027-10-12T19:00', zone), { timeZone: zone }), rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=6' });
    await job.run(new Date('2027-10-01T03:10:00Z'));
    const events = nodes(await read(created.id));
    expect(events).toHaveLength(6);
    expect(new Set(events.map((e: any) => e.startsAt.slice(11, 16)))).toEqual(new Set(['23:00']));
  });

  it('honours COUNT and UNTIL', async () => {
    const start = DateTime.now().setZone('Europe/London').plus({ days: 2 }).set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
    const counted = await create({ event: firstEvent(w, start.toUTC().toISO()!), rrule: 'FREQ=DAILY;COUNT=3' });
    expect(counted.events.totalCount).toBe(3);
    const until = start.plus({ days: 14 }).toFormat('yyyyMMdd');
    const bounded = await create({ event: firstEvent(w, start.toUTC().toISO()!), rrule: `FREQ=WEEKLY;UNTIL=${until}` });
    expect(bounded.events.totalCount).toBe(3);
    // Running the job again adds nothing to a finished series.
    await job.run(new Date());
    expect((await read(counted.id)).events.totalCount).toBe(3);
    expect((await read(bounded.id)).events.totalCount).toBe(3);
  });

  it('materialises 90 days ahead and the daily job extends without duplicating', async () => {
    const start = DateTime.now().setZone('Europe/London').plus({ days: 1 }).set({ hour: 7, minute: 30, second: 0, millisecond: 0 });
    const created = await create({ event: firstEvent(w, start.toUTC().toISO()!), rrule: 'FREQ=DAILY' });
    const before = created.events.totalCount;
    const last = Date.parse(created.events.edges[created.events.edges.length - 1].node.startsAt);
    expect(before).toBeGreaterThanOrEqual(SERIES_HORIZON_DAYS - 1);
    expect(last).toBeLessThanOrEqual(Date.now() + SERIES_HORIZON_DAYS * DAY);
    await job.run(new Date());
    expect((await read(created.id)).events.totalCount).toBe(before);
    const later = new Date(Date.now() + 7 * DAY);
    await Promise.all([job.run(later), job.run(later)]);
    const { rows } = await db.query(`SELECT count(*)::int AS n, count(DISTINCT series_slot)::int AS slots FROM events WHERE series_id = $1`, [created.id]);
    expect(rows[0]).toEqual({ n: before + 7, slots: before + 7 });
  });

  it('keeps at most the cap of upcoming occurrences', async () => {
    const start = DateTime.now().setZone('UTC').plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const created = await create({ event: firstEvent(w, start.toISO()!, { timeZone: 'UTC' }), rrule: 'FREQ=DAILY;COUNT=2' });
    await db.query(`UPDATE event_series SET rrule = 'FREQ=DAILY' WHERE id = $1`, [created.id]);
    await db.query(`DELETE FROM events WHERE series_id = $1 AND series_slot > $2`, [created.id, start.toFormat("yyyy-MM-dd'T'HH:mm")]);
    const added = await inTransaction(t.app.get(DataSource), (m) => materialise(m, created.id, new Date(), { maxUpcoming: 5 }));
    expect(added).toBe(4);
    expect((await read(created.id)).events.totalCount).toBe(5);
  });

  it('refuses rules outside the subset and starts that are not occurrences, changing nothing', async () => {
    const start = localInstant(DateTime.now().plus({ days: 10 }).toFormat("yyyy-MM-dd'T'19:00"), 'Europe/London');
    const { rows: before } = await db.query(`SELECT count(*)::int AS n FROM event_series`);
    badInput(await t.gql(CREATE, { input: { event: firstEvent(w, start), rrule: 'FREQ=YEARLY' } }, w.organiser.token), 'rrule');
    badInput(await t.gql(CREATE, { input: { event: firstEvent(w, start), rrule: 'FREQ=WEEKLY;BYHOUR=9' } }, w.organiser.token), 'rrule');
    const otherDay = DateTime.fromISO(start).setZone('Europe/London').weekday === 1 ? 'TU' : 'MO';
    badInput(await t.gql(CREATE, { input: { event: firstEvent(w, start), rrule: `FREQ=WEEKLY;BYDAY=${otherDay}` } }, w.organiser.token), 'rrule');
    fails(await t.gql(CREATE, { input: { event: firstEvent(w, start), rrule: 'FREQ=WEEKLY' } }, w.memberA.token), 'FORBIDDEN');
    const { rows: after } = await db.query(`SELECT count(*)::int AS n FROM event_series`);
    expect(after).toEqual(before);
  });

  it('"this and following" edits leave earlier occurrences byte-identical; occurrences with RSVPs keep them', async () => {
    const zone = 'Europe/London';
    const first = DateTime.now().setZone(zone).plus({ days: 3 }).set({ hour: 19, minute: 0, second: 0, millisecond: 0 });
    const created = await create({ event: firstEvent(w, first.toUTC().toISO()!, { capacity: 20 }), rrule: 'FREQ=WEEKLY;COUNT=6' });
    const occurrences = nodes(created);
    expect(occurrences).toHaveLength(6);
    for (const o of occurrences) await publishEvent(t, w.organiser, o.id);
    const rsvp2 = ok(await t.gql(RSVP, { input: { eventId: occurrences[1].id } }, w.memberA.token)).rsvp.attendance;
    const rsvp4 = ok(await t.gql(RSVP, { input: { eventId: occurrences[3].id } }, w.memberA.token)).rsvp.attendance;
    const earlierIds = [occurrences[0].id, occurrences[1].id];
    const rowsOf = async (ids: string[]) => (await db.query(`SELECT to_jsonb(e) AS row FROM events e WHERE id = ANY($1) ORDER BY starts_at`, [ids])).rows;
    const apiBefore = nodes(await read(created.id)).slice(0, 2);
    const rowsBefore = await rowsOf(earlierIds);

    const edited = ok(
      await t.gql(
        UPDATE,
        { id: created.id, from: occurrences[2].id, input: { title: 'Chapter two', localStartTime: '20:30', durationMinutes: 90 } },
        w.organiser.token,
      ),
    ).updateEventSeries;
    const after = nodes(edited);
    expect(after.slice(0, 2)).toEqual(apiBefore);
    expect(await rowsOf(earlierIds)).toEqual(rowsBefore);
    for (const [i, e] of after.slice(2).entries()) {
      expect(e.title).toBe('Chapter two');
      expect(local(e).toFormat('yyyy-MM-dd HH:mm')).toBe(first.plus({ weeks: i + 2 }).toFormat('yyyy-MM-dd 20:30'));
      expect(Date.parse(e.endsAt) - Date.parse(e.startsAt)).toBe(90 * 60_000);
    }
    // The RSVPs stay, on both sides of the edit.
    const { rows: attendances } = await db.query(`SELECT id, status FROM attendances WHERE id = ANY($1) ORDER BY id`, [[rsvp2.id, rsvp4.id]]);
    expect(attendances).toEqual([rsvp2, rsvp4].map((a) => ({ id: a.id, status: 'GOING' })).sort((a, b) => a.id.localeCompare(b.id)));
    expect(after[3].goingCount).toBe(1);

    // "All": every upcoming occurrence, and new ones follow the latest.
    const all = nodes(ok(await t.gql(UPDATE, { id: created.id, input: { capacity: 30 } }, w.organiser.token)).updateEventSeries);
    expect(all.map((e: any) => e.capacity)).toEqual(Array(6).fill(30));
    // A capacity below those going is refused and changes nothing.
    ok(await t.gql(RSVP, { input: { eventId: occurrences[1].id } }, w.memberB.token));
    fails(await t.gql(UPDATE, { id: created.id, input: { capacity: 1, title: 'Nope' } }, w.organiser.token), 'CONFLICT');
    expect(nodes(await read(created.id)).some((e: any) => e.title === 'Nope')).toBe(false);
  });

  it('refuses a bad local time, an occurrence of another series, and callers who do not manage it', async () => {
    const start = DateTime.now().setZone('Europe/London').plus({ days: 5 }).set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
    const a = await create({ event: firstEvent(w, start.toUTC().toISO()!), rrule: 'FREQ=WEEKLY;COUNT=2' });
    const b = await create({ event: firstEvent(w, start.toUTC().toISO()!), rrule: 'FREQ=WEEKLY;COUNT=2' });
    await publishEvent(t, w.organiser, nodes(a)[0].id);
    badInput(await t.gql(UPDATE, { id: a.id, input: { localStartTime: '25:00' } }, w.organiser.token), 'input.localStartTime');
    badInput(await t.gql(UPDATE, { id: a.id, from: nodes(b)[0].id, input: { title: 'x' } }, w.organiser.token), 'fromEventId');
    fails(await t.gql(UPDATE, { id: a.id, input: { title: 'x' } }, w.organiserB.token), 'FORBIDDEN');
    fails(await t.gql(UPDATE, { id: b.id, input: { title: 'x' } }, w.memberA.token), 'NOT_FOUND');
    expect(ok(await t.gql(SERIES, { id: b.id }, w.memberA.token)).eventSeries).toBeNull();
    // A member sees the series of a published occurrence, and only the occurrences visible to them.
    const seen = await read(a.id, w.memberA.token);
    expect(nodes(seen).map((e: any) => e.id)).toEqual([nodes(a)[0].id]);
  });
});
