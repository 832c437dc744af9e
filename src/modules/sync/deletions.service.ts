import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ForbiddenError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { changesFirst } from '../../common/pagination/changes';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { OrganisationsService } from '../organisations/organisations.service';
import { Deletion, DeletionsArgs, toDeletion } from './deletion.model';
import { readableDeletionKinds } from './deletions-access';
import { TOMBSTONE_DAYS, TombstoneEntity } from './tombstone.entity';

/** How often each instance forgets tombstones older than TOMBSTONE_DAYS; a few hours late is harmless. */
const SWEEP_INTERVAL_MS = 6 * 3600_000;

@Injectable()
export class DeletionsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DeletionsService.name);
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(TombstoneEntity) private readonly tombstones: Repository<TombstoneEntity>,
    private readonly organisations: OrganisationsService,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep().catch((error: Error) => this.logger.warn({ error: error.message }, 'tombstone sweep failed')), SWEEP_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * The organisation's tombstones since an instant that the caller may see, oldest first, with a
   * cursor that never skips one committed late (the same change order as updatedSince lists).
   */
  async list(ctx: RequestContext, args: DeletionsArgs): Promise<Connection<Deletion>> {
    await this.organisations.requireVisible(args.organisationId);
    const kinds = readableDeletionKinds(await ctx.grants(), args.organisationId);
    if (!kinds) throw new ForbiddenError("Only admins and the organisation's API keys may list its deletions");
    const qb = this.tombstones
      .createQueryBuilder('t')
      .where('t.organisationId = :organisationId', { organisationId: args.organisationId })
      .andWhere('t.kind = ANY(:kinds)', { kinds })
      .andWhere('t.deletedAt >= :since', { since: args.since });
    return paginate(qb, args, changesFirst(qb, 't'), toDeletion);
  }

  /** Forgets tombstones older than TOMBSTONE_DAYS; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.dataSource.query(`DELETE FROM tombstones WHERE deleted_at < now() - make_interval(days => $1)`, [TOMBSTONE_DAYS]);
    return (result as [unknown, number])[1] ?? 0;
  }
}
