import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { InvalidSignatureLinkError, SignatureConfirmationService } from '../signature-confirmation.service';

/** /l/signature/<token>: one button that calls confirmSignature. The GET changes nothing (mail scanners follow links). */
@Injectable()
export class SignaturePage implements LinkPage {
  readonly kind = 'signature' as const;

  constructor(
    pages: LinkPagesService,
    private readonly confirmation: SignatureConfirmationService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    if (!(await this.confirmation.isLive(token))) return expiredLinkView();
    return {
      title: 'Confirm your signature',
      paragraphs: ['Press the button to confirm your signature. It counts only once confirmed.'],
      form: { button: 'Confirm my signature' },
    };
  }

  async act(token: string): Promise<PageView> {
    try {
      await this.confirmation.confirm(token);
    } catch (error) {
      if (error instanceof InvalidSignatureLinkError) return expiredLinkView();
      throw error;
    }
    return { title: 'Your signature is confirmed', paragraphs: ['Thank you. Your signature now counts.'] };
  }
}
