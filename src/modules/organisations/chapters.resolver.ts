import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Chapter, CreateChapterInput, UpdateChapterInput } from './chapter.model';
import { ChaptersService } from './chapters.service';
import { Membership, MembershipConnection, MembersArgs } from './membership.model';
import { MembershipsService } from './memberships.service';
import { Organisation } from './organisation.model';
import { OrganisationsService } from './organisations.service';

@Resolver(() => Chapter)
export class ChaptersResolver {
  constructor(
    private readonly chapters: ChaptersService,
    private readonly memberships: MembershipsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Public()
  @Query(() => Chapter, { nullable: true })
  chapter(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Chapter | null> {
    return this.chapters.load(ctx, id);
  }

  @Allow('USER')
  @Mutation(() => Chapter)
  createChapter(@Args('input') input: CreateChapterInput, @Ctx() ctx: RequestContext): Promise<Chapter> {
    return this.chapters.create(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => Chapter)
  updateChapter(@IdArg('id') id: string, @Args('input') input: UpdateChapterInput, @Ctx() ctx: RequestContext): Promise<Chapter> {
    return this.chapters.update(ctx, id, input);
  }

  @Allow('USER')
  @Mutation(() => Membership)
  joinChapter(@IdArg('chapterId') chapterId: string, @Ctx() ctx: RequestContext): Promise<Membership> {
    return this.memberships.join(ctx, chapterId);
  }

  @Allow('USER')
  @Mutation(() => Boolean)
  leaveChapter(@IdArg('chapterId') chapterId: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.memberships.leave(ctx, chapterId);
  }

  @Public()
  @ResolveField(() => Organisation)
  organisation(chapter: Chapter, _args: unknown, ctx: RequestContext): Promise<Organisation> {
    return this.organisations.load(ctx, chapter.organisationId);
  }

  @Public()
  @ResolveField(() => Int, { description: 'Number of ACTIVE members.' })
  memberCount(chapter: Chapter, _args: unknown, ctx: RequestContext): Promise<number> {
    return this.chapters.memberCount(ctx, chapter.id);
  }

  @Public()
  @ResolveField(() => Membership, { nullable: true, description: "The caller's membership of this chapter, if any." })
  viewerMembership(chapter: Chapter, _args: unknown, ctx: RequestContext): Promise<Membership | null> {
    return this.chapters.viewerMembership(ctx, chapter.id);
  }

  @Public()
  @PersonalData('members of the chapter (ACTIVE only), organisers, admins, MEMBERS_READ keys; FORBIDDEN otherwise')
  @ResolveField(() => MembershipConnection, {
    nullable: true,
    description: 'ACTIVE members for members; organisers and admins may ask for PENDING too. Null with a FORBIDDEN error for anyone else.',
  })
  members(@Parent() chapter: Chapter, @Args() args: MembersArgs, @Ctx() ctx: RequestContext): Promise<Connection<Membership>> {
    return this.memberships.members(ctx, chapter, args);
  }
}
