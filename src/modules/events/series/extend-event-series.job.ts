import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../common/database/transaction';
import { defineJob } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { materialise } from './event-series.service';

/** Daily: every series gets the occurrences that came within its horizon (idempotent, see materialise). */
export const extendEventSeries = defineJob<Record<string, never>>('events:extend-series', { maxAttempts: 3 });

/** 03:10 UTC, a quiet hour in Europe and the Americas. */
export const EXTEND_EVENT_SERIES_CRON = '10 3 * * *';

@Injectable()
export class ExtendEventSeriesJob {
  private readonly logger = new Logger('EventSeries');

  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(extendEventSeries, () => this.run(new Date()).then(() => undefined));
    jobs.schedule(extendEventSeries, EXTEND_EVENT_SERIES_CRON, {});
  }

  /** One short transaction per series, so one broken series never holds back the others. Returns how many occurrences were added. */
  async run(now: Date): Promise<number> {
    const ids: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM event_series ORDER BY id`);
    let added = 0;
    for (const { id } of ids) {
      try {
        added += await inTransaction(this.dataSource, (manager) => materialise(manager, id, now));
      } catch (error) {
        this.logger.error(`series ${id} could not be extended: ${(error as Error).message}`);
      }
    }
    return added;
  }
}
