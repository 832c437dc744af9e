import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { IdArg } from '../../common/validation/id';
import { User } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { Chapter } from './chapter.model';
import { ChaptersService } from './chapters.service';
import { ChapterRole } from './membership.entity';
import { ChapterRoleEnum, CreatedInvitation, Invitation, InviteMemberInput, Membership } from './membership.model';
import { MembershipsService } from './memberships.service';

@Resolver(() => Membership)
export class MembershipsResolver {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly chapters: ChaptersService,
    private readonly users: UsersService,
  ) {}

  @Allow('USER')
  @Mutation(() => Membership)
  approveMembership(@IdArg('membershipId') membershipId: string, @Ctx() ctx: RequestContext): Promise<Membership> {
    return this.memberships.approve(ctx, membershipId);
  }

  @Allow('USER')
  @Mutation(() => Membership)
  setMembershipRole(
    @IdArg('membershipId') membershipId: string,
    @Args('role', { type: () => ChapterRoleEnum }) role: ChapterRole,
    @Ctx() ctx: RequestContext,
  ): Promise<Membership> {
    return this.memberships.setRole(ctx, membershipId, role);
  }

  @Allow('USER')
  @Mutation(() => Boolean)
  removeMembership(@IdArg('membershipId') membershipId: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.memberships.remove(ctx, membershipId);
  }

  @Allow('USER')
  @Mutation(() => CreatedInvitation)
  inviteMember(@Args('input') input: InviteMemberInput, @Ctx() ctx: RequestContext): Promise<CreatedInvitation> {
    return this.memberships.invite(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => Membership)
  acceptInvitation(@Args('token') token: string, @Ctx() ctx: RequestContext): Promise<Membership> {
    return this.memberships.acceptInvitation(ctx, token);
  }

  @Public()
  @ResolveField(() => User)
  async user(membership: Membership, _args: unknown, ctx: RequestContext): Promise<User> {
    return (await this.users.load(ctx, membership.userId))!;
  }

  @Public()
  @ResolveField(() => Chapter)
  async chapter(membership: Membership, _args: unknown, ctx: RequestContext): Promise<Chapter> {
    return this.chapters.require(ctx, membership.chapterId);
  }
}

@Resolver(() => Invitation)
export class InvitationsResolver {
  constructor(private readonly chapters: ChaptersService) {}

  @Public()
  @ResolveField(() => Chapter)
  chapter(invitation: Invitation, _args: unknown, ctx: RequestContext): Promise<Chapter> {
    return this.chapters.require(ctx, invitation.chapterId);
  }
}

/** Organisations' part of the User type: a user's own memberships. */
@Resolver(() => User)
export class UserMembershipsResolver {
  constructor(private readonly membershipService: MembershipsService) {}

  @Public()
  @ResolveField(() => [Membership], { description: "The signed-in user's own memberships; empty for anyone else." })
  async memberships(user: User, _args: unknown, ctx: RequestContext): Promise<Membership[]> {
    if (!user.isCaller && (await ctx.grants()).userId !== user.id) return [];
    return this.membershipService.forUser(ctx, user.id);
  }
}
