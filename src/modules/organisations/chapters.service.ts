import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { findByIds } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { insertWithSlug, slugify, uniqueSlug } from '../../common/validation/slug';
import { ChapterEntity } from './chapter.entity';
import { Chapter, CreateChapterInput, toChapter, UpdateChapterInput } from './chapter.model';
import { MembershipEntity } from './membership.entity';
import { Membership, toMembership } from './membership.model';
import { mayAdministerOrganisation, mayManageChapter } from './organisations-access';
import { OrganisationsService } from './organisations.service';

@Injectable()
export class ChaptersService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ChapterEntity) private readonly chapters: Repository<ChapterEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    private readonly organisations: OrganisationsService,
  ) {}

  /** Chapters are public: by id through the request's loader, null when there is none. */
  load(ctx: RequestContext, id: string): Promise<Chapter | null> {
    return ctx
      .loader<string, Chapter | null>('chapters.byId', async (ids) => {
        const rows = await findByIds(this.chapters, ids);
        return byKey(ids, rows.map(toChapter), (c) => c.id);
      })
      .load(id);
  }

  async require(ctx: RequestContext, id: string): Promise<Chapter> {
    const chapter = await this.load(ctx, id);
    if (!chapter) throw new NotFoundError('Chapter');
    return chapter;
  }

  listForOrganisation(organisationId: string, args: PageArgs): Promise<Connection<Chapter>> {
    return paginate(
      this.chapters.createQueryBuilder('c').where('c.organisationId = :organisationId', { organisationId }),
      args,
      { column: 'c.createdAt', id: 'c.id', direction: 'ASC', valueOf: (c) => ({ value: c.createdAt, id: c.id }) },
      toChapter,
    );
  }

  /** Admins create chapters and become their first ACTIVE ORGANISER. A derived slug taken meanwhile is derived again. */
  async create(ctx: RequestContext, input: CreateChapterInput): Promise<Chapter> {
    await this.organisations.requireVisible(input.organisationId);
    const grants = await ctx.grants();
    if (!mayAdministerOrganisation(grants, input.organisationId)) throw new ForbiddenError('Only admins of the organisation create chapters');
    const chapter = await insertWithSlug(
      input.slug,
      () => uniqueSlug(slugify(input.name), (candidates) => this.takenSlugs(input.organisationId, candidates)),
      (slug) =>
        inTransaction(this.dataSource, async (manager) => {
          const row = await manager.save(
            manager.create(ChapterEntity, {
              organisationId: input.organisationId,
              slug,
              name: input.name,
              description: input.description ?? null,
              city: input.city ?? null,
              country: input.country?.toUpperCase() ?? null,
              timeZone: input.timeZone,
              joinPolicy: input.joinPolicy,
            }),
          );
          await manager.insert(MembershipEntity, { chapterId: row.id, userId: grants.userId!, role: 'ORGANISER', status: 'ACTIVE' });
          return row;
        }),
    );
    ctx.refreshGrants();
    return toChapter(chapter);
  }

  /** Organisers of the chapter and admins edit it. */
  async update(ctx: RequestContext, id: string, input: UpdateChapterInput): Promise<Chapter> {
    const chapter = await this.require(ctx, id);
    if (!mayManageChapter(await ctx.grants(), chapter)) throw new ForbiddenError('Only organisers of the chapter may edit it');
    const changes: Partial<ChapterEntity> = {};
    for (const key of ['name', 'description', 'city', 'timeZone', 'joinPolicy'] as const) {
      if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
    }
    if (input.country !== undefined) changes.country = input.country?.toUpperCase() ?? null;
    if (Object.keys(changes).length) await this.chapters.update({ id }, changes);
    return toChapter(await this.chapters.findOneByOrFail({ id }));
  }

  /** ACTIVE members per chapter, one statement per page. */
  memberCount(ctx: RequestContext, chapterId: string): Promise<number> {
    return ctx
      .loader<string, number>('chapters.memberCount', async (ids) => {
        const rows: Array<{ chapter_id: string; n: number }> = await this.memberships.query(
          `SELECT chapter_id, count(*)::int AS n FROM memberships WHERE chapter_id = ANY($1) AND status = 'ACTIVE' GROUP BY chapter_id`,
          [ids],
        );
        const counts = new Map(rows.map((r) => [r.chapter_id, r.n]));
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(chapterId);
  }

  /** The signed-in caller's own membership of each chapter. */
  async viewerMembership(ctx: RequestContext, chapterId: string): Promise<Membership | null> {
    const userId = (await ctx.grants()).userId;
    if (!userId) return null;
    return ctx
      .loader<string, Membership | null>('chapters.viewerMembership', async (ids) => {
        const rows = await this.memberships.findBy({ userId, chapterId: In([...ids]) });
        return byKey(ids, rows.map(toMembership), (m) => m.chapterId);
      })
      .load(chapterId);
  }

  private async takenSlugs(organisationId: string, candidates: string[]): Promise<Set<string>> {
    const rows = await this.chapters.find({ where: { organisationId, slug: In(candidates) }, select: { slug: true } });
    return new Set(rows.map((r) => r.slug));
  }
}
