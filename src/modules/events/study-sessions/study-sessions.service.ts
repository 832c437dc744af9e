import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { whereVisibleTo } from '../../../common/access/visibility-sql';
import { rawEntities } from '../../../common/database/raw-reads';
import { groupByKey, RequestContext } from '../../../common/graphql/request-context';
import { Connection, DEFAULT_PAGE_SIZE, PageArgs } from '../../../common/pagination/connection';
import { decodeCursor, toConnection } from '../../../common/pagination/paginate';
import { ReadingListItemEntity } from '../../reading-lists/reading-list-item.entity';
import { ReadingListItem, toReadingListItem } from '../../reading-lists/reading-list.model';
import { ReadingListEntity } from '../../reading-lists/reading-list.entity';
import { LIST_KEY_SCOPES, LIST_SHARES_SQL } from '../../reading-lists/reading-lists-access';
import { EventEntity } from '../event.entity';
import { Event } from '../event.model';
import { EVENT_KEY_SCOPES } from '../events-access';
import { EventsService } from '../events.service';
import { StudySessionItemEntity } from '../study-session-item.entity';

/**
 * Study sessions: events linked to reading-list items. An item shows only to those who may read its
 * list (reading-lists-access.ts, in SQL through whereVisibleTo), an event only to those who may see
 * it (events-access.ts). Both directions are read per request with a constant number of statements.
 */
@Injectable()
export class StudySessionsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ReadingListItemEntity) private readonly items: Repository<ReadingListItemEntity>,
    private readonly events: EventsService,
  ) {}

  /** The reading-list items the caller may see of an event, in list and position order; batched per request. */
  async itemsOf(ctx: RequestContext, eventId: string): Promise<ReadingListItem[]> {
    return ctx
      .loader<string, ReadingListItem[]>('studySessions.items', async (eventIds) => {
        // One prepared statement: the items' own columns with the event they are linked to, lists filtered by what the caller may read.
        const qb = this.items
          .createQueryBuilder('i')
          .innerJoin(ReadingListEntity, 'l', 'l.id = i.listId')
          .innerJoin(StudySessionItemEntity, 's', 's.itemId = i.id')
          .addSelect('s.eventId', 'eventId')
          .where('s.eventId = ANY(:eventIds)', { eventIds })
          .orderBy('l.createdAt', 'ASC')
          .addOrderBy('l.id', 'ASC')
          .addOrderBy('i.position', 'ASC');
        whereVisibleTo(qb, 'l', ctx.actor, LIST_KEY_SCOPES, { published: 'true', sharedWith: LIST_SHARES_SQL });
        const rows = (await rawEntities(qb)) as Array<ReadingListItemEntity & { eventId: string }>;
        return groupByKey(eventIds, rows, (r) => r.eventId).map((rs) => rs.map(toReadingListItem));
      })
      .load(eventId);
  }

  /**
   * Upcoming study sessions of an item the caller may see, soonest first. Items of one page with the
   * same paging arguments share one windowed statement (plus the events' own loader).
   */
  async sessionsOf(ctx: RequestContext, itemId: string, args: PageArgs): Promise<Connection<Event>> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    const cursor = args.after ? decodeCursor(args.after) : null;
    const loader = ctx.loader<string, Connection<Event>>(`studySessions.sessions:${first}:${args.after ?? ''}`, async (itemIds) => {
      const qb = this.dataSource
        .getRepository(EventEntity)
        .createQueryBuilder('e')
        .innerJoin(StudySessionItemEntity, 's', 's.eventId = e.id')
        .select('s.itemId', 'item_id')
        .addSelect('e.id', 'event_id')
        .addSelect('e.startsAt', 'starts_at')
        .addSelect('count(*) OVER (PARTITION BY s.item_id)', 'total')
        .where('s.itemId = ANY(:itemIds)', { itemIds })
        .andWhere('e.endsAt >= :now', { now: new Date() });
      whereVisibleTo(qb, 'e', ctx.actor, EVENT_KEY_SCOPES);
      const [inner, params] = qb.getQueryAndParameters();
      const after = cursor ? `WHERE (x.starts_at, x.event_id) > ($${params.length + 1}::timestamptz, $${params.length + 2}::uuid)` : '';
      const rows: Array<{ item_id: string; event_id: string; starts_at: Date; total: string }> = await this.dataSource.query(
        `SELECT * FROM (
           SELECT x.*, row_number() OVER (PARTITION BY x.item_id ORDER BY x.starts_at, x.event_id) AS rn FROM (${inner}) x ${after}
         ) y WHERE y.rn <= $${params.length + (cursor ? 3 : 1)} ORDER BY y.item_id, y.starts_at, y.event_id`,
        [...params, ...(cursor ? [cursor[0], cursor[1]] : []), first + 1],
      );
      const events = await Promise.all(rows.map((r) => this.events.load(ctx, r.event_id)));
      const eventOf = new Map(rows.map((r, i) => [r.event_id, events[i]]));
      return groupByKey(itemIds, rows, (r) => r.item_id).map((group) =>
        toConnection(
          group.filter((r) => eventOf.get(r.event_id)),
          first,
          (r) => ({ value: new Date(r.starts_at), id: r.event_id }),
          (r) => eventOf.get(r.event_id)!,
          async () => Number(group[0]?.total ?? 0),
          Boolean(cursor),
        ),
      );
    });
    return loader.load(itemId);
  }
}
