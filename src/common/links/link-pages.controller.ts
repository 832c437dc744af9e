import { Body, Controller, Get, Logger, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/access.decorators';
import { DomainError } from '../errors/domain-error';
import { isLinkKind } from './link-kind';
import { expiredLinkView, PageView } from './link-page';
import { LinkPagesService } from './link-pages.service';
import { PAGE_HEADERS, renderPage } from './page-layout';

/**
 * The pages emailed links open: GET /l/<kind>/<token> shows one button and changes nothing (mail
 * scanners follow links); the POST of that button acts. No cookies, no script.
 */
@Controller('l')
export class LinkPagesController {
  private readonly logger = new Logger('LinkPages');

  constructor(private readonly pages: LinkPagesService) {}

  @Public()
  @Get(':kind/:token')
  async show(@Param('kind') kind: string, @Param('token') token: string, @Res() res: Response): Promise<void> {
    const page = isLinkKind(kind) ? this.pages.page(kind) : undefined;
    if (!page) return this.send(res, { title: 'Page not found', paragraphs: ['There is no page at this address.'], status: 404 }, '');
    this.send(res, await this.answer(() => page.show(token)), `/l/${kind}/${encodeURIComponent(token)}`);
  }

  @Public()
  @Post(':kind/:token')
  async act(@Param('kind') kind: string, @Param('token') token: string, @Body() body: unknown, @Res() res: Response): Promise<void> {
    const page = isLinkKind(kind) ? this.pages.page(kind) : undefined;
    if (!page) return this.send(res, { title: 'Page not found', paragraphs: ['There is no page at this address.'], status: 404 }, '');
    this.send(res, await this.answer(() => page.act(token, formFields(body))), `/l/${kind}/${encodeURIComponent(token)}`);
  }

  /** Domain errors become a page; anything else is logged and shown as a plain failure. */
  private async answer(run: () => Promise<PageView>): Promise<PageView> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
        return { title: 'Too many attempts', paragraphs: ['Please wait a little and try again.'], status: 429 };
      }
      if (error instanceof DomainError) return { ...expiredLinkView(), title: 'This did not work', paragraphs: [error.message], status: 400 };
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return { title: 'Something went wrong', paragraphs: ['Please try again in a moment.'], status: 500 };
    }
  }

  private send(res: Response, view: PageView, action: string): void {
    res
      .status(view.status ?? 200)
      .set({ ...PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8' })
      .send(renderPage(view, action));
  }
}

/** String fields of an urlencoded form; anything else is ignored. */
function formFields(body: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}
