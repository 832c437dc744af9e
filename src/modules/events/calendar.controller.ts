import { Controller, Get, Header, NotFoundException, Param, Query, Req, UnauthorizedException } from '@nestjs/common';
import { Public } from '../../common/auth/access.decorators';
import type { AuthenticatedRequest } from '../../common/auth/authentication.middleware';
import { isUuid } from '../../common/validation/id';
import { CalendarService } from './calendar.service';

const ICS = 'text/calendar; charset=utf-8';

/**
 * iCalendar files. Visibility rules apply to the caller (Authorization header) or to the member whose
 * private `?token=` is given; anything unknown or invisible is a plain 404.
 */
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Public()
  @Get('events/:id.ics')
  @Header('content-type', ICS)
  @Header('cache-control', 'private, max-age=300')
  async event(@Param('id') id: string, @Query('token') token: string | undefined, @Req() req: AuthenticatedRequest): Promise<string> {
    const ctx = await this.contextFor(req, id, token);
    return found(await this.calendar.eventFile(ctx, id.toLowerCase()));
  }

  @Public()
  @Get('chapters/:id.ics')
  @Header('content-type', ICS)
  @Header('cache-control', 'private, max-age=300')
  async chapter(@Param('id') id: string, @Query('token') token: string | undefined, @Req() req: AuthenticatedRequest): Promise<string> {
    const ctx = await this.contextFor(req, id, token);
    return found(await this.calendar.chapterFeed(ctx, id.toLowerCase()));
  }

  private async contextFor(req: AuthenticatedRequest, id: string, token: unknown) {
    if (req.authError) throw new UnauthorizedException(req.authError.message);
    if (!isUuid(id) || (token !== undefined && typeof token !== 'string')) throw new NotFoundException();
    return found(await this.calendar.contextFor(req.actor, token));
  }
}

function found<T>(value: T | null): T {
  if (value === null) throw new NotFoundException();
  return value;
}
