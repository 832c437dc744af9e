import { Injectable, OnModuleDestroy } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { Settings } from '../config/settings';
import { createDatabasePool, requestPoolOptions } from '../database/pools';
import { RateLimitedError } from '../errors/domain-error';

export interface Limit {
  /** Names the counter, e.g. `login-ip`. */
  name: string;
  points: number;
  durationSeconds: number;
}

interface Hit {
  limit: Limit;
  key: string;
}

interface Spent {
  /** Points spent in the window, this hit included. */
  spent: number;
  msBeforeReset: number;
}

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
    this.sweeper = setInterval(() => void this.pool.query(`DELETE FROM rate_limits WHERE expire < ${NOW_MS} - 3600000`).catch(() => undefined), 600_000).unref();
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

  private async spend(hits: readonly Hit[]): Promise<Spent[]> {
    const rowKey = (hit: Hit) => `${hit.limit.name}:${hit.key}`;
    const totals = new Map<string, { points: number; duration: number }>();
    for (const hit of hits) {
      const row = totals.get(rowKey(hit)) ?? { points: 0, duration: hit.limit.durationSeconds };
      row.points += 1;
      totals.set(rowKey(hit), row);
    }
    const keys = [...totals.keys()].sort();
    const { rows } = await this.pool.query<{ key: string; points: number; ms_left: number }>({
      name: 'rate-limits-spend',
      text: SPEND,
      values: [keys, keys.map((k) => totals.get(k)!.points), keys.map((k) => totals.get(k)!.duration)],
    });
    // Within one key, hits are ranked in arrival order after what was spent before this batch.
    const before = new Map(rows.map((r) => [r.key, { spent: r.points - totals.get(r.key)!.points, msLeft: r.ms_left }]));
    return hits.map((hit) => {
      const row = before.get(rowKey(hit))!;
      row.spent += 1;
      return { spent: row.spent, msBeforeReset: Math.max(1, row.msLeft) };
    });
  }
}
