import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { sha256 } from '../auth/secrets';
import { defineJob } from '../jobs/job';
import { JobsService } from '../jobs/jobs.service';
import { EmailTokenEntity } from './email-token.entity';
import type { LinkKind } from './link-kind';

/** DESIGN.md's lifetimes of emailed tokens, in seconds. */
export const TOKEN_LIFETIME = {
  verifyEmail: 24 * 3600,
  resetPassword: 3600,
  changeEmail: 24 * 3600,
} as const;

export interface IssueToken {
  kind: LinkKind;
  email: string;
  userId?: string | null;
  data?: Record<string, unknown>;
  expiresAt: Date;
}

export interface SpendOptions {
  /** Reusable tokens (signature confirmation, unsubscribe) are not marked used. */
  reusable?: boolean;
}

const sweepEmailTokens = defineJob<Record<string, never>>('links:sweep-email-tokens');

/**
 * Every emailed link's token: 32 random bytes (base64url) handed out once, stored as SHA-256, bound
 * to a kind so a token of one kind never works as another.
 */
@Injectable()
export class EmailTokensService {
  constructor(
    private readonly dataSource: DataSource,
    jobs: JobsService,
  ) {
    jobs.register(sweepEmailTokens, async () => {
      // Kept a day past expiry or use, so a late click still finds "this link has expired or was used".
      await this.dataSource.query(`DELETE FROM email_tokens WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '1 day'`);
    });
    jobs.schedule(sweepEmailTokens, '41 * * * *', {});
  }

  /** Stores a new token in the caller's transaction and returns it (the only time it exists in clear). */
  async issue(manager: EntityManager, input: IssueToken): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.query(`INSERT INTO email_tokens (kind, token_hash, email, user_id, data, expires_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`, [
      input.kind,
      sha256(token),
      input.email,
      input.userId ?? null,
      JSON.stringify(input.data ?? {}),
      input.expiresAt,
    ]);
    return token;
  }

  /** The live token of this kind, read only (link pages' GET); null when unknown, spent or expired. */
  async peek(kind: LinkKind, token: string): Promise<EmailTokenEntity | null> {
    const row = await this.dataSource.getRepository(EmailTokenEntity).findOneBy({ tokenHash: sha256(token), kind });
    return row && isLive(row) ? row : null;
  }

  /** Locks the live token of this kind and spends it (unless reusable); null when unknown, spent or expired. */
  async spend(manager: EntityManager, kind: LinkKind, token: string, options: SpendOptions = {}): Promise<EmailTokenEntity | null> {
    if (typeof token !== 'string' || token.length > 100) return null;
    const row = await manager.findOne(EmailTokenEntity, { where: { tokenHash: sha256(token), kind }, lock: { mode: 'pessimistic_write' } });
    if (!row || !isLive(row)) return null;
    if (!options.reusable) await manager.update(EmailTokenEntity, { id: row.id }, { usedAt: new Date() });
    return row;
  }

  /** Spends every other live token of `kind` for the same user (a newer reset link makes older ones useless). */
  async spendOthers(manager: EntityManager, kind: LinkKind, userId: string): Promise<void> {
    await manager.query(`UPDATE email_tokens SET used_at = now() WHERE kind = $1 AND user_id = $2 AND used_at IS NULL`, [kind, userId]);
  }
}

function isLive(row: EmailTokenEntity): boolean {
  return !row.usedAt && row.expiresAt.getTime() > Date.now();
}
