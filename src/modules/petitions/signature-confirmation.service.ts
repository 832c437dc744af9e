import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError } from '../../common/errors/domain-error';
import { defineJob } from '../../common/jobs/job';
import { JobsService } from '../../common/jobs/jobs.service';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { emitWebhookEvent } from '../webhooks/emit';
import { signaturePayload } from '../webhooks/payloads';
import type { PetitionEntity } from './petition.entity';
import { SignatureEntity } from './signature.entity';
import { COUNT_SHARDS } from './signature-count.entity';
import { SignatureCountNotifier } from './signature-count.notifier';

export class InvalidSignatureLinkError extends BadInputError {
  constructor() {
    super({ token: 'This link is invalid or has expired' });
  }
}

/** How long after a petition closes its unconfirmed signatures and their links live. */
const GRACE_MS = 24 * 3600_000;

/**
 * DESIGN.md: a signature link is reusable until 24 hours after the petition closes. A petition
 * without a closing time may be closed by hand at any time: its links live a year, and the sweep
 * (which deletes the unconfirmed signatures a day after a manual close) ends them earlier.
 */
export function signatureLinkExpiry(petition: Pick<PetitionEntity, 'closesAt'>): Date {
  return petition.closesAt ? new Date(petition.closesAt.getTime() + GRACE_MS) : new Date(Date.now() + 365 * 24 * 3600_000);
}

/**
 * The instant a petition stopped taking signatures, in SQL: its closing time, or, for one closed by
 * hand, its last change (closing is the last change a CLOSED petition gets that matters here).
 */
const CLOSED_AT = `least(p.closes_at, CASE WHEN p.status = 'CLOSED' THEN p.updated_at END)`;

/** Deletes unconfirmed signatures 24 hours after their petition closed. */
const sweepUnconfirmedSignatures = defineJob<Record<string, never>>('petitions:sweep-unconfirmed-signatures');

/** Double opt-in: the emailed link confirms a pending signature, which then counts, exactly once. */
@Injectable()
export class SignatureConfirmationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: EmailTokensService,
    private readonly countNotifier: SignatureCountNotifier,
    jobs: JobsService,
  ) {
    jobs.register(sweepUnconfirmedSignatures, async () => {
      await this.sweep();
    });
    jobs.schedule(sweepUnconfirmedSignatures, '17 * * * *', {});
  }

  /**
   * Confirms the signature the token was sent for and returns its petition's id. The row lock of the
   * UPDATE makes concurrent confirmations of one signature count it once; confirming again is
   * harmless (the token is reusable until it expires).
   */
  async confirm(token: string): Promise<string> {
    const { petitionId, counted } = await inTransaction(this.dataSource, async (manager) => {
      const link = await this.tokens.spend(manager, 'signature', token, { reusable: true });
      if (!link) throw new InvalidSignatureLinkError();
      const { signatureId, petitionId } = link.data as { signatureId: string; petitionId: string };
      const [live] = await manager.query(
        `SELECT s.confirmed_at FROM signatures s JOIN petitions p ON p.id = s.petition_id
          WHERE s.id = $1 AND (${CLOSED_AT} IS NULL OR ${CLOSED_AT} > now() - interval '24 hours')`,
        [signatureId],
      );
      if (!live) throw new InvalidSignatureLinkError();
      return { petitionId, counted: await this.markConfirmed(manager, signatureId, petitionId) };
    });
    if (counted) this.countNotifier.changed(petitionId);
    return petitionId;
  }

  /** Confirms a stored signature by id (what following its link does, once the link is checked); false when it was already confirmed or is gone. */
  async confirmById(signatureId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT petition_id FROM signatures WHERE id = $1`, [signatureId]);
    if (!row) return false;
    const counted = await inTransaction(this.dataSource, (manager) => this.markConfirmed(manager, signatureId, row.petition_id));
    if (counted) this.countNotifier.changed(row.petition_id);
    return counted;
  }

  /** Sets confirmedAt and moves one count shard, in the caller's transaction; the row lock makes it happen once. */
  private async markConfirmed(manager: EntityManager, signatureId: string, petitionId: string): Promise<boolean> {
    // A SELECT around the UPDATE: a bare UPDATE's result through TypeORM is [rows, count], never empty.
    const [{ n }] = await manager.query(
      `WITH updated AS (UPDATE signatures SET confirmed_at = now() WHERE id = $1 AND confirmed_at IS NULL RETURNING 1) SELECT count(*)::int AS n FROM updated`,
      [signatureId],
    );
    if (n === 0) return false;
    await manager.query(`UPDATE petition_signature_counts SET count = count + 1 WHERE petition_id = $1 AND shard = $2`, [petitionId, randomInt(COUNT_SHARDS)]);
    const signature = await manager.findOneByOrFail(SignatureEntity, { id: signatureId });
    const [{ organisation_id }] = await manager.query(`SELECT organisation_id FROM petitions WHERE id = $1`, [petitionId]);
    await emitWebhookEvent(manager, organisation_id, 'SIGNATURE_CONFIRMED', signaturePayload(signature));
    return true;
  }

  /** Whether the token is a live signature link (the page's GET; reads only). */
  async isLive(token: string): Promise<boolean> {
    const link = await this.tokens.peek('signature', token);
    if (!link) return false;
    const [row] = await this.dataSource.query(`SELECT 1 FROM signatures WHERE id = $1`, [(link.data as { signatureId: string }).signatureId]);
    return Boolean(row);
  }

  /**
   * Unconfirmed signatures of petitions closed more than 24 hours ago: deleted (they never counted).
   * No tombstones: partners never saw them (sync feeds and webhooks carry confirmed signatures only).
   */
  async sweep(): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `WITH deleted AS (
         DELETE FROM signatures s USING petitions p
          WHERE s.petition_id = p.id AND s.confirmed_at IS NULL AND ${CLOSED_AT} < now() - interval '24 hours'
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM deleted`,
    );
    return n;
  }
}
