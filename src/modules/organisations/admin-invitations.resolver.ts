import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { IdArg } from '../../common/validation/id';
import { AdminInvitation, CreatedAdminInvitation, InviteOrganisationAdminArgs } from './admin-invitation.model';
import { AdminInvitationsService } from './admin-invitations.service';
import { Organisation } from './organisation.model';
import { OrganisationsService } from './organisations.service';

@Resolver(() => AdminInvitation)
export class AdminInvitationsResolver {
  constructor(
    private readonly invitations: AdminInvitationsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Allow('USER')
  @Mutation(() => CreatedAdminInvitation, { description: 'Emails an invitation (7 days); the invitee becomes ADMIN only by accepting it.' })
  inviteOrganisationAdmin(@Args() { organisationId, email }: InviteOrganisationAdminArgs, @Ctx() ctx: RequestContext): Promise<CreatedAdminInvitation> {
    return this.invitations.invite(ctx, organisationId, email);
  }

  @Allow('USER')
  @Mutation(() => Organisation)
  acceptAdminInvitation(@Args('token') token: string, @Ctx() ctx: RequestContext): Promise<Organisation> {
    return this.invitations.accept(ctx, token);
  }

  @Allow('USER')
  @Mutation(() => Boolean)
  revokeAdminInvitation(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.invitations.revoke(ctx, id);
  }

  @Public()
  @ResolveField(() => Organisation)
  organisation(invitation: AdminInvitation, _args: unknown, ctx: RequestContext): Promise<Organisation> {
    return this.organisations.load(ctx, invitation.organisationId);
  }
}
