import type { EntityManager } from 'typeorm';

/**
 * A kind of background work: a name (graphile-worker's task identifier) and its payload type.
 * Declared once beside its handler (`<feature>/jobs/<name>.job.ts`) and enqueued by that value,
 * so a payload can't be enqueued under the wrong name.
 */
export interface JobDefinition<P> {
  readonly name: string;
  /** Attempts before the job is given up (graphile-worker retries with exponential backoff: e^attempt seconds, capped at e^10). */
  readonly maxAttempts: number;
  /** Type-level only: ties the payload type to the definition. */
  readonly payloadType?: P;
}

/** Names as graphile-worker accepts them in crontabs too: `feature:job-name`. */
const NAME = /^[_a-zA-Z][_a-zA-Z0-9:/_-]*$/;

export function defineJob<P extends object>(name: string, options: { maxAttempts?: number } = {}): JobDefinition<P> {
  if (!NAME.test(name)) throw new Error(`Invalid job name ${name}`);
  return { name, maxAttempts: options.maxAttempts ?? 12 };
}

export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  /**
   * At most one pending job per key: enqueueing again replaces the pending one's payload and run time
   * (graphile-worker's job keys), e.g. one reminder per attendance.
   */
  jobKey?: string;
  /** `preserve_run_at` keeps the pending job's run time when replacing it. */
  jobKeyMode?: 'replace' | 'preserve_run_at';
  /** Jobs of one queue run one at a time, in order. Keep the number of queue names small. */
  queue?: string;
}

/**
 * Adds a job inside the caller's transaction: it exists only if that transaction commits, and a
 * worker is woken by graphile-worker's NOTIFY at commit. `manager` is the transaction's, never the
 * global one.
 */
export async function enqueue<P extends object>(manager: EntityManager, job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<void> {
  await manager.query(`SELECT graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, max_attempts => $5, job_key => $6, job_key_mode => $7)`, [
    job.name,
    JSON.stringify(payload),
    options.queue ?? null,
    options.runAt ?? null,
    job.maxAttempts,
    options.jobKey ?? null,
    options.jobKeyMode ?? 'replace',
  ]);
}
