import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { expiredLinkView, type LinkPage, type PageView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MembershipsService } from '../memberships.service';
import { hasAccount, inviteeForm, signInOrRegisterAndAccept } from './invitee-account';

/**
 * /l/invitation/<token>: the invitee proves the address by having the link. The page asks for the
 * account's password (or, for an address without an account, a name and a new password); its one
 * POST signs in or registers (the address counts as verified) and accepts, in one transaction.
 */
@Injectable()
export class InvitationPage implements LinkPage {
  readonly kind = 'invitation' as const;

  constructor(
    pages: LinkPagesService,
    private readonly dataSource: DataSource,
    private readonly tokens: EmailTokensService,
    private readonly memberships: MembershipsService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    const link = await this.tokens.peek(this.kind, token);
    const chapter = link && (await this.chapterOf((link.data as { invitationId?: string }).invitationId));
    if (!link || !chapter) return expiredLinkView();
    return inviteeForm(`Join ${chapter}`, await hasAccount(this.dataSource, link.email));
  }

  act(token: string, form: Record<string, string>): Promise<PageView> {
    return signInOrRegisterAndAccept(this.dataSource, form, {
      lock: (manager) => this.memberships.lockInvitation(manager, token, { emailedOnly: true }),
      name: (_manager, invitation) => this.chapterOf(invitation.id),
      accept: async (manager, invitation, userId) => {
        await this.memberships.accept(manager, invitation, userId);
      },
      fallbackName: 'the chapter',
      title: (chapter) => `Join ${chapter}`,
      done: (chapter) => ({
        title: `Welcome to ${chapter}`,
        paragraphs: ['You have accepted the invitation. Sign in to Marea with your email address and password.'],
      }),
    });
  }

  /** The name of the chapter of an open invitation; null when it is unknown, used or expired. */
  private async chapterOf(invitationId: string | undefined): Promise<string | null> {
    if (!invitationId) return null;
    const [row] = await this.dataSource.query(
      `SELECT c.name FROM invitations i JOIN chapters c ON c.id = i.chapter_id WHERE i.id = $1 AND i.accepted_at IS NULL AND i.expires_at > now()`,
      [invitationId],
    );
    return row ? (row.name as string) : null;
  }
}
