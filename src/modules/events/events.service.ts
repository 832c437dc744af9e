import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { whereVisibleTo } from '../../common/access/visibility-sql';
import type { Actor } from '../../common/auth/actor';
import { Settings } from '../../common/config/settings';
import { prefixQuery } from '../../common/database/full-text';
import { findByIds } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { emitWebhookEvent } from '../webhooks/emit';
import { eventPayload } from '../webhooks/payloads';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { changesFirst } from '../../common/pagination/changes';
import { paginate } from '../../common/pagination/paginate';
import { ChaptersService } from '../organisations/chapters.service';
import { CreateEventInput, EventFilter, EventLocationInput, EventsArgs, UpdateEventInput } from './dto/event.inputs';
import { EventEntity } from './event.entity';
import { Event, toEvent } from './event.model';
import { EVENT_KEY_SCOPES, exactPlaceSql, mayManageEvent, mayReadEvent, ROUNDED_COORDINATE_SQL } from './events-access';
import { checkLinkable, setStudyItems } from './study-sessions/study-links';
import { fromViewerJson, VIEWER_ATTENDANCE_SELECT, viewerAttendances } from './viewer-attendance';
import { changesTimeOrPlace, noticeAttendees } from './event-notices';
import { lockEvent, promoteWaitlisted } from './waitlist';

/** The most events a calendar feed carries. */
const FEED_LIMIT = 500;

