import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { User } from '../users/user.model';
import { AdminInvitation } from './admin-invitation.model';
import { AdminInvitationsService } from './admin-invitations.service';
import { Chapter, ChapterConnection } from './chapter.model';
import { ChaptersService } from './chapters.service';
import { CreateOrganisationInput, Organisation, OrganisationConnection } from './organisation.model';
import { mayAdministerOrganisation } from './organisations-access';
import { OrganisationsService } from './organisations.service';

@Resolver(() => Organisation)
export class OrganisationsResolver {
  constructor(
    private readonly organisationService: OrganisationsService,
    private readonly chapterService: ChaptersService,
    private readonly adminInvitationService: AdminInvitationsService,
  ) {}

  @Public()
  @Query(() => Organisation, { nullable: true })
  organisation(@Args('slug') slug: string): Promise<Organisation | null> {
    return this.organisationService.findBySlug(slug);
  }

  @Public()
  @Query(() => OrganisationConnection)
  organisations(@Args() args: PageArgs): Promise<Connection<Organisation>> {
    return this.organisationService.list(args);
  }

  @Allow('USER')
  @Mutation(() => Organisation)
  createOrganisation(@Args('input') input: CreateOrganisationInput, @Ctx() ctx: RequestContext): Promise<Organisation> {
    return this.organisationService.create(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => Organisation)
  removeOrganisationAdmin(@IdArg('organisationId') organisationId: string, @IdArg('userId') userId: string, @Ctx() ctx: RequestContext) {
    return this.organisationService.removeAdmin(ctx, organisationId, userId);
  }

  @Public()
  @ResolveField(() => ChapterConnection)
  chapters(@Parent() organisation: Organisation, @Args() args: PageArgs): Promise<Connection<Chapter>> {
    return this.chapterService.listForOrganisation(organisation.id, args);
  }

  @Public()
  @ResolveField(() => Boolean, { description: 'True when the caller is an ADMIN of this organisation.' })
  async viewerIsAdmin(organisation: Organisation, _args: unknown, ctx: RequestContext): Promise<boolean> {
    return mayAdministerOrganisation(await ctx.grants(), organisation.id);
  }

  @Public()
  @PersonalData('admins of the organisation; FORBIDDEN otherwise')
  @ResolveField(() => [User], { nullable: true, description: 'Admins only; null with a FORBIDDEN error for anyone else.' })
  admins(organisation: Organisation, _args: unknown, ctx: RequestContext): Promise<User[]> {
    return this.organisationService.admins(ctx, organisation);
  }

  @Public()
  @PersonalData('admins of the organisation; FORBIDDEN otherwise')
  @ResolveField(() => [AdminInvitation], {
    nullable: true,
    description: 'Unaccepted admin invitations; admins only, null with a FORBIDDEN error for anyone else.',
  })
  adminInvitations(organisation: Organisation, _args: unknown, ctx: RequestContext): Promise<AdminInvitation[]> {
    return this.adminInvitationService.openFor(ctx, organisation);
  }
}
