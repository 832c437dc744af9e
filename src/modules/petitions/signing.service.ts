import { Injectable } from '@nestjs/common';
import { Settings } from '../../common/config/settings';
import { ConflictError, ForbiddenError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { SignPetitionInput } from './dto/petition.inputs';
import { Petition } from './petition.model';
import { PetitionsService } from './petitions.service';
import { SignatureBatcher } from './signature-batcher';
import { SignatureCountNotifier } from './signature-count.notifier';

@Injectable()
export class SigningService {
  constructor(
    private readonly batcher: SignatureBatcher,
    private readonly petitions: PetitionsService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
    private readonly countNotifier: SignatureCountNotifier,
  ) {}

  /**
   * Anyone signs an OPEN petition they may see. Signing again changes nothing and answers the same,
   * so the answer never tells whether an email had signed. Returns whether a signature was added.
   */
  async sign(ctx: RequestContext, input: SignPetitionInput): Promise<{ petition: Petition; added: boolean }> {
    const [, petition] = await Promise.all([this.limit(ctx), this.petitions.require(ctx, input.petitionId)]);
    if (ctx.actor.kind === 'apiKey' && ctx.actor.organisationId !== petition.organisationId) {
      throw new ForbiddenError("An API key signs only its organisation's petitions");
    }
    const signature = {
      petitionId: petition.id,
      fullName: input.fullName,
      email: input.email,
      postcode: input.postcode || null,
      country: input.country?.toUpperCase() ?? null,
      comment: input.comment || null,
      displayPublicly: input.displayPublicly,
      contactConsent: input.contactConsent,
      source: input.source || null,
    };
    const result = await this.batcher.add(signature, ctx.deadline);
    if (!result.open) throw new ConflictError('This petition is not open for signatures');
    if (result.added) this.countNotifier.changed(petition.id);
    return { petition, added: result.added };
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
