import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { whereVisibleTo } from '../../common/access/visibility-sql';
import { prefixQuery } from '../../common/database/full-text';
import { findByIds, preparedQuery } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, groupByKey, RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { ChaptersService } from '../organisations/chapters.service';
import { CreateReadingListInput, ReadingListsArgs, UpdateReadingListInput } from './dto/reading-list.inputs';
import { LIST_KEY_SCOPES, LIST_SHARES_SQL, mayManageList, mayReadList, mayShareWith } from './reading-lists-access';
import { ReadingListShareEntity } from './reading-list-share.entity';
import { ReadingListEntity } from './reading-list.entity';
import { recordDeletion } from '../sync/record-deletion';
import { ReadingList, toReadingList } from './reading-list.model';

/** Every change to a list's items locks the list row first: positions stay 1..n under concurrency. */
export async function lockList(manager: EntityManager, id: string): Promise<ReadingListEntity> {
  const list = await manager.findOne(ReadingListEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!list) throw new NotFoundError('Reading list');
  return list;
}

/** Reading lists themselves: reading, listing, editing, sharing and forking. Items and statuses have their own services. */
@Injectable()
export class ReadingListsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ReadingListEntity) private readonly lists: Repository<ReadingListEntity>,
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
    whereVisibleTo(qb, 'l', ctx.actor, LIST_KEY_SCOPES, { published: 'true', sharedWith: LIST_SHARES_SQL });
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
      this.lists.create({
        chapterId: chapter.id,
        organisationId: chapter.organisationId,
        title: input.title,
        description: input.description ?? null,
        visibility: input.visibility,
      }),
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
    const list = await this.requireManaged(ctx, id);
    await inTransaction(this.dataSource, async (manager) => {
      await manager.delete(ReadingListEntity, { id });
      await recordDeletion(manager, list.organisationId, 'READING_LIST', id);
    });
    return true;
  }

  /** Members of `chapterId` may read the list (see mayShareWith for which chapters). */
  async share(ctx: RequestContext, listId: string, chapterId: string): Promise<ReadingList> {
    const list = await this.requireManaged(ctx, listId);
    const chapter = await this.chapters.require(ctx, chapterId);
    if (chapter.id === list.chapterId) throw new BadInputError({ chapterId: 'is the chapter that owns the list' });
    if (!mayShareWith(await ctx.grants(), list, chapter)) {
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

  /** A list as its row says now (after its items changed). */
  async reload(id: string): Promise<ReadingList> {
    return toReadingList(await this.lists.findOneByOrFail({ id }));
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
}
