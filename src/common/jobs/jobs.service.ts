import { BeforeApplicationShutdown, Injectable, Logger as NestLogger, OnApplicationBootstrap } from '@nestjs/common';
import { Logger as WorkerLogger, parseCronItems, run, Runner, type CronItem, type Task, type TaskList } from 'graphile-worker';
import type { Pool } from 'pg';
import { Settings } from '../config/settings';
import { createDatabasePool } from '../database/pools';
import { Lifecycle } from '../lifecycle/lifecycle';
import { RestartBackoff } from '../lifecycle/restart-backoff';
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
  private restarts = 0;
  private readonly backoff = new RestartBackoff(1000, 30_000);

  constructor(
    private readonly settings: Settings,
    private readonly lifecycle: Lifecycle,
  ) {}

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
    this.cron.push({
      task: job.name,
      match,
      identifier: job.name,
      payload: payload as Record<string, unknown>,
      options: { backfillPeriod: 0, maxAttempts: job.maxAttempts },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.config.JOBS_ENABLED) return;
    // A supervised pool of its own: long-running jobs never hold the request pool's connections, and a
    // database restart drops its connections without ending the process (graphile-worker reconnects).
    this.pool = createDatabasePool({
      connectionString: this.settings.databaseUrl,
      application_name: 'marea-jobs',
      max: this.settings.config.JOBS_CONCURRENCY + 2,
      connectionTimeoutMillis: 10_000,
    });
    // Shutdown stops the workers after the HTTP drain and before the pools close.
    this.lifecycle.registerBackgroundWorker('jobs', () => this.stop());
    await this.startRunner();
  }

  /**
   * graphile-worker stops its pool for good when it cannot record a job's outcome (a database outage
   * longer than its retries); the runner is then started again, with backoff, until the app stops —
   * so jobs resume by themselves once the database is back, and the failure is never unhandled.
   */
  private async startRunner(): Promise<void> {
    const startedAt = Date.now();
    try {
      this.runner = await run({
        pgPool: this.pool,
        taskList: this.tasks,
        parsedCronItems: parseCronItems(this.cron),
        concurrency: this.settings.config.JOBS_CONCURRENCY,
        noHandleSignals: true,
        pollInterval: 2000,
        logger: this.workerLogger(),
      });
    } catch (error) {
      if (!this.stopping && this.restarts > 0) return this.restartRunner(error, startedAt);
      throw error;
    }
    this.runner.promise.then(
      () => this.restartRunner(new Error('the job runner stopped'), startedAt),
      (error: unknown) => this.restartRunner(error, startedAt),
    );
  }

  private restartRunner(error: unknown, startedAt: number): void {
    if (this.stopping) return;
    const delay = this.backoff.next(Date.now() - startedAt);
    this.restarts++;
    this.logger.warn(`job runner failed (${(error as Error).message ?? String(error)}); starting it again in ${delay} ms`);
    setTimeout(() => void this.startRunner(), delay).unref();
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
