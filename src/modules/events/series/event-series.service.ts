import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { whereVisibleTo } from '../../../common/access/visibility-sql';
import { findByIds } from '../../../common/database/raw-reads';
import { inTransaction } from '../../../common/database/transaction';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../../common/errors/domain-error';
import { byKey, RequestContext } from '../../../common/graphql/request-context';
import { ChaptersService } from '../../organisations/chapters.service';
import { changesTimeOrPlace, noticeAttendees } from '../event-notices';
import { EventEntity } from '../event.entity';
import { EVENT_KEY_SCOPES, mayManageEvent } from '../events-access';
import { checkLocation, checkTimes, locationColumns } from '../events.service';
import { checkLinkable, copyStudyItems, setStudyItems } from '../study-sessions/study-links';
import { promoteWaitlisted } from '../waitlist';
import { emitWebhookEvent } from '../../webhooks/emit';
import { eventPayload } from '../../webhooks/payloads';
import { EventSeriesEntity } from './event-series.entity';
import { CreateEventSeriesInput, UpdateEventSeriesInput } from './event-series.inputs';
import { EventSeries, toEventSeries } from './event-series.model';
import { expand, firstOccurrenceRefusal, parseLocalTime, parseRrule, Rrule, RruleError } from './rrule';

/** Occurrences are materialised this far ahead … */
export const SERIES_HORIZON_DAYS = 90;
/** … and at most this many upcoming ones per series. */
export const SERIES_MAX_UPCOMING = 100;

const SLOT_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** The fields an occurrence copies from the series' latest one. */
const COPIED = [
  'chapterId',
  'organisationId',
  'title',
  'description',
  'timeZone',
  'venue',
  'addressLine',
  'city',
  'postcode',
  'country',
  'latitude',
  'longitude',
  'onlineUrl',
  'capacity',
  'visibility',
  'status',
] as const;

/**
 * Recurring series: createEventSeries, updateEventSeries (all occurrences or "this and following"),
 * and materialising occurrences ahead (also run daily by ExtendEventSeriesJob). The access rules are
 * the events' (events-access.ts): a series is managed by whoever manages its chapter's events.
 */
