import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../common/database/raw-reads';
import { ForbiddenError } from '../../common/errors/domain-error';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { mayKeepReadingStatus, STATUS_COUNTS_SQL } from './reading-lists-access';
import { ReadingList, ReadingListItem, ReadingProgress } from './reading-list.model';
import { ReadingListItemsService } from './reading-list-items.service';
import { ReadingListsService } from './reading-lists.service';
import { ReadingStatus, ReadingStatusEntity } from './reading-status.entity';

/** Members' own reading statuses: private to each member; lists show only counts of people who may read them now. */
@Injectable()
export class ReadingStatusesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lists: ReadingListsService,
    private readonly items: ReadingListItemsService,
  ) {}

  /** Members who may read the list set their own status; null clears it. */
  async set(ctx: RequestContext, itemId: string, status: ReadingStatus | null): Promise<ReadingListItem> {
    const item = await this.items.require(ctx, itemId);
    const list = (await this.lists.load(ctx, item.listId))!;
    const grants = await ctx.grants();
    if (!mayKeepReadingStatus(grants, list, await this.lists.sharedWithIds(ctx, list.id))) throw new ForbiddenError('Only members keep a reading status');
    const userId = grants.userId!;
    if (status) {
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(ReadingStatusEntity)
        .values({ userId, itemId: item.id, status })
        .orUpdate(['status', 'updated_at'], ['user_id', 'item_id'])
        .execute();
    } else {
      await this.dataSource.getRepository(ReadingStatusEntity).delete({ userId, itemId: item.id });
    }
    return item;
  }

  /** The caller's own status, never anyone else's. */
  viewerStatus(ctx: RequestContext, item: ReadingListItem): ReadingStatus | null | Promise<ReadingStatus | null> {
    if (item.known) return item.known.viewerStatus;
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    if (!userId) return null;
    return ctx
      .loader<string, ReadingStatus | null>('readingLists.viewerStatus', async (ids) => {
        const rows = await preparedQuery<{ item_id: string; status: ReadingStatus }>(
          this.dataSource,
          'SELECT item_id, status FROM reading_statuses WHERE user_id = $1 AND item_id = ANY($2)',
          [userId, ids],
        );
        return byKey(ids, rows, (r) => r.item_id).map((r) => r?.status ?? null);
      })
      .load(item.id);
  }

  /** How many people who may read the list now have marked each item READ (an item from a list page already knows). */
  readCount(ctx: RequestContext, item: ReadingListItem): number | Promise<number> {
    if (item.known) return item.known.readCount;
    return ctx
      .loader<string, number>('readingLists.readCount', async (ids) => {
        const rows = await preparedQuery<{ item_id: string; n: number }>(
          this.dataSource,
          `SELECT s.item_id, count(*)::int AS n
             FROM reading_statuses s JOIN reading_list_items i ON i.id = s.item_id JOIN reading_lists l ON l.id = i.list_id
            WHERE s.item_id = ANY($1) AND s.status = 'READ' AND ${STATUS_COUNTS_SQL}
            GROUP BY s.item_id`,
          [ids],
        );
        const counts = new Map(rows.map((r) => [r.item_id, r.n]));
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(item.id);
  }

  /** The caller's own progress through each list. */
  async viewerProgress(ctx: RequestContext, list: ReadingList): Promise<ReadingProgress | null> {
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    if (!userId) return null;
    const counts = await ctx
      .loader<string, { read: number; reading: number }>('readingLists.viewerProgress', async (ids) => {
        const rows = await preparedQuery<{ list_id: string; read: number; reading: number }>(
          this.dataSource,
          `SELECT i.list_id, count(*) FILTER (WHERE s.status = 'READ')::int AS read, count(*) FILTER (WHERE s.status = 'READING')::int AS reading
             FROM reading_statuses s JOIN reading_list_items i ON i.id = s.item_id
            WHERE s.user_id = $1 AND i.list_id = ANY($2) GROUP BY i.list_id`,
          [userId, ids],
        );
        return byKey(ids, rows, (r) => r.list_id).map((r) => ({ read: r?.read ?? 0, reading: r?.reading ?? 0 }));
      })
      .load(list.id);
    return { ...counts, total: list.itemCount };
  }
}
