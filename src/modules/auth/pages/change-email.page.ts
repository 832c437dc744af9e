import { Injectable } from '@nestjs/common';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AuthService } from '../auth.service';
import { OneButtonAccountPage } from './account-link.page';

/** /l/change-email/<token>: one button that calls confirmEmailChange. */
@Injectable()
export class ChangeEmailPage extends OneButtonAccountPage {
  readonly kind = 'change-email' as const;

  constructor(
    pages: LinkPagesService,
    tokens: EmailTokensService,
    private readonly auth: AuthService,
  ) {
    super(tokens, {
      title: 'Confirm your new email address',
      paragraph: 'Press the button to use this address for your Marea account.',
      button: 'Use this address',
      doneTitle: 'Your email address is changed',
      doneParagraph: 'Sign in with your new address from now on.',
    });
    pages.register(this);
  }

  protected spend(token: string): Promise<unknown> {
    return this.auth.confirmEmailChange(token);
  }
}
