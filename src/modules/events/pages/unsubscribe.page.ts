import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { EmailPreferencesService, InvalidUnsubscribeLinkError } from '../email-preferences.service';

/** /l/unsubscribe/<token>: one button that stops event reminders and updates for the address (unsubscribe). */
@Injectable()
export class UnsubscribePage implements LinkPage {
  readonly kind = 'unsubscribe' as const;

  constructor(
    pages: LinkPagesService,
    private readonly preferences: EmailPreferencesService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    if (!(await this.preferences.known(token))) return expiredLinkView();
    return {
      title: 'Stop event emails',
      paragraphs: ['Press the button to stop event reminders and event updates to this address.'],
      form: { button: 'Unsubscribe' },
    };
  }

  async act(token: string): Promise<PageView> {
    try {
      await this.preferences.unsubscribe(token);
    } catch (error) {
      if (error instanceof InvalidUnsubscribeLinkError) return expiredLinkView();
      throw error;
    }
    return { title: 'You are unsubscribed', paragraphs: ['This address gets no more event reminders or event updates.'] };
  }
}
