import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { findByIds, preparedQuery, selectColumns } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, NotFoundError } from '../../common/errors/domain-error';
import { groupByKey, RequestContext } from '../../common/graphql/request-context';
import { toIsbn13 } from '../../common/validation/isbn';
import { ReadingListItemInput, UpdateReadingListItemInput } from './dto/reading-list.inputs';
import { STATUS_COUNTS_SQL } from './reading-lists-access';
import { ReadingListItemEntity } from './reading-list-item.entity';
import { ReadingList, ReadingListItem, toReadingListItem } from './reading-list.model';
import { lockList, ReadingListsService } from './reading-lists.service';
import type { ReadingStatus } from './reading-status.entity';

/** The items of reading lists: ordered 1..n, edited by whoever manages the list. */
@Injectable()
export class ReadingListItemsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ReadingListItemEntity) private readonly items: Repository<ReadingListItemEntity>,
    private readonly lists: ReadingListsService,
  ) {}

  /** At `position` (1..n+1, default the end): the items from there on move down one. */
  async add(ctx: RequestContext, listId: string, input: ReadingListItemInput, position: number | null | undefined): Promise<ReadingListItem> {
    await this.lists.requireManaged(ctx, listId);
    const row = await inTransaction(this.dataSource, async (manager) => {
      const list = await lockList(manager, listId);
      const at = position ?? list.itemCount + 1;
      if (at > list.itemCount + 1) throw new BadInputError({ position: `must be between 1 and ${list.itemCount + 1}` });
      await manager.query('UPDATE reading_list_items SET position = position + 1 WHERE list_id = $1 AND position >= $2', [listId, at]);
      const item = await manager.save(manager.create(ReadingListItemEntity, { listId, position: at, ...itemColumns(input) }));
      await manager.query('UPDATE reading_lists SET item_count = item_count + 1, updated_at = now() WHERE id = $1', [listId]);
      return item;
    });
    return toReadingListItem(row);
  }

  async update(ctx: RequestContext, itemId: string, input: UpdateReadingListItemInput): Promise<ReadingListItem> {
    const item = await this.requireManaged(ctx, itemId);
    const changes = itemColumns(input);
    if (Object.keys(changes).length) await this.items.update({ id: item.id }, changes);
    return toReadingListItem(await this.items.findOneByOrFail({ id: item.id }));
  }

  /** The items after it move up one. */
  async remove(ctx: RequestContext, itemId: string): Promise<boolean> {
    const item = await this.requireManaged(ctx, itemId);
    await inTransaction(this.dataSource, async (manager) => {
      await lockList(manager, item.listId);
      // TypeORM answers a DELETE with [rows, rowCount], not with the rows
      const [rows] = (await manager.query('DELETE FROM reading_list_items WHERE id = $1 RETURNING position', [item.id])) as [
        Array<{ position: number }>,
        number,
      ];
      const deleted = rows[0];
      if (!deleted) return; // removed meanwhile
      await manager.query('UPDATE reading_list_items SET position = position - 1 WHERE list_id = $1 AND position > $2', [item.listId, deleted.position]);
      await manager.query('UPDATE reading_lists SET item_count = item_count - 1, updated_at = now() WHERE id = $1', [item.listId]);
    });
    return true;
  }

  /** To `position` (1..n); the items in between shift by one. */
  async move(ctx: RequestContext, itemId: string, position: number): Promise<ReadingList> {
    const item = await this.requireManaged(ctx, itemId);
    await inTransaction(this.dataSource, async (manager) => {
      const list = await lockList(manager, item.listId);
      if (position > list.itemCount) throw new BadInputError({ position: `must be between 1 and ${list.itemCount}` });
      const current = await manager.findOneBy(ReadingListItemEntity, { id: item.id });
      if (!current) throw new NotFoundError('Reading list item');
      const from = current.position;
      if (from === position) return;
      if (from < position) {
        await manager.query('UPDATE reading_list_items SET position = position - 1 WHERE list_id = $1 AND position > $2 AND position <= $3', [
          list.id,
          from,
          position,
        ]);
      } else {
        await manager.query('UPDATE reading_list_items SET position = position + 1 WHERE list_id = $1 AND position >= $2 AND position < $3', [
          list.id,
          position,
          from,
        ]);
      }
      await manager.query('UPDATE reading_list_items SET position = $2, updated_at = now() WHERE id = $1', [item.id, position]);
      await manager.query('UPDATE reading_lists SET updated_at = now() WHERE id = $1', [list.id]);
    });
    return this.lists.reload(item.listId);
  }

  /**
   * Items of each list, in order of position, for every list of a page in one statement, which also
   * brings each item's READ count (of people who may keep a status on the list now) and the caller's
   * own status, so a long list costs no more statements.
   */
  itemsOf(ctx: RequestContext, listId: string): Promise<ReadingListItem[]> {
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    return ctx
      .loader<string, ReadingListItem[]>('readingLists.items', async (ids) => {
        const rows = await preparedQuery<ReadingListItemEntity & { viewerStatus: ReadingStatus | null; readCount: number }>(
          this.dataSource,
          `SELECT ${selectColumns(this.items.metadata, 'i')},
                  (SELECT s.status FROM reading_statuses s WHERE s.item_id = i.id AND s.user_id = $2) AS "viewerStatus",
                  (SELECT count(*)::int FROM reading_statuses s WHERE s.item_id = i.id AND s.status = 'READ' AND ${STATUS_COUNTS_SQL}) AS "readCount"
             FROM reading_list_items i JOIN reading_lists l ON l.id = i.list_id
            WHERE i.list_id = ANY($1) ORDER BY i.list_id, i.position`,
          [ids, userId],
        );
        const items = rows.map((row) => ({ ...toReadingListItem(row), known: { viewerStatus: row.viewerStatus, readCount: row.readCount } }));
        return groupByKey(ids, items, (i) => i.listId);
      })
      .load(listId);
  }

  /** An item whose list the caller may read, else NOT_FOUND. */
  async require(ctx: RequestContext, itemId: string): Promise<ReadingListItem> {
    const [row] = await findByIds(this.items, [itemId]);
    if (!row || !(await this.lists.load(ctx, row.listId))) throw new NotFoundError('Reading list item');
    return toReadingListItem(row);
  }

  /** Readable, else NOT_FOUND; its list managed by the caller, else FORBIDDEN. */
  private async requireManaged(ctx: RequestContext, itemId: string): Promise<ReadingListItem> {
    const item = await this.require(ctx, itemId);
    await this.lists.requireManaged(ctx, item.listId);
    return item;
  }
}

/** The columns an item input sets; ISBNs are stored as ISBN-13. */
function itemColumns(input: UpdateReadingListItemInput): Partial<ReadingListItemEntity> {
  const columns: Partial<ReadingListItemEntity> = {};
  for (const key of ['kind', 'title', 'authors', 'url', 'year', 'note', 'discussionQuestions'] as const) {
    if (input[key] !== undefined) (columns as Record<string, unknown>)[key] = input[key];
  }
  if (input.isbn !== undefined) columns.isbn = input.isbn === null ? null : toIsbn13(input.isbn);
  return columns;
}
