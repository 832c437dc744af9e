import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../jobs/job';
import { JobsService } from '../jobs/jobs.service';

/** How long a key and its answer are kept. */
export const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * A RUNNING claim older than this belongs to a request whose instance died (no request runs this
 * long), so a retry may take it over; until then a retry gets CONFLICT.
 */
export const IDEMPOTENCY_STALE_SECONDS = 300;

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type Claim = { kind: 'claimed'; claim: string } | { kind: 'replay'; answer: StoredAnswer } | { kind: 'running' } | { kind: 'reused' };

/**
 * Claims (caller, key) atomically across instances with one INSERT … ON CONFLICT: the row is taken
 * when it is new, expired, or a stale RUNNING claim of the same request; otherwise the existing row
 * answers (its stored answer, "still running", or "used for another request").
 */
const CLAIM = `
INSERT INTO idempotency_keys (caller, key, request_hash, state, claim, locked_at, expires_at)
VALUES ($1, $2, $3, 'RUNNING', $4, now(), now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}))
ON CONFLICT (caller, key) DO UPDATE SET
  request_hash = EXCLUDED.request_hash, state = 'RUNNING', claim = EXCLUDED.claim, locked_at = now(),
  expires_at = EXCLUDED.expires_at, status = NULL, headers = NULL, body = NULL
WHERE idempotency_keys.expires_at <= now()
   OR (idempotency_keys.state = 'RUNNING' AND idempotency_keys.request_hash = EXCLUDED.request_hash
       AND idempotency_keys.locked_at < now() - make_interval(secs => ${IDEMPOTENCY_STALE_SECONDS}))
RETURNING claim`;

const sweepIdempotencyKeys = defineJob<Record<string, never>>('idempotency:sweep-keys');

@Injectable()
export class IdempotencyStore {
  constructor(
    private readonly dataSource: DataSource,
    jobs: JobsService,
  ) {
    // Expired keys are forgotten hourly (once across instances); an expired row is also taken over by its next use.
    jobs.register(sweepIdempotencyKeys, () => this.sweep());
    jobs.schedule(sweepIdempotencyKeys, '17 * * * *', {});
  }

  async claim(caller: string, key: string, requestHash: string): Promise<Claim> {
    // Twice at most: the row seen as taken may be swept (or expire) before it is read.
    for (let attempt = 0; attempt < 2; attempt++) {
      const claim = randomUUID();
      const claimed: Array<{ claim: string }> = await this.dataSource.query(CLAIM, [caller, key, requestHash, claim]);
      if (claimed.length) return { kind: 'claimed', claim };
      const [row]: Array<{ request_hash: string; state: string; status: number | null; headers: Record<string, string> | null; body: Buffer | null }> =
        await this.dataSource.query(
          `SELECT request_hash, state, status, headers, body FROM idempotency_keys WHERE caller = $1 AND key = $2 AND expires_at > now()`,
          [caller, key],
        );
      if (!row) continue;
      if (row.request_hash !== requestHash) return { kind: 'reused' };
      if (row.state === 'RUNNING') return { kind: 'running' };
      return { kind: 'replay', answer: { status: row.status!, headers: row.headers ?? {}, body: row.body! } };
    }
    return { kind: 'running' };
  }

  /** Keeps the answer of the request holding `claim`; a request whose claim was taken over writes nothing. */
  async keep(caller: string, key: string, claim: string, answer: StoredAnswer): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'DONE', status = $4, headers = $5, body = $6 WHERE caller = $1 AND key = $2 AND claim = $3`,
      [caller, key, claim, answer.status, JSON.stringify(answer.headers), answer.body],
    );
  }

  /** Frees the key (the request was not run, or failed in a way a retry should run again). */
  async release(caller: string, key: string, claim: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND claim = $3`, [caller, key, claim]);
  }

  async sweep(): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
  }
}
