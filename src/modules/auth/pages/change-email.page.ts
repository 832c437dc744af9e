import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AuthService, InvalidLinkError } from '../auth.service';

/** /l/change-email/<token>: one button that calls confirmEmailChange. */
@Injectable()
export class ChangeEmailPage implements LinkPage {
  readonly kind = 'change-email' as const;

  constructor(
    pages: LinkPagesService,
    private readonly tokens: EmailTokensService,
    private readonly auth: AuthService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    if (!(await this.tokens.peek(this.kind, token))) return expiredLinkView();
    return {
      title: 'Confirm your new email address',
      paragraphs: ['Press the button to use this address for your Marea account.'],
      form: { button: 'Use this address' },
    };
  }

  async act(token: string): Promise<PageView> {
    try {
      await this.auth.confirmEmailChange(token);
    } catch (error) {
      if (error instanceof InvalidLinkError) return expiredLinkView();
      throw error;
    }
    return { title: 'Your email address is changed', paragraphs: ['Sign in with your new address from now on.'] };
  }
}
