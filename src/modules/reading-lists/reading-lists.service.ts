import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { KeyScopes, whereVisibleTo } from '../../common/access/visibility-sql';
import { prefixQuery } from '../../common/database/full-text';
import { findByIds, preparedQuery, selectColumns } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, groupByKey, RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { toIsbn13 } from '../../common/validation/isbn';
import { ChaptersService } from '../organisations/chapters.service';
import {
  CreateReadingListInput,
  ReadingListItemInput,
  ReadingListsArgs,
  UpdateReadingListInput,
  UpdateReadingListItemInput,
} from './dto/reading-list.inputs';
import { mayManageList, mayReadList } from './reading-list-access';
import { ReadingListItemEntity } from './reading-list-item.entity';
import { ReadingListShareEntity } from './reading-list-share.entity';
import { ReadingListEntity } from './reading-list.entity';
import { ReadingList, ReadingListItem, ReadingProgress, toReadingList, toReadingListItem } from './reading-list.model';
import { ReadingStatus, ReadingStatusEntity } from './reading-status.entity';

/** The SQL form of mayReadList's key rules and shares. */
const LIST_KEY_SCOPES: KeyScopes = { manage: 'READING_LISTS_WRITE', read: ['READING_LISTS_READ'] };
const SHARED = 'SELECT 1 FROM reading_list_shares shared WHERE shared.list_id = l.id';