@Injectable()
export class EventSeriesService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(EventSeriesEntity) private readonly series: Repository<EventSeriesEntity>,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly chapters: ChaptersService,
  ) {}

  /** A series by id through the request's loader, without an access check (Event.series: seeing an occurrence shows its series). */
  async loadUnchecked(ctx: RequestContext, id: string): Promise<EventSeries | null> {
    return ctx
      .loader<string, EventSeries | null>('eventSeries.byId', async (ids) => {
        const rows = await findByIds(this.series, ids);
        return byKey(ids, rows.map(toEventSeries), (s) => s.id);
      })
      .load(id);
  }

  /** A series the caller manages or of which they may see an occurrence; null otherwise. */
  async load(ctx: RequestContext, id: string): Promise<EventSeries | null> {
    const series = await this.loadUnchecked(ctx, id);
    if (!series) return null;
    if (mayManageEvent(await ctx.grants(), series)) return series;
    const qb = this.events.createQueryBuilder('e').select('e.id').where('e.seriesId = :id', { id }).andWhere(`e.status <> 'DRAFT'`);
    whereVisibleTo(qb, 'e', ctx.actor, EVENT_KEY_SCOPES);
    return (await qb.limit(1).getRawOne()) ? series : null;
  }

  /** The first event is created with the series (DRAFT, as createEvent makes it), then the occurrences up to the horizon. */
  async create(ctx: RequestContext, input: CreateEventSeriesInput): Promise<EventSeries> {
    const first = input.event;
    const chapter = await this.chapters.require(ctx, first.chapterId);
    const scope = { chapterId: chapter.id, organisationId: chapter.organisationId };
    if (!mayManageEvent(await ctx.grants(), scope)) throw new ForbiddenError('Only organisers of the chapter may create its events');
    checkTimes(first.startsAt, first.endsAt, true);
    checkLocation(first.location);
    const rule = readRule(input.rrule, first.timeZone);
    // The rule counts in whole minutes of local time; the first event keeps its start exactly as given.
    const dtstart = DateTime.fromJSDate(first.startsAt, { zone: first.timeZone }).startOf('minute');
    const refusal = firstOccurrenceRefusal(rule, dtstart);
    if (refusal) throw new BadInputError({ rrule: refusal });
    const studyItems = await checkLinkable(this.dataSource, ctx.actor, chapter.organisationId, first.readingListItemIds ?? [], 'event.readingListItemIds');
    const row = await inTransaction(this.dataSource, async (manager) => {
      const series = await manager.save(
        manager.create(EventSeriesEntity, {
          ...scope,
          rrule: input.rrule.trim().replace(/^RRULE:/i, ''),
          timeZone: first.timeZone,
          dtstart: dtstart.toFormat(SLOT_FORMAT),
        }),
      );
      const inserted = await manager.insert(EventEntity, {
        ...scope,
        title: first.title,
        description: first.description ?? null,
        startsAt: first.startsAt,
        endsAt: first.endsAt,
        timeZone: first.timeZone,
        ...locationColumns(first.location ?? null),
        onlineUrl: first.onlineUrl ?? null,
        capacity: first.capacity ?? null,
        visibility: first.visibility,
        status: 'DRAFT',
        seriesId: series.id,
        seriesSlot: dtstart.toFormat(SLOT_FORMAT),
      });
      const firstId = inserted.identifiers[0].id as string;
      await setStudyItems(manager, [firstId], studyItems);
      await emitEventChanged(manager, [firstId]);
      await materialise(manager, series.id, new Date());
      return series;
    });
    return toEventSeries(row);
  }

  /**
   * Changes the occurrences from `fromEventId` on (all when omitted) that have not started and are not
   * cancelled; earlier ones are not written at all. Times are local wall-clock values on each
   * occurrence's own day, so a 19:00 edit stays 19:00 on both sides of a DST change. RSVPs stay.
   */
  async update(ctx: RequestContext, id: string, fromEventId: string | null | undefined, input: UpdateEventSeriesInput): Promise<EventSeries> {
    const series = await this.load(ctx, id);
    if (!series) throw new NotFoundError('EventSeries');
    if (!mayManageEvent(await ctx.grants(), series)) throw new ForbiddenError('Only organisers of the chapter may manage its events');
    const time = input.localStartTime === undefined ? undefined : parseLocalTime(input.localStartTime);
    if (time === null) throw new BadInputError({ 'input.localStartTime': 'must be a local time HH:MM' });
    checkLocation(input.location);
    const studyItems = input.readingListItemIds
      ? await checkLinkable(this.dataSource, ctx.actor, series.organisationId, input.readingListItemIds, 'input.readingListItemIds')
      : null;
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query(`SELECT 1 FROM event_series WHERE id = $1 FOR UPDATE`, [id]);
      let fromSlot = '';
      if (fromEventId) {
        const from = await manager.findOneBy(EventEntity, { id: fromEventId, seriesId: id });
        if (!from) throw new BadInputError({ fromEventId: 'is not an occurrence of this series' });
        fromSlot = from.seriesSlot!;
      }
      const targets = await manager
        .createQueryBuilder(EventEntity, 'e')
        .setLock('pessimistic_write')
        .where('e.seriesId = :id AND e.seriesSlot >= :fromSlot AND e.startsAt > now() AND e.status <> :cancelled', { id, fromSlot, cancelled: 'CANCELLED' })
        .orderBy('e.seriesSlot', 'ASC')
        .getMany();
      for (const event of targets) {
        const before = { ...event };
        const changes: Partial<EventEntity> = {};
        for (const key of ['title', 'description', 'onlineUrl', 'capacity', 'visibility'] as const) {
          if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
        }
        if (input.location !== undefined) Object.assign(changes, locationColumns(input.location));
        if (time || input.durationMinutes !== undefined) {
          const current = DateTime.fromJSDate(event.startsAt, { zone: event.timeZone });
          const { hour, minute } = time ?? current;
          const day = DateTime.fromFormat(event.seriesSlot!, SLOT_FORMAT, { zone: event.timeZone });
          const start = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone: event.timeZone });
          const minutes = input.durationMinutes ?? Math.round((event.endsAt.getTime() - event.startsAt.getTime()) / 60_000);
          changes.startsAt = start.toJSDate();
          changes.endsAt = start.plus({ minutes }).toJSDate();
          if (changes.startsAt.getTime() <= Date.now()) throw new BadInputError({ 'input.localStartTime': 'would move an upcoming occurrence into the past' });
        }
        if (changes.capacity != null && changes.capacity < event.goingCount) {
          throw new ConflictError(`${event.goingCount} people are already going to the occurrence of ${event.seriesSlot}; capacity cannot be lower`);
        }
        if (studyItems) await setStudyItems(manager, [event.id], studyItems);
        if (Object.keys(changes).length === 0) continue;
        await manager.update(EventEntity, { id: event.id }, changes);
        Object.assign(event, changes);
        await promoteWaitlisted(manager, event);
        // Attendees are told of a new time or place, as updateEvent tells them.
        if (changesTimeOrPlace(before, event)) await noticeAttendees(manager, event.id, 'changed');
        await emitEventChanged(manager, [event.id]);
      }
    });
    return series;
  }
}

