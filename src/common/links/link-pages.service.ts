import { Injectable } from '@nestjs/common';
import { Settings } from '../config/settings';
import type { LinkKind } from './link-kind';
import type { LinkPage } from './link-page';

/** The registry of link pages and the builder of the links emails carry. */
@Injectable()
export class LinkPagesService {
  private readonly pages = new Map<LinkKind, LinkPage>();

  constructor(private readonly settings: Settings) {}

  register(page: LinkPage): void {
    if (this.pages.has(page.kind)) throw new Error(`Link kind ${page.kind} has two pages`);
    this.pages.set(page.kind, page);
  }

  page(kind: LinkKind): LinkPage | undefined {
    return this.pages.get(kind);
  }

  /** PUBLIC_URL/l/<kind>/<token>, or LINK_URL with its placeholders filled for deployments with their own front end. */
  url(kind: LinkKind, token: string): string {
    const custom = this.settings.config.LINK_URL;
    if (custom) return custom.replace('{kind}', kind).replace('{token}', encodeURIComponent(token));
    return `${this.settings.config.publicUrl}/l/${kind}/${encodeURIComponent(token)}`;
  }
}
