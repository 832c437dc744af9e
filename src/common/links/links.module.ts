import { Global, Module } from '@nestjs/common';
import { EmailTokensService } from './email-tokens.service';
import { LinkPagesController } from './link-pages.controller';
import { LinkPagesService } from './link-pages.service';

/** Emailed links: their tokens, their addresses and the pages they open. Features register their kinds' pages. */
@Global()
@Module({ controllers: [LinkPagesController], providers: [EmailTokensService, LinkPagesService], exports: [EmailTokensService, LinkPagesService] })
export class LinksModule {}