/** EVENT_CHANGED webhooks for these events as they now are, in the caller's transaction (as createEvent and updateEvent do). */
async function emitEventChanged(manager: EntityManager, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  const rows = await manager.createQueryBuilder(EventEntity, 'e').where('e.id = ANY(:eventIds)', { eventIds }).orderBy('e.startsAt', 'ASC').getMany();
  for (const row of rows) await emitWebhookEvent(manager, row.organisationId, 'EVENT_CHANGED', eventPayload(row));
}

/** `text` as a rule, or BAD_USER_INPUT naming rrule. */
function readRule(text: string, zone: string): Rrule {
  try {
    return parseRrule(text, zone);
  } catch (error) {
    if (error instanceof RruleError) throw new BadInputError({ rrule: error.message });
    throw error;
  }
}

/**
 * Adds the series' missing occurrences that start within SERIES_HORIZON_DAYS of `now`, keeping at most
 * SERIES_MAX_UPCOMING upcoming ones. New occurrences copy the latest non-cancelled occurrence (so they
 * follow "this and following" edits): its fields, local start time and duration. Idempotent: the
 * series row is locked, and (series_id, series_slot) is unique, so running it twice adds nothing.
 * Returns how many occurrences it added.
 */
export async function materialise(manager: EntityManager, seriesId: string, now: Date, limits = { maxUpcoming: SERIES_MAX_UPCOMING }): Promise<number> {
  const series = await manager.findOne(EventSeriesEntity, { where: { id: seriesId }, lock: { mode: 'pessimistic_write' } });
  if (!series) return 0;
  const template = await manager
    .createQueryBuilder(EventEntity, 'e')
    .where(`e.seriesId = :seriesId AND e.status <> 'CANCELLED'`, { seriesId })
    .orderBy('e.seriesSlot', 'DESC')
    .getOne();
  if (!template) return 0;
  const existing = new Set<string>(
    (await manager.query(`SELECT series_slot FROM events WHERE series_id = $1`, [seriesId])).map((r: { series_slot: string }) => r.series_slot),
  );
  const [{ upcoming }] = await manager.query(`SELECT count(*)::int AS upcoming FROM events WHERE series_id = $1 AND starts_at > $2`, [seriesId, now]);
  let room = limits.maxUpcoming - upcoming;
  if (room <= 0) return 0;
  const zone = series.timeZone;
  const rule = parseRrule(series.rrule, zone);
  const dtstart = DateTime.fromFormat(series.dtstart, SLOT_FORMAT, { zone });
  const horizon = DateTime.fromJSDate(now).plus({ days: SERIES_HORIZON_DAYS });
  const local = DateTime.fromJSDate(template.startsAt, { zone });
  const minutes = Math.round((template.endsAt.getTime() - template.startsAt.getTime()) / 60_000);
  const rows: Partial<EventEntity>[] = [];
  for (const occurrence of expand(rule, dtstart, horizon)) {
    if (existing.has(occurrence.slot)) continue;
    const { year, month, day } = occurrence.start;
    const start = DateTime.fromObject({ year, month, day, hour: local.hour, minute: local.minute }, { zone });
    if (start.toMillis() <= now.getTime()) continue;
    const copy: Partial<EventEntity> = {};
    for (const key of COPIED) (copy as Record<string, unknown>)[key] = template[key];
    rows.push({ ...copy, startsAt: start.toJSDate(), endsAt: start.plus({ minutes }).toJSDate(), seriesId, seriesSlot: occurrence.slot });
    if (--room === 0) break;
  }
  if (rows.length === 0) return 0;
  const result = await manager.createQueryBuilder().insert().into(EventEntity).values(rows).orIgnore().execute();
  // RETURNING lists only the rows inserted (ON CONFLICT DO NOTHING skips the others).
  const added = (result.raw as Array<{ id: string }>).map((r) => r.id);
  await copyStudyItems(manager, template.id, added);
  await emitEventChanged(manager, added);
  return added.length;
}
