import { Injectable } from '@nestjs/common';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { RateLimitedError } from '../errors/domain-error';

export interface Limit {
  /** Names the counter, e.g. `login-ip`. */
  name: string;
  points: number;
  durationSeconds: number;
}

/** Fixed-window limits shared by every instance through the `rate_limits` table. */
@Injectable()
export class RateLimiterService {
  private readonly limiters = new Map<string, RateLimiterPostgres>();

  constructor(private readonly dataSource: DataSource) {}

  /** Spends `points` of `limit` for `key`; throws RATE_LIMITED with retryAfterSeconds when over. */
  async consume(limit: Limit, key: string, points = 1): Promise<void> {
    try {
      await this.limiter(limit).consume(key, points);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(rejection.msBeforeNext / 1000);
      throw rejection;
    }
  }

  private limiter(limit: Limit): RateLimiterPostgres {
    const id = `${limit.name}:${limit.points}:${limit.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        storeClient: (this.dataSource.driver as unknown as { master: unknown }).master,
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: limit.name,
        points: limit.points,
        duration: limit.durationSeconds,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
