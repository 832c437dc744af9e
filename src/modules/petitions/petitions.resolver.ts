import { Args, GraphQLISODateTime, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ChangesPageArgs } from '../../common/pagination/changes';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Chapter } from '../organisations/chapter.model';
import { ChaptersService } from '../organisations/chapters.service';
import { Organisation } from '../organisations/organisation.model';
import { OrganisationsService } from '../organisations/organisations.service';
import { CreatePetitionInput, PetitionsArgs, RecentSignaturesArgs, SignPetitionInput, UpdatePetitionInput } from './dto/petition.inputs';
import { ConsentWordingsService } from './consent-wordings.service';
import { ConsentWording, Petition, PetitionConnection, PublicSignature, SignatureConnection, SignPetitionPayload, Signature } from './petition.model';
import { PetitionsService } from './petitions.service';
import { SignatureConfirmationService } from './signature-confirmation.service';
import { SigningService } from './signing.service';

@Resolver(() => Petition)
export class PetitionsResolver {
  constructor(
    private readonly petitionsService: PetitionsService,
    private readonly signing: SigningService,
    private readonly chapters: ChaptersService,
    private readonly organisations: OrganisationsService,
    private readonly confirmation: SignatureConfirmationService,
  ) {}

  @Public()
  @Query(() => Petition, { nullable: true })
  petition(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Petition | null> {
    return this.petitionsService.load(ctx, id);
  }

  @Public()
  @Query(() => PetitionConnection, { description: 'Petitions the caller may see, newest first.' })
  petitions(@Args() args: PetitionsArgs, @Ctx() ctx: RequestContext): Promise<Connection<Petition>> {
    return this.petitionsService.list(ctx, args);
  }

  @Allow('USER', 'PETITIONS_WRITE')
  @Mutation(() => Petition)
  createPetition(@Args('input') input: CreatePetitionInput, @Ctx() ctx: RequestContext): Promise<Petition> {
    return this.petitionsService.create(ctx, input);
  }

  @Allow('USER', 'PETITIONS_WRITE')
  @Mutation(() => Petition)
  updatePetition(@IdArg('id') id: string, @Args('input') input: UpdatePetitionInput, @Ctx() ctx: RequestContext): Promise<Petition> {
    return this.petitionsService.update(ctx, id, input);
  }

  @Allow('USER', 'PETITIONS_WRITE')
  @Mutation(() => Petition)
  openPetition(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Petition> {
    return this.petitionsService.open(ctx, id);
  }

  @Allow('USER', 'PETITIONS_WRITE')
  @Mutation(() => Petition)
  closePetition(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Petition> {
    return this.petitionsService.close(ctx, id);
  }

  @Allow('ANONYMOUS', 'USER', 'SIGNATURES_WRITE')
  @Mutation(() => SignPetitionPayload)
  async signPetition(@Args('input') input: SignPetitionInput, @Ctx() ctx: RequestContext): Promise<SignPetitionPayload> {
    const { petition } = await this.signing.sign(ctx, input);
    return { petition };
  }

  /** Public: the emailed link itself is the credential (the page that calls it keeps no session). */
  @Public()
  @Mutation(() => Petition, { description: 'Spends nothing; confirming twice is harmless. Valid until 24 hours after the petition closes.' })
  async confirmSignature(@Args('token') token: string): Promise<Petition> {
    const petitionId = await this.confirmation.confirm(token);
    return this.petitionsService.byIdUnchecked(petitionId);
  }

  @Public()
  @ResolveField(() => Organisation)
  organisation(petition: Petition, _args: unknown, ctx: RequestContext): Promise<Organisation> {
    return this.organisations.load(ctx, petition.organisationId);
  }

  @Public()
  @ResolveField(() => Chapter, { nullable: true, description: 'Null for an organisation-wide petition.' })
  chapter(petition: Petition, _args: unknown, ctx: RequestContext): Promise<Chapter | null> | null {
    return petition.chapterId ? this.chapters.load(ctx, petition.chapterId) : null;
  }

  @Public()
  @ResolveField(() => GraphQLISODateTime, { description: 'Moves on every change, signatureCount included.' })
  updatedAt(petition: Petition, _args: unknown, ctx: RequestContext): Promise<Date> {
    return this.petitionsService.updatedAt(ctx, petition);
  }

  @Public()
  @ResolveField(() => Int, { description: 'Exact number of confirmed signatures.' })
  signatureCount(petition: Petition, _args: unknown, ctx: RequestContext): Promise<number> {
    return this.petitionsService.signatureCount(ctx, petition.id);
  }

  @Public()
  @ResolveField(() => [PublicSignature], { description: 'Most recent confirmed signers who chose to be shown publicly, newest confirmation first.' })
  recentSignatures(@Parent() petition: Petition, @Args() { first }: RecentSignaturesArgs, @Ctx() ctx: RequestContext): Promise<PublicSignature[]> {
    return this.petitionsService.recentSignatures(ctx, petition.id, first ?? 10);
  }

  @Public()
  @PersonalData("organisers of the petition's chapter, admins and SIGNATURES_READ keys; FORBIDDEN otherwise")
  @ResolveField(() => SignatureConnection, {
    nullable: true,
    description:
      "Confirmed signatures. Personal data: organisers of the petition's chapter, admins and SIGNATURES_READ keys. Null with a FORBIDDEN error for anyone else.",
  })
  signatures(@Parent() petition: Petition, @Args() args: ChangesPageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Signature>> {
    return this.petitionsService.signaturesOf(ctx, petition, args);
  }
}

@Resolver(() => Chapter)
export class ChapterPetitionsResolver {
  constructor(private readonly petitionsService: PetitionsService) {}

  @Public()
  @ResolveField(() => PetitionConnection)
  petitions(@Parent() chapter: Chapter, @Args() args: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Petition>> {
    return this.petitionsService.list(ctx, args, chapter.id);
  }
}

@Resolver(() => Signature)
export class SignatureFieldsResolver {
  constructor(private readonly wordings: ConsentWordingsService) {}

  /** Reached only through Petition.signatures, which is checked at that field. */
  @Public()
  @ResolveField(() => ConsentWording, { nullable: true, description: 'The wording the signer consented to, when contactConsent is true.' })
  consentWording(@Parent() signature: Signature, @Ctx() ctx: RequestContext): Promise<ConsentWording | null> | null {
    return signature.consentWordingId ? this.wordings.byId(ctx, signature.consentWordingId) : null;
  }
}
