import type { LinkKind } from '../../../common/links/link-kind';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { InvalidLinkError } from '../auth.service';

/** What a one-button account link page says before and after its POST. */
export interface AccountLinkTexts {
  title: string;
  paragraph: string;
  button: string;
  doneTitle: string;
  doneParagraph: string;
}

/**
 * An account link page with one button (verify-email, change-email): the GET only shows it while
 * the token is live; the POST spends the token, and a dead one gets the expired page.
 */
export abstract class OneButtonAccountPage implements LinkPage {
  abstract readonly kind: LinkKind;

  protected constructor(
    private readonly tokens: EmailTokensService,
    private readonly texts: AccountLinkTexts,
  ) {}

  /** Spends the token (throws InvalidLinkError for a dead one). */
  protected abstract spend(token: string): Promise<unknown>;

  async show(token: string): Promise<PageView> {
    if (!(await this.tokens.peek(this.kind, token))) return expiredLinkView();
    return { title: this.texts.title, paragraphs: [this.texts.paragraph], form: { button: this.texts.button } };
  }

  async act(token: string): Promise<PageView> {
    try {
      await this.spend(token);
    } catch (error) {
      if (error instanceof InvalidLinkError) return expiredLinkView();
      throw error;
    }
    return { title: this.texts.doneTitle, paragraphs: [this.texts.doneParagraph] };
  }
}
