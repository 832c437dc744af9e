import { BeforeApplicationShutdown, Injectable, Logger as NestLogger, OnApplicationBootstrap } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger as WorkerLogger, parseCronItems, run, Runner, type CronItem, type Task, type TaskList } from 'graphile-worker';
import { Pool } from 'pg';
import { Settings } from '../config/settings';
import type { JobDefinition } from './job';

/** What a job's handler receives besides its payload. */
export interface JobContext {
  /** graphile-worker's job id: unique per job, stable across its retries. */
  jobId: string;
  attempt: number;
}

export type JobHandler<P> = (payload: P, context: JobContext) => Promise<void>;

/**
 * Runs every registered job handler and cron schedule on graphile-worker, in every instance unless
 * JOBS_ENABLED=false. Feature handlers register themselves in onModuleInit; the runner starts once
 * the app is bootstrapped, so it knows all of them.
 *
 * Why graphile-worker (not pg-boss): `graphile_worker.add_job()` is plain SQL, so a job is added in
 * the very transaction that causes it; workers are woken by LISTEN/NOTIFY instead of polling; cron
 * is built in and fires once across instances; job keys give "at most one pending job per thing".
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new NestLogger('Jobs');
  private readonly tasks: TaskList = {};
  private readonly cron: CronItem[] = [];
  private runner?: Runner;
  private pool?: Pool;
  private stopping?: Promise<void>;

  constructor(private readonly settings: Settings) {}

  /** Registers the handler of `job`; once per job name. */
  register<P extends object>(job: JobDefinition<P>, handler: JobHandler<P>): void {
    if (this.tasks[job.name]) throw new Error(`Job ${job.name} has two handlers`);
    const task: Task = (payload, helpers) => handler(payload as P, { jobId: helpers.job.id, attempt: helpers.job.attempts });
    this.tasks[job.name] = task;
  }

  /**
   * Runs `job` on a cron schedule (`m h dom mon dow`, UTC). graphile-worker records each run in its
   * `known_crontabs`, so with several instances each tick still runs once.
   */
  schedule<P extends object>(job: JobDefinition<P>, match: string, payload: P): void {
    this.cron.push({ task: job.name, match, identifier: job.name, payload: payload as Record<string, unknown>, options: { backfillPeriod: 0, maxAttempts: job.maxAttempts } });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.config.JOBS_ENABLED) return;
    // A pool of its own: long-running jobs never hold the request pool's connections.
    this.pool = new Pool({ connectionString: this.settings.databaseUrl, max: this.settings.config.JOBS_CONCURRENCY + 2, connectionTimeoutMillis: 10_000 });
    // Without a listener an idle connection dropped by a database restart would crash the process; graphile-worker reconnects by itself.
    this.pool.on('error', (error) => this.logger.warn(`job pool connection lost: ${error.message}`));
    this.pool.on('connect', (client) => client.on('error', (error) => this.logger.warn(`job connection error: ${error.message}`)));
    this.runner = await run({
      pgPool: this.pool,
      taskList: this.tasks,
      parsedCronItems: parseCronItems(this.cron),
      concurrency: this.settings.config.JOBS_CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: this.workerLogger(),
    });
  }

  /** graphile-worker's events (job:complete, job:error, …) while the runner runs; for observation and tests. */
  get events(): Runner['events'] | undefined {
    return this.runner?.events;
  }

  /** Lets running jobs finish, then stops the workers and closes their pool. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.runner?.stop();
      await this.pool?.end();
    })();
    return this.stopping;
  }

  /**
   * app.close() stops the workers before Nest's shutdown hooks close the database pools, so running
   * jobs finish on a live connection. Jobs requests enqueue afterwards wait in the queue for the next
   * worker: nothing is lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private workerLogger(): WorkerLogger {
    return new WorkerLogger((scope) => (level, message) => {
      const line = scope.taskIdentifier ? `${scope.taskIdentifier}: ${message}` : message;
      if (level === 'error') this.logger.error(line);
      else if (level === 'warning') this.logger.warn(line);
      else this.logger.debug(line);
    });
  }
}

/**
 * The shutdown hook for background jobs: call it after the HTTP server has drained and before
 * app.close() (running jobs finish first). app.close() calls it too if it was not called.
 */
export async function stopBackgroundJobs(app: INestApplicationContext): Promise<void> {
  await app.get(JobsService).stop();
}
