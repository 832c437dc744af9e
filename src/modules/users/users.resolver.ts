import { Query, ResolveField, Resolver } from '@nestjs/graphql';
import { PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { User } from './user.model';
import { UsersService } from './users.service';

/** `me` and the User fields that belong to the account itself; organisations add `User.memberships`. */
@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null.' })
  async me(@Ctx() ctx: RequestContext): Promise<User | null> {
    if (ctx.actor.kind !== 'user') return null;
    const user = await this.users.load(ctx, ctx.actor.userId);
    return user && { ...user, isCaller: true };
  }

  @Public()
  @PersonalData('the user themself and admins of an organisation in which the user holds an ACTIVE membership or an accepted ADMIN role; null otherwise')
  @ResolveField(() => String, {
    nullable: true,
    description:
      'Visible to the user themself and to admins of an organisation in which the user holds an ACTIVE membership or an accepted ADMIN role; null otherwise (keys included).',
  })
  async email(user: User, _args: unknown, ctx: RequestContext): Promise<string | null> {
    if (user.isCaller || (await this.users.emailVisible(ctx, user.id))) return user.privateEmail;
    return null;
  }
}
