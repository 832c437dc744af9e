import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { BadInputError } from '../../../common/errors/domain-error';
import { AuthService, InvalidLinkError } from '../auth.service';

const FORM = {
  fields: [
    { name: 'password', label: 'New password', type: 'password' as const, autocomplete: 'new-password', hint: 'At least 10 characters.', minLength: 10 },
  ],
  button: 'Set my new password',
};

/** /l/reset-password/<token>: asks for the new password; the POST calls resetPassword. */
@Injectable()
export class ResetPasswordPage implements LinkPage {
  readonly kind = 'reset-password' as const;

  constructor(
    pages: LinkPagesService,
    private readonly tokens: EmailTokensService,
    private readonly auth: AuthService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    if (!(await this.tokens.peek(this.kind, token))) return expiredLinkView();
    return { title: 'Choose a new password', paragraphs: ['Choosing a new password signs you out everywhere else.'], form: FORM };
  }

  async act(token: string, form: Record<string, string>): Promise<PageView> {
    try {
      await this.auth.resetPasswordWithoutSession(token, form.password ?? '');
    } catch (error) {
      if (error instanceof InvalidLinkError) return expiredLinkView();
      if (error instanceof BadInputError) {
        return { title: 'Choose a new password', error: 'The password must be 10 to 200 characters long.', paragraphs: [], form: FORM, status: 400 };
      }
      throw error;
    }
    return { title: 'Your password is changed', paragraphs: ['You can now sign in with your new password. Every other session has been signed out.'] };
  }
}
