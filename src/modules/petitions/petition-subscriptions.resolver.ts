import { Resolver, Subscription } from '@nestjs/graphql';
import { Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { IdArg } from '../../common/validation/id';
import { mayReadPetition } from './petition-access';
import { SignatureCountUpdate } from './petition.model';
import { PetitionsService } from './petitions.service';
import { SignatureCountNotifier } from './signature-count.notifier';

/** Live petition data over graphql-ws (`/graphql`); see SignatureCountNotifier for how changes travel between instances. */
@Resolver()
export class PetitionSubscriptionsResolver {
  constructor(
    private readonly petitionsService: PetitionsService,
    private readonly notifier: SignatureCountNotifier,
  ) {}

  /**
   * Anyone who may see the petition (else NOT_FOUND, as for a petition that does not exist). The first
   * message is the current count, then one per change, coalesced. The stream ends if the petition
   * stops being visible to the subscriber (checked against the grants it subscribed with).
   */
  @Public()
  @Subscription(() => SignatureCountUpdate, {
    description: "Pushed when a petition's count changes (coalesced; at most a few per second).",
    resolve: (update: SignatureCountUpdate) => update,
  })
  async signatureCountChanged(@IdArg('petitionId') petitionId: string, @Ctx() ctx: RequestContext): Promise<AsyncIterableIterator<SignatureCountUpdate>> {
    const petition = await this.petitionsService.require(ctx, petitionId);
    const grants = await ctx.grants();
    return this.notifier.subscribe(petition.id, (current) => mayReadPetition(grants, current));
  }
}
