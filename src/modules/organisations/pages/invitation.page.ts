import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../common/database/transaction';
import { BadInputError, ConflictError, NotFoundError } from '../../../common/errors/domain-error';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { expiredLinkView, type LinkPage, type PageField, type PageView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { UserEntity } from '../../users/user.entity';
import { MembershipsService } from '../memberships.service';
import { isSingleLineText, NAME_MAX } from '../../../common/validation/text';

const PASSWORD: PageField = { name: 'password', label: 'Your password', type: 'password', autocomplete: 'current-password' };
const NEW_ACCOUNT: PageField[] = [
  { name: 'displayName', label: 'Your name', type: 'text', autocomplete: 'name' },
  { name: 'password', label: 'Choose a password', type: 'password', autocomplete: 'new-password', hint: 'At least 10 characters.', minLength: 10 },
];

/** Wrong input on the page: shown above the form again, nothing changed (the transaction rolls back). */
class PageInputError extends Error {}

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
    const about = link && (await this.describe((link.data as { invitationId?: string }).invitationId));
    if (!link || !about) return expiredLinkView();
    return this.form(about.chapter, await this.dataSource.getRepository(UserEntity).existsBy({ email: link.email }));
  }

  async act(token: string, form: Record<string, string>): Promise<PageView> {
    let chapter = 'the chapter';
    let hasAccount = false;
    try {
      await inTransaction(this.dataSource, async (manager) => {
        const invitation = await this.memberships.lockInvitation(manager, token, { emailedOnly: true });
        chapter = (await this.describe(invitation.id))?.chapter ?? chapter;
        let user = await manager.findOne(UserEntity, { where: { email: invitation.email }, lock: { mode: 'pessimistic_write' } });
        hasAccount = Boolean(user);
        if (user) {
          if (!(await verifyPassword(user.passwordHash, form.password ?? ''))) throw new PageInputError('That password is not right.');
          // The link proved the address.
          if (!user.emailVerifiedAt) await manager.update(UserEntity, { id: user.id }, { emailVerifiedAt: new Date() });
        } else {
          const displayName = (form.displayName ?? '').trim();
          const password = form.password ?? '';
          if (!displayName || displayName.length > NAME_MAX || !isSingleLineText(displayName))
            throw new PageInputError('Please give your name (up to 200 characters).');
          if (password.length < 10 || password.length > 200) throw new PageInputError('The password must be 10 to 200 characters long.');
          user = await manager.save(
            manager.create(UserEntity, { email: invitation.email, displayName, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() }),
          );
        }
        await this.memberships.accept(manager, invitation, user.id);
      });
    } catch (error) {
      if (error instanceof PageInputError) return { ...this.form(chapter, hasAccount), error: error.message, status: 400 };
      if (error instanceof NotFoundError || error instanceof ConflictError || error instanceof BadInputError) return expiredLinkView();
      throw error;
    }
    return { title: `Welcome to ${chapter}`, paragraphs: ['You have accepted the invitation. Sign in to Marea with your email address and password.'] };
  }

  private form(chapter: string, hasAccount: boolean): PageView {
    return hasAccount
      ? {
          title: `Join ${chapter}`,
          paragraphs: ['Enter your Marea password to accept the invitation.'],
          form: { fields: [PASSWORD], button: 'Accept the invitation' },
        }
      : {
          title: `Join ${chapter}`,
          paragraphs: ['Create your Marea account to accept the invitation.'],
          form: { fields: NEW_ACCOUNT, button: 'Create my account and accept' },
        };
  }

  private async describe(invitationId: string | undefined): Promise<{ chapter: string } | null> {
    if (!invitationId) return null;
    const [row] = await this.dataSource.query(
      `SELECT c.name FROM invitations i JOIN chapters c ON c.id = i.chapter_id WHERE i.id = $1 AND i.accepted_at IS NULL AND i.expires_at > now()`,
      [invitationId],
    );
    return row ? { chapter: row.name } : null;
  }
}