@Injectable()
export class ReadingListsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ReadingListEntity) private readonly lists: Repository<ReadingListEntity>,
    @InjectRepository(ReadingListItemEntity) private readonly items: Repository<ReadingListItemEntity>,
    private readonly chapters: ChaptersService,
  ) {}

  /** A list by id; null when it does not exist or the caller may not read it. */
  async load(ctx: RequestContext, id: string): Promise<ReadingList | null> {
    const list = await ctx
      .loader<string, ReadingList | null>('readingLists.byId', async (ids) => byKey(ids, (await findByIds(this.lists, ids)).map(toReadingList), (l) => l.id))
      .load(id);
    if (!list) return null;
    return mayReadList(await ctx.grants(), list, await this.sharedWithIds(ctx, list.id)) ? list : null;
  }

  async require(ctx: RequestContext, id: string): Promise<ReadingList> {
    const list = await this.load(ctx, id);
    if (!list) throw new NotFoundError('Reading list');
    return list;
  }

  /** Readable, else NOT_FOUND; editable by the caller, else FORBIDDEN. */
  async requireManaged(ctx: RequestContext, id: string): Promise<ReadingList> {
    const list = await this.require(ctx, id);
    if (!mayManageList(await ctx.grants(), list)) throw new ForbiddenError('Only organisers of the chapter may edit its reading lists');
    return list;
  }

  /** Lists the caller may read, newest first; `search` matches title and description, or an item's title or authors. */
  list(ctx: RequestContext, args: ReadingListsArgs, chapterId?: string): Promise<Connection<ReadingList>> {
    const qb = this.lists.createQueryBuilder('l');
    whereVisibleTo(qb, 'l', ctx.actor, LIST_KEY_SCOPES, { published: 'true', sharedWith: SHARED });
    const filter = { ...args.filter, ...(chapterId ? { chapterId } : {}) };
    if (filter.organisationId) qb.andWhere('l.organisationId = :organisationId', { organisationId: filter.organisationId });
    if (filter.chapterId) qb.andWhere('l.chapterId = :chapterId', { chapterId: filter.chapterId });
    const query = filter.search ? prefixQuery(filter.search) : null;
    if (query) {
      qb.andWhere(
        `(to_tsvector('simple', l.title || ' ' || coalesce(l.description, '')) @@ to_tsquery('simple', :query)
          OR EXISTS (SELECT 1 FROM reading_list_items i WHERE i.list_id = l.id
                      AND to_tsvector('simple', i.title || ' ' || array_to_string(i.authors, ' ')) @@ to_tsquery('simple', :query)))`,
        { query },
      );
    }
    return paginate(qb, args, { column: 'l.createdAt', id: 'l.id', direction: 'DESC', valueOf: (l) => ({ value: l.createdAt, id: l.id }) }, toReadingList);
  }

  async create(ctx: RequestContext, input: CreateReadingListInput): Promise<ReadingList> {
    const chapter = await this.chapters.require(ctx, input.chapterId);
    if (!mayManageList(await ctx.grants(), { chapterId: chapter.id, organisationId: chapter.organisationId })) {
      throw new ForbiddenError('Only organisers of the chapter may create its reading lists');
    }
    const row = await this.lists.save(
      this.lists.create({ chapterId: chapter.id, organisationId: chapter.organisationId, title: input.title, description: input.description ?? null, visibility: input.visibility }),
    );
    return toReadingList(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdateReadingListInput): Promise<ReadingList> {
    await this.requireManaged(ctx, id);
    const changes: Partial<ReadingListEntity> = {};
    for (const key of ['title', 'description', 'visibility'] as const) {
      if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
    }
    if (Object.keys(changes).length) await this.lists.update({ id }, changes);
    return toReadingList(await this.lists.findOneByOrFail({ id }));
  }

  /** Items, shares and members' statuses go with it; forks keep their copies. */
  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    await this.requireManaged(ctx, id);
    await this.lists.delete({ id });
    return true;
  }

  /** At `position` (1..n+1, default the end): the items from there on move down one. */
  async addItem(ctx: RequestContext, listId: string, input: ReadingListItemInput, position: number | null | undefined): Promise<ReadingListItem> {
    await this.requireManaged(ctx, listId);
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

  async updateItem(ctx: RequestContext, itemId: string, input: UpdateReadingListItemInput): Promise<ReadingListItem> {
    const item = await this.requireManagedItem(ctx, itemId);
    const changes = itemColumns(input);
    if (Object.keys(changes).length) await this.items.update({ id: item.id }, changes);
    return toReadingListItem(await this.items.findOneByOrFail({ id: item.id }));
  }

  /** The items after it move up one. */
  async removeItem(ctx: RequestContext, itemId: string): Promise<boolean> {
    const item = await this.requireManagedItem(ctx, itemId);
    await inTransaction(this.dataSource, async (manager) => {
      await lockList(manager, item.listId);
      // TypeORM answers a DELETE with [rows, rowCount], not with the rows
      const [rows] = (await manager.query('DELETE FROM reading_list_items WHERE id = $1 RETURNING position', [item.id])) as [Array<{ position: number }>, number];
      const deleted = rows[0];
      if (!deleted) return; // removed meanwhile
      await manager.query('UPDATE reading_list_items SET position = position - 1 WHERE list_id = $1 AND position > $2', [item.listId, deleted.position]);
      await manager.query('UPDATE reading_lists SET item_count = item_count - 1, updated_at = now() WHERE id = $1', [item.listId]);
    });
    return true;
  }

  /** To `position` (1..n); the items in between shift by one. */
  async moveItem(ctx: RequestContext, itemId: string, position: number): Promise<ReadingList> {
    const item = await this.requireManagedItem(ctx, itemId);
    await inTransaction(this.dataSource, async (manager) => {
      const list = await lockList(manager, item.listId);
      if (position > list.itemCount) throw new BadInputError({ position: `must be between 1 and ${list.itemCount}` });
      const current = await manager.findOneBy(ReadingListItemEntity, { id: item.id });
      if (!current) throw new NotFoundError('Reading list item');
      const from = current.position;
      if (from === position) return;
      if (from < position) {
        await manager.query('UPDATE reading_list_items SET position = position - 1 WHERE list_id = $1 AND position > $2 AND position <= $3', [list.id, from, position]);
      } else {
        await manager.query('UPDATE reading_list_items SET position = position + 1 WHERE list_id = $1 AND position >= $2 AND position < $3', [list.id, position, from]);
      }
      await manager.query('UPDATE reading_list_items SET position = $2, updated_at = now() WHERE id = $1', [item.id, position]);
      await manager.query('UPDATE reading_lists SET updated_at = now() WHERE id = $1', [list.id]);
    });
    return toReadingList(await this.lists.findOneByOrFail({ id: item.listId }));
  }

  /**
   * Members of `chapterId` may read the list. Any chapter of the list's organisation; a chapter of
   * another organisation only when the caller organises that chapter too (or administers it).
   */
  async share(ctx: RequestContext, listId: string, chapterId: string): Promise<ReadingList> {
    const list = await this.requireManaged(ctx, listId);
    const chapter = await this.chapters.require(ctx, chapterId);
    if (chapter.id === list.chapterId) throw new BadInputError({ chapterId: 'is the chapter that owns the list' });
    if (chapter.organisationId !== list.organisationId && !(await ctx.grants()).isOrganiser(chapter)) {
      throw new ForbiddenError("Lists are shared with another organisation's chapter only by someone who organises it");
    }
    await this.dataSource.createQueryBuilder().insert().into(ReadingListShareEntity).values({ listId, chapterId }).orIgnore().execute();
    this.forgetShares(ctx, listId);
    return list;
  }

  async unshare(ctx: RequestContext, listId: string, chapterId: string): Promise<ReadingList> {
    const list = await this.requireManaged(ctx, listId);
    await this.dataSource.getRepository(ReadingListShareEntity).delete({ listId, chapterId });
    this.forgetShares(ctx, listId);
    return list;
  }

  /** A copy of the list and its items in a chapter the caller organises; the copy points back with forkedFrom. */
  async fork(ctx: RequestContext, listId: string, chapterId: string): Promise<ReadingList> {
    const source = await this.require(ctx, listId);
    const chapter = await this.chapters.require(ctx, chapterId);
    if (!mayManageList(await ctx.grants(), { chapterId: chapter.id, organisationId: chapter.organisationId })) {
      throw new ForbiddenError('Lists are forked into a chapter you organise');
    }
    const row = await inTransaction(this.dataSource, async (manager) => {
      await lockList(manager, source.id); // a consistent copy of the items
      const copy = await manager.save(
        manager.create(ReadingListEntity, {
          chapterId: chapter.id,
          organisationId: chapter.organisationId,
          title: source.title,
          description: source.description,
          visibility: source.visibility,
          forkedFromId: source.id,
        }),
      );
      await manager.query(
        `INSERT INTO reading_list_items (list_id, position, kind, title, authors, url, isbn, year, note, discussion_questions)
         SELECT $2, position, kind, title, authors, url, isbn, year, note, discussion_questions FROM reading_list_items WHERE list_id = $1`,
        [source.id, copy.id],
      );
      await manager.query('UPDATE reading_lists SET item_count = (SELECT count(*) FROM reading_list_items WHERE list_id = $1) WHERE id = $1', [copy.id]);
      return manager.findOneByOrFail(ReadingListEntity, { id: copy.id });
    });
    return toReadingList(row);
  }

  /** Members who may read the list set their own status; null clears it. */
  async setStatus(ctx: RequestContext, itemId: string, status: ReadingStatus | null): Promise<ReadingListItem> {
    const item = await this.requireItem(ctx, itemId);
    const list = (await this.load(ctx, item.listId))!;
    const grants = await ctx.grants();
    const readers = [list.chapterId, ...(await this.sharedWithIds(ctx, list.id))];
    const belongs = readers.some((id) => grants.isActiveMember(id)) || grants.activeOrganisationIds().includes(list.organisationId) || grants.isAdmin(list.organisationId);
    if (!belongs) throw new ForbiddenError('Only members keep a reading status');
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

  /**
   * Items of each list, in order of position, for every list of a page in one statement, which also
   * brings each item's READ count and the caller's own status (so a long list costs no more statements).
   */
  itemsOf(ctx: RequestContext, listId: string): Promise<ReadingListItem[]> {
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    return ctx
      .loader<string, ReadingListItem[]>('readingLists.items', async (ids) => {
        const rows = await preparedQuery<ReadingListItemEntity & { viewerStatus: ReadingStatus | null; readCount: number }>(
          this.dataSource,
          `SELECT ${selectColumns(this.items.metadata, 'i')},
                  (SELECT s.status FROM reading_statuses s WHERE s.item_id = i.id AND s.user_id = $2) AS "viewerStatus",
                  (SELECT count(*)::int FROM reading_statuses s WHERE s.item_id = i.id AND s.status = 'READ') AS "readCount"
             FROM reading_list_items i WHERE i.list_id = ANY($1) ORDER BY i.list_id, i.position`,
          [ids, userId],
        );
        const items = rows.map((row) => ({ ...toReadingListItem(row), known: { viewerStatus: row.viewerStatus, readCount: row.readCount } }));
        return groupByKey(ids, items, (i) => i.listId);
      })
      .load(listId);
  }

  sharedWithIds(ctx: RequestContext, listId: string): Promise<string[]> {
    return this.sharesLoader(ctx).load(listId);
  }

  /** After a share changes, this request reads the list's shares again. */
  private forgetShares(ctx: RequestContext, listId: string): void {
    this.sharesLoader(ctx).clear(listId);
  }

  private sharesLoader(ctx: RequestContext) {
    return ctx.loader<string, string[]>('readingLists.sharedWith', async (ids) => {
        const rows = await preparedQuery<{ list_id: string; chapter_id: string }>(
          this.dataSource,
          'SELECT list_id, chapter_id FROM reading_list_shares WHERE list_id = ANY($1) ORDER BY created_at',
          [ids],
        );
        return groupByKey(ids, rows, (r) => r.list_id).map((rs) => rs.map((r) => r.chapter_id));
    });
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

  /** How many members have marked each item READ. */
  readCount(ctx: RequestContext, item: ReadingListItem): number | Promise<number> {
    if (item.known) return item.known.readCount;
    return ctx
      .loader<string, number>('readingLists.readCount', async (ids) => {
        const rows = await preparedQuery<{ item_id: string; n: number }>(
          this.dataSource,
          `SELECT item_id, count(*)::int AS n FROM reading_statuses WHERE item_id = ANY($1) AND status = 'READ' GROUP BY item_id`,
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

  /** An item whose list the caller may read, else NOT_FOUND. */
  private async requireItem(ctx: RequestContext, itemId: string): Promise<ReadingListItem> {
    const [row] = await findByIds(this.items, [itemId]);
    if (!row || !(await this.load(ctx, row.listId))) throw new NotFoundError('Reading list item');
    return toReadingListItem(row);
  }

  private async requireManagedItem(ctx: RequestContext, itemId: string): Promise<ReadingListItem> {
    const item = await this.requireItem(ctx, itemId);
    await this.requireManaged(ctx, item.listId);
    return item;
  }
}

/** Every change to a list's items locks the list row first: positions stay 1..n under concurrency. */
async function lockList(manager: EntityManager, id: string): Promise<ReadingListEntity> {
  const list = await manager.findOne(ReadingListEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!list) throw new NotFoundError('Reading list');
  return list;
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