@Injectable()
export class EventsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(EventEntity) private readonly events: Repository<EventEntity>,
    private readonly chapters: ChaptersService,
    private readonly settings: Settings,
  ) {}

  private readonly toModel = (row: EventEntity): Event => toEvent(row, this.settings.config.publicUrl);

  /** An event by id through the request's loader; null when it does not exist or the caller may not see it. */
  async load(ctx: RequestContext, id: string): Promise<Event | null> {
    const event = await ctx
      .loader<string, Event | null>('events.byId', async (ids) => {
        const rows = await findByIds(this.events, ids);
        return byKey(ids, rows.map(this.toModel), (e) => e.id);
      })
      .load(id);
    return event && mayReadEvent(await ctx.grants(), event) ? event : null;
  }

  async require(ctx: RequestContext, id: string): Promise<Event> {
    const event = await this.load(ctx, id);
    if (!event) throw new NotFoundError('Event');
    return event;
  }

  /** Where people read about the event: the group's own page when EVENT_PAGE_URL is set, else its calendar file. */
  pageUrl(eventId: string): string {
    const template = this.settings.config.EVENT_PAGE_URL;
    return template ? template.replaceAll('{id}', eventId) : `${this.settings.config.publicUrl}/calendar/events/${eventId}.ics`;
  }

  /** A chapter's upcoming published and cancelled events the caller may see, for its calendar feed. */
  async feed(ctx: RequestContext, chapterId: string): Promise<Event[]> {
    const qb = this.events.createQueryBuilder('e').where(`e.status <> 'DRAFT'`);
    whereVisibleTo(qb, 'e', ctx.actor, EVENT_KEY_SCOPES);
    this.whereMatches(qb, { chapterId }, ctx.actor);
    const rows = await qb.orderBy('e.startsAt', 'ASC').addOrderBy('e.id', 'ASC').take(FEED_LIMIT).getMany();
    return rows.map(this.toModel);
  }

  /** Events the caller may see that match the filter, soonest first. */
  async list(ctx: RequestContext, args: EventsArgs, chapterId?: string, seriesId?: string): Promise<Connection<Event>> {
    const qb = this.events.createQueryBuilder('e');
    whereVisibleTo(qb, 'e', ctx.actor, EVENT_KEY_SCOPES);
    if (seriesId) qb.andWhere('e.seriesId = :seriesId', { seriesId });
    this.whereMatches(qb, { ...args.filter, ...(chapterId ? { chapterId } : {}) }, ctx.actor);
    let toNode = this.toModel;
    if (ctx.actor.kind === 'user') {
      // The viewer's own attendances come with the page, so Event.viewerAttendance needs no statement of its own.
      qb.addSelect(VIEWER_ATTENDANCE_SELECT, 'viewerAttendance').setParameter('viewerId', ctx.actor.userId);
      const viewer = viewerAttendances(ctx, this.dataSource, ctx.actor.userId);
      toNode = (row) => {
        viewer.prime(row.id, fromViewerJson((row as EventEntity & { viewerAttendance: never }).viewerAttendance));
        return this.toModel(row);
      };
    }
    const updatedSince = args.filter?.updatedSince;
    if (updatedSince) {
      qb.andWhere('e.updatedAt >= :updatedSince', { updatedSince });
      return paginate(qb, args, changesFirst(qb, 'e'), toNode);
    }
    return paginate(qb, args, { column: 'e.startsAt', id: 'e.id', direction: 'ASC', valueOf: (e) => ({ value: e.startsAt, id: e.id }) }, toNode);
  }

  /** Events are created as DRAFT; publishEvent makes them visible. */
  async create(ctx: RequestContext, input: CreateEventInput): Promise<Event> {
    const chapter = await this.chapters.require(ctx, input.chapterId);
    if (!mayManageEvent(await ctx.grants(), { chapterId: chapter.id, organisationId: chapter.organisationId })) {
      throw new ForbiddenError('Only organisers of the chapter may create its events');
    }
    checkTimes(input.startsAt, input.endsAt, true);
    checkLocation(input.location);
    const studyItems = await checkLinkable(this.dataSource, ctx.actor, chapter.organisationId, input.readingListItemIds ?? []);
    const row = await inTransaction(this.dataSource, async (manager) => {
      const saved = await manager.save(
        this.events.create({
          chapterId: chapter.id,
          organisationId: chapter.organisationId,
          title: input.title,
          description: input.description ?? null,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          timeZone: input.timeZone,
          ...locationColumns(input.location ?? null),
          onlineUrl: input.onlineUrl ?? null,
          capacity: input.capacity ?? null,
          visibility: input.visibility,
          status: 'DRAFT',
        }),
      );
      await setStudyItems(manager, [saved.id], studyItems);
      await emitWebhookEvent(manager, saved.organisationId, 'EVENT_CHANGED', eventPayload(saved));
      return saved;
    });
    return this.toModel(row);
  }

  /** A raised (or removed) capacity promotes waitlisted people in the same transaction; it may not drop below those going. */
  async update(ctx: RequestContext, id: string, input: UpdateEventInput): Promise<Event> {
    const managed = await this.requireManaged(ctx, id);
    checkLocation(input.location);
    const studyItems = input.readingListItemIds ? await checkLinkable(this.dataSource, ctx.actor, managed.organisationId, input.readingListItemIds) : null;
    const row = await inTransaction(this.dataSource, async (manager) => {
      const event = await lockEvent(manager, id);
      if (event.status === 'CANCELLED') throw new ConflictError('A cancelled event cannot be edited');
      const changes: Partial<EventEntity> = {};
      for (const key of ['title', 'description', 'startsAt', 'endsAt', 'timeZone', 'onlineUrl', 'capacity', 'visibility'] as const) {
        if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
      }
      if (input.location !== undefined) Object.assign(changes, locationColumns(input.location));
      checkTimes(changes.startsAt ?? event.startsAt, changes.endsAt ?? event.endsAt, changes.startsAt !== undefined);
      if (changes.capacity != null && changes.capacity < event.goingCount) {
        throw new ConflictError(`${event.goingCount} people are already going; capacity cannot be lower`);
      }
      const before = { ...event };
      Object.assign(event, changes);
      await manager.update(EventEntity, { id }, changes);
      await promoteWaitlisted(manager, event);
      if (changesTimeOrPlace(before, event)) await noticeAttendees(manager, id, 'changed');
      if (studyItems) await setStudyItems(manager, [id], studyItems);
      const updated = await manager.findOneByOrFail(EventEntity, { id });
      await emitWebhookEvent(manager, updated.organisationId, 'EVENT_CHANGED', eventPayload(updated));
      return updated;
    });
    return this.toModel(row);
  }

  async publish(ctx: RequestContext, id: string): Promise<Event> {
    await this.requireManaged(ctx, id);
    return this.changeStatus(id, (event) => {
      if (event.status === 'CANCELLED') throw new ConflictError('A cancelled event cannot be published');
      return 'PUBLISHED';
    });
  }

  /** Attendances are kept; RSVPs are refused from now on; people GOING and WAITLISTED are told. */
  async cancel(ctx: RequestContext, id: string, reason: string | null): Promise<Event> {
    await this.requireManaged(ctx, id);
    return this.changeStatus(id, () => 'CANCELLED', reason);
  }

  /** Visible to the caller, else NOT_FOUND; managed by the caller, else FORBIDDEN. */
  async requireManaged(ctx: RequestContext, id: string): Promise<Event> {
    const event = await this.require(ctx, id);
    if (!mayManageEvent(await ctx.grants(), event)) throw new ForbiddenError('Only organisers of the chapter may manage its events');
    return event;
  }

  private async changeStatus(id: string, next: (event: EventEntity) => EventEntity['status'], reason?: string | null): Promise<Event> {
    const row = await inTransaction(this.dataSource, async (manager) => {
      const event = await lockEvent(manager, id);
      const status = next(event);
      if (event.status !== status) {
        const changes: Partial<EventEntity> = { status, ...(reason !== undefined ? { cancelReason: reason } : {}) };
        await manager.update(EventEntity, { id }, changes);
        await emitWebhookEvent(manager, event.organisationId, 'EVENT_CHANGED', eventPayload({ ...event, ...changes }));
        if (status === 'CANCELLED' && event.status === 'PUBLISHED') await noticeAttendees(manager, id, 'cancelled');
      }
      return manager.findOneByOrFail(EventEntity, { id });
    });
    return this.toModel(row);
  }

  private whereMatches(qb: SelectQueryBuilder<EventEntity>, filter: EventFilter, actor: Actor): void {
    // An incremental sync wants past events too (a cancelled or edited one still matters to a copy).
    if (filter.from || !filter.updatedSince) qb.andWhere('e.endsAt >= :from', { from: filter.from ?? new Date() });
    if (filter.to) qb.andWhere('e.startsAt < :to', { to: filter.to });
    if (filter.chapterId) qb.andWhere('e.chapterId = :chapterId', { chapterId: filter.chapterId });
    if (filter.organisationId) qb.andWhere('e.organisationId = :organisationId', { organisationId: filter.organisationId });
    if (filter.near) {
      // Callers who may not read the exact place are matched on the rounded point they are shown, so
      // shrinking the radius around guesses cannot locate the address more closely than that.
      const exact = exactPlaceSql('e', actor);
      const lat = `(CASE WHEN ${exact.sql} THEN e.latitude ELSE ${ROUNDED_COORDINATE_SQL('e.latitude')} END)`;
      const lng = `(CASE WHEN ${exact.sql} THEN e.longitude ELSE ${ROUNDED_COORDINATE_SQL('e.longitude')} END)`;
      // Great-circle distance (haversine) on a 6,371 km sphere.
      qb.andWhere(
        `e.latitude IS NOT NULL AND e.longitude IS NOT NULL AND 2 * 6371 * asin(sqrt(
           power(sin(radians(${lat} - :lat) / 2), 2)
           + cos(radians(:lat)) * cos(radians(${lat})) * power(sin(radians(${lng} - :lng) / 2), 2))) <= :radius`,
        { lat: filter.near.latitude, lng: filter.near.longitude, radius: filter.near.radiusKm, ...exact.params },
      );
    }
    const query = filter.search ? prefixQuery(filter.search) : null;
    if (query) {
      // The same expression as the events_search_idx index, so PostgreSQL uses it.
      qb.andWhere(`to_tsvector('simple', e.title || ' ' || coalesce(e.description, '')) @@ to_tsquery('simple', :query)`, { query });
    }
  }
}

export function checkTimes(startsAt: Date, endsAt: Date, startChanged: boolean): void {
  if (startChanged && startsAt.getTime() <= Date.now()) throw new BadInputError({ startsAt: 'must be in the future' });
  if (endsAt.getTime() <= startsAt.getTime()) throw new BadInputError({ endsAt: 'must be after startsAt' });
}

export function checkLocation(location: EventLocationInput | null | undefined): void {
  if (!location) return;
  if ((location.latitude == null) !== (location.longitude == null)) {
    throw new BadInputError({ [location.latitude == null ? 'location.latitude' : 'location.longitude']: 'latitude and longitude go together' });
  }
}

export function locationColumns(location: EventLocationInput | null) {
  return {
    venue: location?.venue ?? null,
    addressLine: location?.addressLine ?? null,
    city: location?.city ?? null,
    postcode: location?.postcode ?? null,
    country: location?.country?.toUpperCase() ?? null,
    latitude: location?.latitude ?? null,
    longitude: location?.longitude ?? null,
  };
}
