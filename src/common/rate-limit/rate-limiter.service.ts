import { Injectable, OnModuleDestroy } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { Settings } from '../config/settings';
import { createDatabasePool, requestPoolOptions } from '../database/pools';
import { RateLimitedError } from '../errors/domain-error';
import { batchTotals, Hit, Limit, Spent, spentPerHit } from './rate-limit-batch';

export type { Limit } from './rate-limit-batch';

const NOW_MS = `floor(extract(epoch from now()) * 1000)::bigint`;

/**
 * Adds each key's points (a new window starts when the old one has expired) and returns the totals.
 * Keys are sorted by the caller, so concurrent batches lock rows in the same order.
 */
const SPEND = `
INSERT INTO rate_limits (key, points, expire)
SELECT k, p, ${NOW_MS} + d * 1000 FROM unnest($1::text[], $2::int[], $3::int[]) AS t(k, p, d)
ON CONFLICT (key) DO UPDATE SET
  points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= ${NOW_MS} THEN EXCLUDED.points ELSE rate_limits.points + EXCLUDED.points END,
  expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= ${NOW_MS} THEN EXCLUDED.expire ELSE rate_limits.expire END
RETURNING key, points, (expire - ${NOW_MS})::int AS ms_left`;

/**
 * Fixed-window limits shared by every instance through the `rate_limits` table.
 *
 * A busy client's counter is one hot row. Two things keep it cheap: the hits of one turn of the event
 * loop (across requests) are added in one statement, and the limiter's own small pool commits
 * asynchronously (a lost millisecond of counts after a crash is harmless; a row lock held through a
 * WAL flush per request would serialise every request of that client).
 */
@Injectable()
export class RateLimiterService implements OnModuleDestroy {
  private readonly pool: Pool;
  private readonly hits = new DataLoader<Hit, Spent>((hits) => this.spend(hits), {
    cache: false,
    maxBatchSize: 1000,
    batchScheduleFn: (flush) => setImmediate(flush),
  });
  private readonly sweeper: NodeJS.Timeout;

  constructor(settings: Settings) {
    // Supervised like every pool: a PostgreSQL restart ends its idle connections without ending the process.
    this.pool = createDatabasePool({
      ...requestPoolOptions(settings.config),
      connectionString: settings.databaseUrl,
      application_name: 'marea-rate-limit',
      max: 4,
      options: '-c synchronous_commit=off',
    });
    // Expired windows are forgotten now and then.
    this.sweeper = setInterval(
      () => void this.pool.query(`DELETE FROM rate_limits WHERE expire < ${NOW_MS} - 3600000`).catch(() => undefined),
      600_000,
    ).unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await this.pool.end();
  }

  /** Spends one point of `limit` for `key`; throws RATE_LIMITED with retryAfterSeconds when over. Each call counts. */
  async consume(limit: Limit, key: string): Promise<void> {
    const { spent, msBeforeReset } = await this.hits.load({ limit, key });
    if (spent > limit.points) throw new RateLimitedError(msBeforeReset / 1000);
  }

  /**
   * Throws RATE_LIMITED when `key` has already spent all points of `limit` in its window, without
   * spending one: for limits that count only failures (spent later with `consume`).
   */
  async assertNotExhausted(limit: Limit, key: string): Promise<void> {
    const { rows } = await this.pool.query<{ points: number; ms_left: number }>({
      name: 'rate-limits-peek',
      text: `SELECT points, (expire - ${NOW_MS})::int AS ms_left FROM rate_limits WHERE key = $1 AND expire > ${NOW_MS}`,
      values: [`${limit.name}:${key}`],
    });
    const row = rows[0];
    if (row && row.points >= limit.points) throw new RateLimitedError(Math.max(1, row.ms_left) / 1000);
  }

  /** Forgets what `key` has spent of `limit` (e.g. login failures after a password reset). */
  async reset(limit: Pick<Limit, 'name'>, key: string): Promise<void> {
    await this.pool.query({ name: 'rate-limits-reset', text: 'DELETE FROM rate_limits WHERE key = $1', values: [`${limit.name}:${key}`] });
  }

  private async spend(hits: readonly Hit[]): Promise<Spent[]> {
    const batch = batchTotals(hits);
    const { rows } = await this.pool.query<{ key: string; points: number; ms_left: number }>({
      name: 'rate-limits-spend',
      text: SPEND,
      values: [batch.keys, batch.points, batch.durations],
    });
    return spentPerHit(hits, batch, rows);
  }
}
