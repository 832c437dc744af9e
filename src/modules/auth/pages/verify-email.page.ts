import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AuthService, InvalidLinkError } from '../auth.service';

/** /l/verify-email/<token>: one button that calls verifyEmail. */
@Injectable()
export class VerifyEmailPage implements LinkPage {
  readonly kind = 'verify-email' as const;

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
      title: 'Confirm your email address',
      paragraphs: ['Press the button to confirm this is your address.'],
      form: { button: 'Confirm my email address' },
    };
  }

  async act(token: string): Promise<PageView> {
    try {
      await this.auth.verifyEmailWithoutSession(token);
    } catch (error) {
      if (error instanceof InvalidLinkError) return expiredLinkView();
      throw error;
    }
    return { title: 'Your address is confirmed', paragraphs: ['Thank you. You can now sign in to Marea.'] };
  }
}
