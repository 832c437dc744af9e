import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { KeyScopes, whereVisibleTo } from '../../common/access/visibility-sql';
import { CHANGE_HORIZON_SQL } from '../../common/database/change-sequence';
import { prefixQuery } from '../../common/database/full-text';
import { findByIds, preparedQuery } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { emitWebhookEvent } from '../webhooks/emit';
import { petitionPayload } from '../webhooks/payloads';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, groupByKey, RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { ChangesPageArgs, changesFirst } from '../../common/pagination/changes';
import { paginate } from '../../common/pagination/paginate';
import { insertWithSlug, slugify, uniqueSlug } from '../../common/validation/slug';
import { ChaptersService } from '../organisations/chapters.service';
import { OrganisationsService } from '../organisations/organisations.service';
import { CreatePetitionInput, PetitionFilter, PetitionsArgs, UpdatePetitionInput } from './dto/petition.inputs';
import { mayManagePetition, mayReadPetition, mayReadSignatures } from './petition-access';
import { PetitionEntity, PetitionStatus } from './petition.entity';
import { Petition, PublicSignature, Signature, toPetition, toPublicSignature, toSignature } from './petition.model';
import { COUNT_SHARDS, SignatureCountEntity } from './signature-count.entity';
import { SignatureEntity } from './signature.entity';

/**
 * A petition's change key for incremental sync: the latest change xid of its row and of its count
 * shards (see updatedAt below), counting only finished transactions, so the key of a petition can only
 * grow as later transactions commit.
 */
const PETITION_CHANGE_KEY_SQL = `greatest(p.change_xid, (SELECT max(c.change_xid) FROM petition_signature_counts c
  WHERE c.petition_id = p.id AND c.change_xid < ${CHANGE_HORIZON_SQL}))`;

/** The SQL form of mayReadPetition's key rules. */
const PETITION_KEY_SCOPES: KeyScopes = { manage: 'PETITIONS_WRITE', read: ['PETITIONS_READ', 'SIGNATURES_READ', 'SIGNATURES_WRITE'] };

