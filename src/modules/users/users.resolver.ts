import { Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Membership } from '../organisations/membership.model';
import { MembershipsService } from '../organisations/memberships.service';
import { User } from './user.model';
import { UsersService } from './users.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly membershipService: MembershipsService,
  ) {}

  @Public()
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null.' })
  async me(@Ctx() ctx: RequestContext): Promise<User | null> {
    if (ctx.actor.kind !== 'user') return null;
    const user = await this.users.load(ctx, ctx.actor.userId);
    return user && { ...user, isCaller: true };
  }

  @Public()
  @PersonalData('the user themself and admins of an organisation the user belongs to; null otherwise')
  @ResolveField(() => String, {
    nullable: true,
    description: 'Visible to the user themself and to admins of an organisation the user belongs to; null otherwise.',
  })
  async email(user: User, _args: unknown, ctx: RequestContext): Promise<string | null> {
    if (user.isCaller || (await this.users.emailVisible(ctx, user.id))) return user.privateEmail;
    return null;
  }

  @Public()
  @ResolveField(() => [Membership], { description: "The signed-in user's own memberships; empty for anyone else." })
  async memberships(user: User, _args: unknown, ctx: RequestContext): Promise<Membership[]> {
    if (!user.isCaller && (await ctx.grants()).userId !== user.id) return [];
    return this.membershipService.forUser(ctx, user.id);
  }
}
