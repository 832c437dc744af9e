import { Controller, Get, NotFoundException, Param, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../common/auth/access.decorators';
import type { AuthenticatedRequest } from '../../common/auth/authentication.middleware';
import { isUuid } from '../../common/validation/id';
import { CalendarService } from './calendar.service';

/**
 * iCalendar files. Visibility rules apply to the caller (Authorization header) or to the member whose
 * private `?token=` is given; anything unknown or invisible is a plain 404.
 */
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Public()
  @Get('events/:id.ics')
  async event(
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const ctx = await this.contextFor(req, id, token);
    return ics(res, await this.calendar.eventFile(ctx, id.toLowerCase()));
  }

  @Public()
  @Get('chapters/:id.ics')
  async chapter(
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const ctx = await this.contextFor(req, id, token);
    return ics(res, await this.calendar.chapterFeed(ctx, id.toLowerCase()));
  }

  private async contextFor(req: AuthenticatedRequest, id: string, token: unknown) {
    if (req.authError) throw new UnauthorizedException(req.authError.message);
    if (!isUuid(id) || (token !== undefined && typeof token !== 'string')) throw new NotFoundException();
    const ctx = await this.calendar.contextFor(req.actor, token);
    if (!ctx) throw new NotFoundException();
    return ctx;
  }
}

/** The file with its headers, or a plain 404. */
function ics(res: Response, file: string | null): string {
  if (file === null) throw new NotFoundException();
  res.type('text/calendar; charset=utf-8').set('cache-control', 'private, max-age=300');
  return file;
}
