import { Injectable } from '@nestjs/common';
import { Settings } from '../../common/config/settings';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../common/database/raw-reads';
import { BadInputError, ConflictError, ForbiddenError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { SignPetitionInput } from './dto/petition.inputs';
import { Petition } from './petition.model';
import { PetitionsService } from './petitions.service';
import { SignatureBatcher, SigningMode } from './signature-batcher';
import { SignatureCountNotifier } from './signature-count.notifier';

@Injectable()
export class SigningService {
  constructor(
    private readonly batcher: SignatureBatcher,
    private readonly petitions: PetitionsService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
    private readonly countNotifier: SignatureCountNotifier,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Anyone signs an OPEN petition they may see. The answer and the request's work never depend on
   * whether the address has signed, is awaiting confirmation or is new: an anonymous signature (or
   * one with an address not the signed-in user's own verified one) is only queued, and the job writes
   * to the address (a confirmation link, a reminder of it, or an "already signed" note). Verified
   * users signing with their own address and SIGNATURES_WRITE keys count at once. Returns whether a
   * signature was newly counted.
   */
  async sign(ctx: RequestContext, input: SignPetitionInput): Promise<{ petition: Petition; added: boolean }> {
    const [, petition, mode] = await Promise.all([this.limit(ctx), this.petitions.require(ctx, input.petitionId), this.modeFor(ctx, input.email)]);
    if (ctx.actor.kind === 'apiKey' && ctx.actor.organisationId !== petition.organisationId) {
      throw new ForbiddenError("An API key signs only its organisation's petitions");
    }
    if (input.consentWordingId) await this.requireWording(petition.organisationId, input.consentWordingId);
    const signature = {
      petitionId: petition.id,
      fullName: input.fullName,
      email: input.email,
      postcode: input.postcode || null,
      country: input.country?.toUpperCase() ?? null,
      comment: input.comment || null,
      displayPublicly: input.displayPublicly,
      contactConsent: input.contactConsent,
      consentWordingId: input.contactConsent ? (input.consentWordingId ?? null) : null,
      source: input.source || null,
    };
    const result = await this.batcher.add(signature, mode, ctx.deadline);
    if (!result.open) throw new ConflictError('This petition is not open for signatures');
    if (result.added) this.countNotifier.changed(petition.id);
    return { petition, added: result.added };
  }

  /** Confirmed at once for SIGNATURES_WRITE keys and for a signed-in user's own verified address; pending otherwise. */
  private async modeFor(ctx: RequestContext, email: string): Promise<SigningMode> {
    if (ctx.actor.kind === 'apiKey') return 'confirmed';
    if (ctx.actor.kind !== 'user') return 'pending';
    const [user] = await preparedQuery<{ email: string }>(this.dataSource, 'SELECT email FROM users WHERE id = $1 AND email_verified_at IS NOT NULL', [
      ctx.actor.userId,
    ]);
    return user?.email === email ? 'confirmed' : 'pending';
  }

  /** The wording shown must be a version of the petition's organisation (or the platform default). */
  private async requireWording(organisationId: string, wordingId: string): Promise<void> {
    const [found] = await preparedQuery<{ id: string }>(
      this.dataSource,
      'SELECT id FROM consent_wordings WHERE id = $1 AND (organisation_id = $2 OR organisation_id IS NULL)',
      [wordingId, organisationId],
    );
    if (!found) throw new BadInputError({ consentWordingId: "is not a consent wording of the petition's organisation" });
  }

  /** Per API key for SIGNATURES_WRITE keys, per client IP (a minute and an hour window) for everyone else. */
  private async limit(ctx: RequestContext): Promise<void> {
    const config = this.settings.config;
    if (ctx.actor.kind === 'apiKey') {
      await this.rateLimiter.consume({ name: 'sign-key', points: config.RATE_LIMIT_SIGN_KEY_PER_MINUTE, durationSeconds: 60 }, ctx.actor.apiKeyId);
      return;
    }
    await Promise.all([
      this.rateLimiter.consume({ name: 'sign-ip-minute', points: config.RATE_LIMIT_SIGN_PER_MINUTE, durationSeconds: 60 }, ctx.ip),
      this.rateLimiter.consume({ name: 'sign-ip-hour', points: config.RATE_LIMIT_SIGN_PER_HOUR, durationSeconds: 3600 }, ctx.ip),
    ]);
  }
}