@Injectable()
export class PetitionsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(PetitionEntity) private readonly petitions: Repository<PetitionEntity>,
    @InjectRepository(SignatureEntity) private readonly signatures: Repository<SignatureEntity>,
    private readonly chapters: ChaptersService,
    private readonly organisations: OrganisationsService,
  ) {}

  /** A petition by id through the request's loader; null when it does not exist or the caller may not see it. */
  async load(ctx: RequestContext, id: string): Promise<Petition | null> {
    const petition = await ctx
      .loader<string, Petition | null>('petitions.byId', async (ids) => {
        const rows = await findByIds(this.petitions, ids);
        return byKey(ids, rows.map(toPetition), (p) => p.id);
      })
      .load(id);
    return petition && mayReadPetition(await ctx.grants(), petition) ? petition : null;
  }

  /** By id without the caller's visibility (a confirmation link proves the signer was shown the petition). */
  async byIdUnchecked(id: string): Promise<Petition> {
    return toPetition(await this.petitions.findOneByOrFail({ id }));
  }

  async require(ctx: RequestContext, id: string): Promise<Petition> {
    const petition = await this.load(ctx, id);
    if (!petition) throw new NotFoundError('Petition');
    return petition;
  }

  /** Petitions the caller may see, newest first. */
  list(ctx: RequestContext, args: PetitionsArgs, chapterId?: string): Promise<Connection<Petition>> {
    const qb = this.petitions.createQueryBuilder('p');
    whereVisibleTo(qb, 'p', ctx.actor, PETITION_KEY_SCOPES);
    const filter: PetitionFilter = { ...args.filter, ...(chapterId ? { chapterId } : {}) };
    if (filter.organisationId) qb.andWhere('p.organisationId = :organisationId', { organisationId: filter.organisationId });
    if (filter.chapterId) qb.andWhere('p.chapterId = :chapterId', { chapterId: filter.chapterId });
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    const query = filter.search ? prefixQuery(filter.search) : null;
    if (query) {
      // The same expression as the petitions_search_idx index.
      qb.andWhere(`to_tsvector('simple', p.title || ' ' || p.target || ' ' || p.body) @@ to_tsquery('simple', :query)`, { query });
    }
    if (filter.updatedSince) {
      qb.andWhere(
        '(p.updatedAt >= :updatedSince OR EXISTS (SELECT 1 FROM petition_signature_counts c WHERE c.petition_id = p.id AND c.updated_at >= :updatedSince))',
        { updatedSince: filter.updatedSince },
      );
      qb.addSelect(PETITION_CHANGE_KEY_SQL, 'changeKey');
      const sort = changesFirst(qb, 'p', PETITION_CHANGE_KEY_SQL, (p) => (p as PetitionEntity & { changeKey: string }).changeKey);
      return paginate(qb, args, sort, toPetition);
    }
    return paginate(qb, args, { column: 'p.createdAt', id: 'p.id', direction: 'DESC', valueOf: (p) => ({ value: p.createdAt, id: p.id }) }, toPetition);
  }

  /**
   * The petition's last change: its own row's, or its signature count's when that is later. Signing
   * never writes the petition row: one row updated per signature serialises signers on its lock
   * (measured with 16 concurrent signing transactions on one petition: about 1,400 a second with the
   * shards alone, about 600 with an UPDATE of the petition row added). Signing already updates one of
   * the count shards, whose updated_at the trigger moves, so reading the latest of COUNT_SHARDS small
   * rows costs one index lookup per petition and signing nothing more.
   */
  updatedAt(ctx: RequestContext, petition: Petition): Promise<Date> {
    return ctx
      .loader<string, Date | null>('petitions.countChangedAt', async (ids) => {
        const rows = await preparedQuery<{ petition_id: string; at: Date }>(
          this.dataSource,
          'SELECT petition_id, max(updated_at) AS at FROM petition_signature_counts WHERE petition_id = ANY($1) GROUP BY petition_id',
          [ids],
        );
        return byKey(ids, rows, (r) => r.petition_id).map((r) => r?.at ?? null);
      })
      .load(petition.id)
      .then((countAt) => (countAt && countAt > petition.rowUpdatedAt ? countAt : petition.rowUpdatedAt));
  }

  /** Created as DRAFT with its count shards; chapter petitions by their organisers, organisation-wide ones by admins. */
  async create(ctx: RequestContext, input: CreatePetitionInput): Promise<Petition> {
    await this.organisations.requireVisible(input.organisationId);
    if (input.chapterId) {
      const chapter = await this.chapters.require(ctx, input.chapterId);
      if (chapter.organisationId !== input.organisationId) throw new NotFoundError('Chapter');
    }
    const scope = { organisationId: input.organisationId, chapterId: input.chapterId ?? null };
    if (!mayManagePetition(await ctx.grants(), scope)) {
      throw new ForbiddenError(input.chapterId ? 'Only organisers of the chapter may create its petitions' : 'Only admins create organisation-wide petitions');
    }
    const row = await insertWithSlug(
      input.slug,
      () => uniqueSlug(slugify(input.title), (candidates) => this.takenSlugs(input.organisationId, candidates)),
      (slug) =>
        inTransaction(this.dataSource, async (manager) => {
          const petition = await manager.save(
            manager.create(PetitionEntity, {
              ...scope,
              slug,
              title: input.title,
              target: input.target,
              body: input.body,
              goal: input.goal ?? null,
              closesAt: input.closesAt ?? null,
              visibility: input.visibility,
              status: 'DRAFT',
            }),
          );
          await manager.insert(
            SignatureCountEntity,
            Array.from({ length: COUNT_SHARDS }, (_, shard) => ({ petitionId: petition.id, shard, count: 0 })),
          );
          await emitWebhookEvent(manager, petition.organisationId, 'PETITION_CHANGED', petitionPayload(petition));
          return petition;
        }),
    );
    return toPetition(row);
  }

  async update(ctx: RequestContext, id: string, input: UpdatePetitionInput): Promise<Petition> {
    await this.requireManaged(ctx, id);
    const changes: Partial<PetitionEntity> = {};
    for (const key of ['title', 'target', 'body', 'goal', 'closesAt', 'visibility'] as const) {
      if (input[key] !== undefined) (changes as Record<string, unknown>)[key] = input[key];
    }
    if (!Object.keys(changes).length) return toPetition(await this.petitions.findOneByOrFail({ id }));
    return this.change(id, changes);
  }

  /** Opens a DRAFT or reopens a CLOSED petition; one whose closing time has passed needs a new closesAt first. */
  async open(ctx: RequestContext, id: string): Promise<Petition> {
    const petition = await this.requireManaged(ctx, id);
    if (petition.closesAt && petition.closesAt.getTime() <= Date.now()) {
      throw new ConflictError('The closing time has passed; set a later closesAt first');
    }
    return this.setStatus(id, 'OPEN');
  }

  async close(ctx: RequestContext, id: string): Promise<Petition> {
    await this.requireManaged(ctx, id);
    return this.setStatus(id, 'CLOSED');
  }

  /** Visible to the caller, else NOT_FOUND; managed by the caller, else FORBIDDEN. */
  async requireManaged(ctx: RequestContext, id: string): Promise<Petition> {
    const petition = await this.require(ctx, id);
    if (!mayManagePetition(await ctx.grants(), petition)) throw new ForbiddenError('Only organisers may manage this petition');
    return petition;
  }

  /** Exact: the sum of the petition's count shards, for every petition of a page in one statement. */
  signatureCount(ctx: RequestContext, petitionId: string): Promise<number> {
    return ctx
      .loader<string, number>('petitions.signatureCount', async (ids) => {
        const rows = await preparedQuery<{ petition_id: string; n: number }>(
          this.dataSource,
          'SELECT petition_id, sum(count)::int AS n FROM petition_signature_counts WHERE petition_id = ANY($1) GROUP BY petition_id',
          [ids],
        );
        const counts = new Map(rows.map((r) => [r.petition_id, r.n]));
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(petitionId);
  }

  /** The newest signers who chose to be shown, for every petition of a page in one statement. */
  recentSignatures(ctx: RequestContext, petitionId: string, first: number): Promise<PublicSignature[]> {
    return ctx
      .loader<string, PublicSignature[]>(`petitions.recentSignatures.${first}`, async (ids) => {
        const rows = await preparedQuery<SignatureEntity & { petitionId: string }>(
          this.dataSource,
          `SELECT s.petition_id AS "petitionId", s.full_name AS "fullName", s.country, s.comment, s.created_at AS "createdAt"
             FROM unnest($1::uuid[]) AS p(id)
             CROSS JOIN LATERAL (
               SELECT * FROM signatures s WHERE s.petition_id = p.id AND s.display_publicly AND s.confirmed_at IS NOT NULL ORDER BY s.confirmed_at DESC, s.id DESC LIMIT $2
             ) s`,
          [ids, first],
        );
        return groupByKey(ids, rows, (r) => r.petitionId).map((list) => list.map(toPublicSignature));
      })
      .load(petitionId);
  }

  /** Newest first; FORBIDDEN at this field for anyone but organisers, admins and SIGNATURES_READ keys. */
  async signaturesOf(ctx: RequestContext, petition: Petition, args: ChangesPageArgs): Promise<Connection<Signature>> {
    if (!mayReadSignatures(await ctx.grants(), petition)) throw new ForbiddenError("Only the petition's organisers may see who signed");
    // Only confirmed signatures are listed, in both orders.
    const qb = this.signatures.createQueryBuilder('s').where('s.petitionId = :petitionId AND s.confirmedAt IS NOT NULL', { petitionId: petition.id });
    if (args.updatedSince) {
      qb.andWhere('s.updatedAt >= :updatedSince', { updatedSince: args.updatedSince });
      return paginate(qb, args, changesFirst(qb, 's'), toSignature);
    }
    return paginate(qb, args, { column: 's.createdAt', id: 's.id', direction: 'DESC', valueOf: (s) => ({ value: s.createdAt, id: s.id }) }, toSignature);
  }

  private setStatus(id: string, status: PetitionStatus): Promise<Petition> {
    return this.change(id, { status });
  }

  /** Writes the change and its PETITION_CHANGED message in one transaction. */
  private async change(id: string, changes: Partial<PetitionEntity>): Promise<Petition> {
    const row = await inTransaction(this.dataSource, async (manager) => {
      await manager.update(PetitionEntity, { id }, changes);
      const petition = await manager.findOneByOrFail(PetitionEntity, { id });
      await emitWebhookEvent(manager, petition.organisationId, 'PETITION_CHANGED', petitionPayload(petition));
      return petition;
    });
    return toPetition(row);
  }

  private async takenSlugs(organisationId: string, candidates: string[]): Promise<Set<string>> {
    const rows = await this.petitions.find({ where: { organisationId, slug: In(candidates) }, select: { slug: true } });
    return new Set(rows.map((r) => r.slug));
  }
}
