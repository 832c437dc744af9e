import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { User, toUser } from '../users/user.model';
import { AuthService } from './auth.service';
import { AuthPayload } from './dto/auth-payload.model';
import { EmailArgs, EmailChangeArgs, LoginInput, RegisterInput, ResetPasswordArgs, TokenArgs } from './dto/auth.inputs';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Always true for valid input, whether or not the address has an account: a new address gets a\nlink to verify it (verifyEmail); an address with an account gets a note saying so, with a link to\nreset the password.',
  })
  register(@Args('input') input: RegisterInput, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.auth.register(input, ctx.ip);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Spends the emailed token (24 hours, single use), marks the address verified and signs in.' })
  verifyEmail(@Args() args: TokenArgs): Promise<AuthPayload> {
    return this.auth.verifyEmail(args.token);
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description: "Verified accounts only; any other case gets the same UNAUTHENTICATED answer (an unverified account's owner is sent a new link).",
  })
  login(@Args('input') input: LoginInput, @Ctx() ctx: RequestContext): Promise<AuthPayload> {
    return this.auth.login(input, ctx.ip);
  }

  @Public()
  @Mutation(() => Boolean, { description: 'Always true: an account with this address gets a link (1 hour, single use) to choose a new password.' })
  requestPasswordReset(@Args() args: EmailArgs, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.auth.requestPasswordReset(args.email, ctx.ip);
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Spends the token, sets the password, verifies the address, ends every other session and signs in.' })
  resetPassword(@Args() args: ResetPasswordArgs): Promise<AuthPayload> {
    return this.auth.resetPassword(args.token, args.password);
  }

  @Allow('USER')
  @Mutation(() => Boolean, { description: 'Sends a link to the new address; the change happens when it is followed, and the old address is told.' })
  requestEmailChange(@Args() args: EmailChangeArgs, @Ctx() ctx: RequestContext): Promise<boolean> {
    if (ctx.actor.kind !== 'user') throw new UnauthenticatedError();
    return this.auth.requestEmailChange(ctx.actor.userId, args.newEmail, args.password);
  }

  /** Public: the link itself is the credential (the page that calls it keeps no session). */
  @Public()
  @Mutation(() => User)
  async confirmEmailChange(@Args() args: TokenArgs): Promise<User> {
    return { ...toUser(await this.auth.confirmEmailChange(args.token)), isCaller: true };
  }

  @Public()
  @Mutation(() => AuthPayload, { description: 'Spends the refresh token and returns a new pair.' })
  refreshSession(@Args('refreshToken') refreshToken: string): Promise<AuthPayload> {
    return this.auth.refresh(refreshToken);
  }

  @Public()
  @Mutation(() => Boolean)
  logout(@Args('refreshToken') refreshToken: string): Promise<boolean> {
    return this.auth.logout(refreshToken);
  }
}
