import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection, PageArgs } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Chapter, ChapterConnection } from './chapter.model';
import { ChaptersService } from './chapters.service';
import { CreateOrganisationInput, Organisation, OrganisationConnection } from './organisation.model';
import { OrganisationsService } from './organisations.service';

@Resolver(() => Organisation)
export class OrganisationsResolver {
  constructor(
    private readonly organisationService: OrganisationsService,
    private readonly chapterService: ChaptersService,
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
  addOrganisationAdmin(@IdArg('organisationId') organisationId: string, @IdArg('userId') userId: string, @Ctx() ctx: RequestContext) {
    return this.organisationService.addAdmin(ctx, organisationId, userId);
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
    return (await ctx.grants()).isAdmin(organisation.id);
  }
}
