import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, MoreThan, Repository } from 'typeorm';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { inTransaction } from '../../common/database/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { groupByKey, RequestContext } from '../../common/graphql/request-context';
import { enqueue } from '../../common/jobs/job';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { UserEntity } from '../users/user.entity';
import { AdminInvitationEntity } from './admin-invitation.entity';
import { AdminInvitation, CreatedAdminInvitation, toAdminInvitation } from './admin-invitation.model';
import { OrganisationAdminEntity } from './organisation-admin.entity';
import { Organisation, toOrganisation } from './organisation.model';
import { mayAdministerOrganisation } from './organisations-access';
import { OrganisationsService } from './organisations.service';
import { sendAdminInvitationMail } from './jobs/send-admin-invitation-mail.job';

const INVITATION_DAYS = 7;

/**
 * Further admins exist only by invitation: an admin invites an address, the account with that address
 * accepts. Nobody is ever made an admin without consent, so an admin's view of a user's email
 * (users-access.ts) never extends to someone who did not choose to join.
 */
@Injectable()
export class AdminInvitationsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(AdminInvitationEntity) private readonly invitations: Repository<AdminInvitationEntity>,
    private readonly organisations: OrganisationsService,
    private readonly tokens: EmailTokensService,
  ) {}

  /** Admins only. The token is returned once to the inviter and mailed to the invitee; only its SHA-256 is kept. */
  async invite(ctx: RequestContext, organisationId: string, email: string): Promise<CreatedAdminInvitation> {
    await this.organisations.requireAdministered(ctx, organisationId);
    const token = randomSecret();
    const invitation = await inTransaction(this.dataSource, async (manager) => {
      const row = await manager.save(
        manager.create(AdminInvitationEntity, {
          organisationId,
          email,
          tokenHash: sha256(token),
          expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
          createdById: (await ctx.grants()).userId ?? null,
        }),
      );
      await this.emailInvitation(manager, row);
      return row;
    });
    return { invitation: toAdminInvitation(invitation), token };
  }

  /** The invitee is emailed an `admin-invitation` link: the job is added in the invitation's own transaction, so an invitation that rolls back never mails a token. */
  private async emailInvitation(manager: EntityManager, invitation: AdminInvitationEntity): Promise<void> {
    await enqueue(manager, sendAdminInvitationMail, { invitationId: invitation.id }, { jobKey: `admin-invitation:${invitation.id}` });
  }

  /**
   * The signed-in account with the invited address becomes ADMIN. Takes the token handed to the
   * inviter or the one emailed to the invitee (a front end behind LINK_URL passes that one). A token
   * that is unknown, already used, revoked or expired gets the same NOT_FOUND, so a token tells its
   * holder nothing else.
   */
  async accept(ctx: RequestContext, token: string): Promise<Organisation> {
    const userId = (await ctx.grants()).userId!;
    const organisationId = await inTransaction(this.dataSource, async (manager) => {
      const invitation = await this.lockInvitation(manager, token);
      const user = await manager.findOneByOrFail(UserEntity, { id: userId });
      if (user.email !== invitation.email) throw new ForbiddenError('This invitation is for another email address');
      await this.acceptIn(manager, invitation, userId);
      return invitation.organisationId;
    });
    ctx.refreshGrants();
    return toOrganisation(await this.organisations.requireVisible(organisationId));
  }

  /**
   * The open invitation a token names, locked: the inviter's token or the emailed link's (which is
   * spent with it). The link page passes `emailedOnly`: only the emailed token proves the invitee
   * owns the address (the inviter's token would let an admin claim someone's address). NOT_FOUND
   * for a token that is unknown, used, revoked or expired alike.
   */
  async lockInvitation(manager: EntityManager, token: string, options: { emailedOnly?: boolean } = {}): Promise<AdminInvitationEntity> {
    let invitation = options.emailedOnly
      ? null
      : await manager.findOne(AdminInvitationEntity, { where: { tokenHash: sha256(token) }, lock: { mode: 'pessimistic_write' } });
    if (!invitation) {
      const link = await this.tokens.spend(manager, 'admin-invitation', token);
      const invitationId = (link?.data as { invitationId?: string } | undefined)?.invitationId;
      if (invitationId) invitation = await manager.findOne(AdminInvitationEntity, { where: { id: invitationId }, lock: { mode: 'pessimistic_write' } });
    }
    if (!invitation || !isOpen(invitation)) throw new NotFoundError('Admin invitation');
    return invitation;
  }

  /** Marks the invitation used and makes the account ADMIN (already one: unchanged); in the caller's transaction. */
  async acceptIn(manager: EntityManager, invitation: AdminInvitationEntity, userId: string): Promise<void> {
    await manager.update(AdminInvitationEntity, { id: invitation.id }, { acceptedAt: new Date() });
    await manager
      .createQueryBuilder()
      .insert()
      .into(OrganisationAdminEntity)
      .values({ organisationId: invitation.organisationId, userId })
      .orIgnore()
      .execute();
  }

  /**
   * Admins of the invitation's organisation; anyone else gets the NOT_FOUND of an unknown id.
   * Revoking twice, or revoking an expired invitation, is harmless; an accepted one is CONFLICT
   * (the invitee is an admin now: removeOrganisationAdmin).
   */
  async revoke(ctx: RequestContext, id: string): Promise<boolean> {
    const grants = await ctx.grants();
    await inTransaction(this.dataSource, async (manager) => {
      const invitation = await manager.findOne(AdminInvitationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!invitation || !mayAdministerOrganisation(grants, invitation.organisationId)) throw new NotFoundError('Admin invitation');
      if (invitation.acceptedAt) throw new ConflictError('This invitation has been accepted; remove the admin instead');
      if (!invitation.revokedAt) await manager.update(AdminInvitationEntity, { id }, { revokedAt: new Date() });
    });
    return true;
  }

  /** `Organisation.adminInvitations`: unaccepted, unrevoked and unexpired, oldest first; admins only (FORBIDDEN at the field otherwise). */
  async openFor(ctx: RequestContext, organisation: Organisation): Promise<AdminInvitation[]> {
    if (!mayAdministerOrganisation(await ctx.grants(), organisation.id)) throw new ForbiddenError('Only admins of the organisation see its admin invitations');
    return ctx
      .loader<string, AdminInvitation[]>('adminInvitations.openByOrganisation', async (ids) => {
        const rows = await this.invitations.find({
          where: { organisationId: In([...ids]), acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
          order: { createdAt: 'ASC', id: 'ASC' },
        });
        return groupByKey(ids, rows.map(toAdminInvitation), (i) => i.organisationId);
      })
      .load(organisation.id);
  }
}

function isOpen(invitation: AdminInvitationEntity): boolean {
  return !invitation.acceptedAt && !invitation.revokedAt && invitation.expiresAt.getTime() > Date.now();
}
