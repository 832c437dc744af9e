import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { DRAIN_SIGNATURE_INBOX_ATTEMPTS, DRAIN_SIGNATURE_INBOX_JOB, RECEIVE_SIGNATURE_ATTEMPTS, RECEIVE_SIGNATURE_JOB } from '../signature-batcher';

/** Asked for by SignatureBatcher after each batch of anonymous signatures (debounced), and every minute by cron (rows a crash left behind). */
export const drainSignatureInbox = defineJob<Record<string, never>>(DRAIN_SIGNATURE_INBOX_JOB, { maxAttempts: DRAIN_SIGNATURE_INBOX_ATTEMPTS });

/** Rows moved per transaction. */
export const DRAIN_BATCH = 500;

/**
 * Up to $1 of the oldest inbox rows, in ONE statement (so one transaction): each becomes a
 * RECEIVE_SIGNATURE_JOB job with the payload signPetition gave it, and the rows are deleted. SKIP
 * LOCKED lets concurrent drains take different rows; a row is either still in the inbox or queued,
 * never both and never neither. One NOTIFY per drained batch instead of one per signing statement.
 */
export const DRAIN_STATEMENT = `
WITH taken AS (
  DELETE FROM signature_inbox WHERE id IN (SELECT id FROM signature_inbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, payload
), queued AS (
  SELECT 1 FROM graphile_worker.add_jobs(ARRAY(
    SELECT ('${RECEIVE_SIGNATURE_JOB}', payload::json, NULL, NULL, ${RECEIVE_SIGNATURE_ATTEMPTS}::smallint, NULL, NULL, NULL)::graphile_worker.job_spec FROM taken ORDER BY id
  ))
)
SELECT (SELECT count(*) FROM taken)::int AS moved, (SELECT count(*) FROM queued)::int AS queued`;

/** Moves the signature inbox into per-signature jobs (retries and mail as for any RECEIVE_SIGNATURE_JOB), until it is empty. */
@Injectable()
export class DrainSignatureInboxJob {
  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(drainSignatureInbox, async () => {
      await this.drain();
    });
    jobs.schedule(drainSignatureInbox, '* * * * *', {});
  }

  /** Returns how many rows were moved. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ moved }] = await this.dataSource.query(DRAIN_STATEMENT, [DRAIN_BATCH]);
      total += moved;
      if (moved < DRAIN_BATCH) return total;
    }
  }
}
