import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { findByIds } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { byKey, groupByKey, RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { insertWithSlug, slugify, uniqueSlug } from '../../common/validation/slug';
import { toUser, User } from '../users/user.model';
import { OrganisationAdminEntity } from './organisation-admin.entity';
import { OrganisationEntity } from './organisation.entity';
import { CreateOrganisationInput, Organisation, toOrganisation } from './organisation.model';
import { mayAdministerOrganisation } from './organisations-access';

@Injectable()
export class OrganisationsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
  ) {}

  /** Organisations are public: by id through the request's loader. */
  async load(ctx: RequestContext, id: string): Promise<Organisation> {
    const organisation = await ctx
      .loader<string, Organisation | null>('organisations.byId', async (ids) => {
        const rows = await findByIds(this.organisations, ids);
        return byKey(ids, rows.map(toOrganisation), (o) => o.id);
      })
      .load(id);
    if (!organisation) throw new NotFoundError('Organisation');
    return organisation;
  }

  async requireVisible(id: string): Promise<OrganisationEntity> {
    const organisation = await this.organisations.findOneBy({ id });
    if (!organisation) throw new NotFoundError('Organisation');
    return organisation;
  }

  async findBySlug(slug: string): Promise<Organisation | null> {
    const row = await this.organisations.findOneBy({ slug: slug.trim().toLowerCase() });
    return row ? toOrganisation(row) : null;
  }

  list(args: PageArgs): Promise<Connection<Organisation>> {
    return paginate(
      this.organisations.createQueryBuilder('o'),
      args,
      { column: 'o.createdAt', id: 'o.id', direction: 'ASC', valueOf: (o) => ({ value: o.createdAt, id: o.id }) },
      toOrganisation,
    );
  }

  /** The creator becomes the first ADMIN. A derived slug taken meanwhile by a concurrent creation is derived again. */
  async create(ctx: RequestContext, input: CreateOrganisationInput): Promise<Organisation> {
    const userId = (await ctx.grants()).userId!;
    const organisation = await insertWithSlug(
      input.slug,
      () => uniqueSlug(slugify(input.name), (candidates) => this.takenSlugs(candidates)),
      (slug) =>
        inTransaction(this.dataSource, async (manager) => {
          const row = await manager.save(manager.create(OrganisationEntity, { slug, name: input.name, description: input.description ?? null }));
          await manager.insert(OrganisationAdminEntity, { organisationId: row.id, userId });
          return row;
        }),
    );
    ctx.refreshGrants();
    return toOrganisation(organisation);
  }

  /** An organisation always keeps at least one admin. */
  async removeAdmin(ctx: RequestContext, organisationId: string, userId: string): Promise<Organisation> {
    const organisation = await this.requireAdministered(ctx, organisationId);
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM organisations WHERE id = $1 FOR UPDATE', [organisationId]);
      const admins: Array<{ user_id: string }> = await manager.query('SELECT user_id FROM organisation_admins WHERE organisation_id = $1', [organisationId]);
      if (!admins.some((a) => a.user_id === userId)) throw new NotFoundError('Admin');
      if (admins.length === 1) throw new ConflictError('An organisation must keep at least one admin');
      await manager.delete(OrganisationAdminEntity, { organisationId, userId });
    });
    ctx.refreshGrants();
    return toOrganisation(organisation);
  }

  /** An organisation the caller administers: NOT_FOUND when there is none, FORBIDDEN when it is someone else's (organisations are public). */
  async requireAdministered(ctx: RequestContext, organisationId: string): Promise<OrganisationEntity> {
    const organisation = await this.requireVisible(organisationId);
    if (!mayAdministerOrganisation(await ctx.grants(), organisationId)) throw new ForbiddenError('Only admins of the organisation may do this');
    return organisation;
  }

  /** `Organisation.admins`, oldest first: admins only (FORBIDDEN at the field otherwise). One statement per page of organisations. */
  async admins(ctx: RequestContext, organisation: Organisation): Promise<User[]> {
    if (!mayAdministerOrganisation(await ctx.grants(), organisation.id)) throw new ForbiddenError('Only admins of the organisation see its admins');
    return ctx
      .loader<string, User[]>('organisations.admins', async (ids) => {
        const rows = await this.dataSource
          .getRepository(OrganisationAdminEntity)
          .find({ where: { organisationId: In([...ids]) }, relations: { user: true }, order: { createdAt: 'ASC', userId: 'ASC' } });
        return groupByKey(ids, rows, (r) => r.organisationId).map((admins) => admins.map((a) => toUser(a.user!)));
      })
      .load(organisation.id);
  }

  private async takenSlugs(candidates: string[]): Promise<Set<string>> {
    const rows = await this.organisations.find({ where: { slug: In(candidates) }, select: { slug: true } });
    return new Set(rows.map((r) => r.slug));
  }
}
