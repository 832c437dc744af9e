import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Settings } from '../../common/config/settings';
import { preparedQuery } from '../../common/database/raw-reads';
import { ConflictError, ForbiddenError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { SignPetitionInput } from './dto/petition.inputs';
import { Petition } from './petition.model';
import { PetitionsService } from './petitions.service';
import { COUNT_SHARDS } from './signature-count.entity';

/**
 * One statement, so one implicit transaction: it inserts the signature only while the petition is
 * OPEN and before closesAt, ignores a repeated email, and adds one to a random count shard only when
 * a row was inserted. The consent wording recorded is the organisation's newest, else the default.
 */
const SIGN = `
WITH open AS (
  SELECT id, organisation_id FROM petitions WHERE id = $1 AND status = 'OPEN' AND (closes_at IS NULL OR closes_at > now())
), added AS (
  INSERT INTO signatures (petition_id, full_name, email, postcode, country, comment, display_publicly, contact_consent, consent_wording_id, consented_at, source)
  SELECT open.id, $2, $3, $4, $5, $6, $7, $8,
         CASE WHEN $8 THEN (SELECT w.id FROM consent_wordings w WHERE w.organisation_id = open.organisation_id OR w.organisation_id IS NULL
                            ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1) END,
         CASE WHEN $8 THEN now() END, $9
    FROM open
  ON CONFLICT (petition_id, email) DO NOTHING
  RETURNING petition_id
), counted AS (
  UPDATE petition_signature_counts c SET count = c.count + 1 FROM added WHERE c.petition_id = added.petition_id AND c.shard = $10
  RETURNING c.petition_id
)
SELECT EXISTS (SELECT 1 FROM open) AS open, EXISTS (SELECT 1 FROM counted) AS added`;

@Injectable()
export class SigningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly petitions: PetitionsService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
  ) {}

  /**
   * Anyone signs an OPEN petition they may see. Signing again changes nothing and answers the same,
   * so the answer never tells whether an email had signed. Returns whether a signature was added.
   */
  async sign(ctx: RequestContext, input: SignPetitionInput): Promise<{ petition: Petition; added: boolean }> {
    await this.limit(ctx);
    const petition = await this.petitions.require(ctx, input.petitionId);
    if (ctx.actor.kind === 'apiKey' && ctx.actor.organisationId !== petition.organisationId) {
      throw new ForbiddenError("An API key signs only its organisation's petitions");
    }
    const [result] = await preparedQuery<{ open: boolean; added: boolean }>(this.dataSource, SIGN, [
      petition.id,
      input.fullName,
      input.email,
      input.postcode || null,
      input.country?.toUpperCase() ?? null,
      input.comment || null,
      input.displayPublicly,
      input.contactConsent,
      input.source || null,
      randomInt(COUNT_SHARDS),
    ]);
    if (!result.open) throw new ConflictError('This petition is not open for signatures');
    return { petition, added: result.added };
  }

  /** Per API key for SIGNATURES_WRITE keys, per client IP (a minute and an hour window) for everyone else. */
  private async limit(ctx: RequestContext): Promise<void> {
    const config = this.settings.config;
    if (ctx.actor.kind === 'apiKey') {
      await this.rateLimiter.consume({ name: 'sign-key', points: config.RATE_LIMIT_SIGN_KEY_PER_MINUTE, durationSeconds: 60 }, ctx.actor.apiKeyId);
      return;
    }
    await this.rateLimiter.consume({ name: 'sign-ip-minute', points: config.RATE_LIMIT_SIGN_PER_MINUTE, durationSeconds: 60 }, ctx.ip);
    await this.rateLimiter.consume({ name: 'sign-ip-hour', points: config.RATE_LIMIT_SIGN_PER_HOUR, durationSeconds: 3600 }, ctx.ip);
  }
}
