import { Injectable } from '@nestjs/common';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AuthService } from '../auth.service';
import { OneButtonAccountPage } from './account-link.page';

/** /l/verify-email/<token>: one button that calls verifyEmail. */
@Injectable()
export class VerifyEmailPage extends OneButtonAccountPage {
  readonly kind = 'verify-email' as const;

  constructor(
    pages: LinkPagesService,
    tokens: EmailTokensService,
    private readonly auth: AuthService,
  ) {
    super(tokens, {
      title: 'Confirm your email address',
      paragraph: 'Press the button to confirm this is your address.',
      button: 'Confirm my email address',
      doneTitle: 'Your address is confirmed',
      doneParagraph: 'Thank you. You can now sign in to Marea.',
    });
    pages.register(this);
  }

  protected spend(token: string): Promise<void> {
    return this.auth.verifyEmailWithoutSession(token);
  }
}
