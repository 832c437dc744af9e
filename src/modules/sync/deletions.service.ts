import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ForbiddenError } from '../../common/errors/domain-error';
import { defineJob } from '../../common/jobs/job';
import { JobsService } from '../../common/jobs/jobs.service';
import type { RequestContext } from '../../common/graphql/request-context';
import { changesFirst } from '../../common/pagination/changes';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { OrganisationsService } from '../organisations/organisations.service';
import { Deletion, DeletionsArgs, toDeletion } from './deletion.model';
import { readableDeletionKinds } from './deletions-access';
import { TOMBSTONE_DAYS, TombstoneEntity } from './tombstone.entity';

const sweepTombstones = defineJob<Record<string, never>>('sync:sweep-tombstones');

@Injectable()
export class DeletionsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(TombstoneEntity) private readonly tombstones: Repository<TombstoneEntity>,
    private readonly organisations: OrganisationsService,
    jobs: JobsService,
  ) {
    // Daily, once across instances: tombstones older than TOMBSTONE_DAYS go.
    jobs.register(sweepTombstones, async () => void (await this.sweep()));
    jobs.schedule(sweepTombstones, '29 4 * * *', {});
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
