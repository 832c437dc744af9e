import { Args, ArgsType, Field, ID, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { LongText } from '../../common/validation/text';
import { Organisation } from '../organisations/organisation.model';
import { ConsentWordingsService } from './consent-wordings.service';
import { ConsentWording } from './petition.model';

@ArgsType()
class SetConsentWordingArgs {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) organisationId: string;
  @Field() @LongText(2000) text: string;
}

@Resolver(() => Organisation)
export class ConsentWordingsResolver {
  constructor(private readonly wordings: ConsentWordingsService) {}

  @Allow('USER')
  @Mutation(() => ConsentWording, { description: "Publishes a new version of the organisation's contact-consent wording (admins)." })
  setConsentWording(@Args() { organisationId, text }: SetConsentWordingArgs, @Ctx() ctx: RequestContext): Promise<ConsentWording> {
    return this.wordings.publish(ctx, organisationId, text);
  }

  @Public()
  @ResolveField(() => ConsentWording, { description: 'The contact-consent wording signers of its petitions are shown now.' })
  consentWording(organisation: Organisation, _args: unknown, ctx: RequestContext): Promise<ConsentWording> {
    return this.wordings.current(ctx, organisation.id);
  }
}
