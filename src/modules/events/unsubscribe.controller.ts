import { Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../common/auth/access.decorators';
import { EmailPreferencesService, InvalidUnsubscribeLinkError } from './email-preferences.service';

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the address in
 * the List-Unsubscribe header. Only POST exists here, so nothing that follows links unsubscribes.
 */
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly preferences: EmailPreferencesService) {}

  @Public()
  @Post(':token')
  @HttpCode(200)
  async oneClick(@Param('token') token: string, @Res() res: Response): Promise<void> {
    try {
      await this.preferences.unsubscribe(token);
    } catch (error) {
      if (!(error instanceof InvalidUnsubscribeLinkError)) throw error;
      res.status(404).type('text/plain').send('Unknown unsubscribe link\n');
      return;
    }
    res.status(200).type('text/plain').send('Unsubscribed\n');
  }
}
