import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { expiredLinkView, type LinkPage, type PageView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AdminInvitationsService } from '../admin-invitations.service';
import { hasAccount, inviteeForm, signInOrRegisterAndAccept } from './invitee-account';

/**
 * /l/admin-invitation/<token>: as the chapter invitation page (invitation.page.ts). The invitee proves
 * the address by having the link; the page asks for the account's password (or a name and a new
 * password for an address without an account); its one POST signs in or registers (the address
 * counts as verified) and makes the account ADMIN, in one transaction.
 */
@Injectable()
export class AdminInvitationPage implements LinkPage {
  readonly kind = 'admin-invitation' as const;

  constructor(
    pages: LinkPagesService,
    private readonly dataSource: DataSource,
    private readonly tokens: EmailTokensService,
    private readonly adminInvitations: AdminInvitationsService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    const link = await this.tokens.peek(this.kind, token);
    const organisation = link && (await this.organisationOf((link.data as { invitationId?: string }).invitationId));
    if (!link || !organisation) return expiredLinkView();
    return inviteeForm(title(organisation), await hasAccount(this.dataSource, link.email));
  }

  act(token: string, form: Record<string, string>): Promise<PageView> {
    return signInOrRegisterAndAccept(this.dataSource, form, {
      lock: (manager) => this.adminInvitations.lockInvitation(manager, token, { emailedOnly: true }),
      name: (_manager, invitation) => this.organisationOf(invitation.id),
      accept: (manager, invitation, userId) => this.adminInvitations.acceptIn(manager, invitation, userId),
      fallbackName: 'the organisation',
      title,
      done: (organisation) => ({
        title: `You are an admin of ${organisation}`,
        paragraphs: ['You have accepted the invitation. Sign in to Marea with your email address and password.'],
      }),
    });
  }

  /** The name of the organisation of an open admin invitation; null when it is unknown, used, revoked or expired. */
  private async organisationOf(invitationId: string | undefined): Promise<string | null> {
    if (!invitationId) return null;
    const [row] = await this.dataSource.query(
      `SELECT o.name FROM admin_invitations i JOIN organisations o ON o.id = i.organisation_id
        WHERE i.id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()`,
      [invitationId],
    );
    return row ? (row.name as string) : null;
  }
}

const title = (organisation: string) => `Become an admin of ${organisation}`;
