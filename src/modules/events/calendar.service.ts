import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import ical, { ICalCalendar, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import { Repository } from 'typeorm';
import { AccessService } from '../../common/access/access.service';
import { ANONYMOUS, Actor } from '../../common/auth/actor';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { RequestContext } from '../../common/graphql/request-context';
import { ChaptersService } from '../organisations/chapters.service';
import { CalendarTokenEntity } from './calendar-token.entity';
import { Event } from './event.model';
import { AttendancesService } from './attendances.service';
import { EventsService } from './events.service';
import { StudySessionsService } from './study-sessions/study-sessions.service';
import type { ReadingListItem } from '../reading-lists/reading-list.model';

/** A VTIMEZONE block for each zone the events use, so clients show the planned local times across DST changes. */
function vtimezone(zone: string): string | null {
  const block = tzlib_get_ical_block(zone);
  return Array.isArray(block) && block[0] ? block[0] : null;
}

/** A study session's items and their discussion questions, as plain text for the file's description. */
function studyText(items: ReadingListItem[]): string | null {
  if (items.length === 0) return null;
  const lines = ['Reading:'];
  for (const item of items) {
    lines.push(`- ${item.title}${item.authors.length ? ` (${item.authors.join(', ')})` : ''}`);
    for (const question of item.discussionQuestions) lines.push(`  ? ${question}`);
  }
  return lines.join('\n');
}

/** iCalendar files: one event, or a chapter's upcoming events; a member's private token adds what they may see. */
@Injectable()
export class CalendarService {
  constructor(
    @InjectRepository(CalendarTokenEntity) private readonly tokens: Repository<CalendarTokenEntity>,
    private readonly access: AccessService,
    private readonly events: EventsService,
    private readonly attendances: AttendancesService,
    private readonly chapters: ChaptersService,
    private readonly studySessions: StudySessionsService,
  ) {}

  /** A new private token for the user; the previous one stops working. Shown once. */
  async resetToken(userId: string): Promise<string> {
    const token = randomSecret('mcal_');
    await this.tokens.upsert({ userId, tokenHash: sha256(token), createdAt: new Date() }, ['userId']);
    return token;
  }

  async revokeToken(userId: string): Promise<boolean> {
    await this.tokens.delete({ userId });
    return true;
  }

  /**
   * The request context the file is built for: the token's member, else the request's own actor.
   * Null for a token that is unknown or revoked.
   */
  async contextFor(actor: Actor, token: string | undefined): Promise<RequestContext | null> {
    let viewer = actor;
    if (token) {
      const row = await this.tokens.findOneBy({ tokenHash: sha256(token) });
      if (!row) return null;
      viewer = { kind: 'user', userId: row.userId };
    }
    return new RequestContext(viewer ?? ANONYMOUS, '', '', (a) => this.access.grantsFor(a));
  }

  /** Null when the event does not exist or the viewer may not see it. */
  async eventFile(ctx: RequestContext, eventId: string): Promise<string | null> {
    const event = await this.events.load(ctx, eventId);
    if (!event) return null;
    const calendar = this.calendar(event.title);
    await this.addEvents(ctx, calendar, [event]);
    return calendar.toString();
  }

  /** Null when the chapter does not exist. */
  async chapterFeed(ctx: RequestContext, chapterId: string): Promise<string | null> {
    const chapter = await this.chapters.load(ctx, chapterId);
    if (!chapter) return null;
    const calendar = this.calendar(chapter.name);
    await this.addEvents(ctx, calendar, await this.events.feed(ctx, chapterId));
    return calendar.toString();
  }

  private calendar(name: string): ICalCalendar {
    return ical({ name, prodId: { company: 'Marea', product: 'Marea events', language: 'EN' }, timezone: { name: null, generator: vtimezone } });
  }

  private async addEvents(ctx: RequestContext, calendar: ICalCalendar, events: Event[]): Promise<void> {
    // One batch for the whole file: the items each event studies, as the viewer may see them.
    const studied = await Promise.all(events.map((event) => this.studySessions.itemsOf(ctx, event.id)));
    for (const [index, event] of events.entries()) {
      const location = event.location;
      const showAddress = await this.attendances.mayReadRestricted(ctx, event);
      const exact = showAddress ? location?.restricted : null;
      const place = [location?.venue, exact?.addressLine, location?.city, exact?.postcode, location?.country].filter(Boolean);
      calendar.createEvent({
        id: `${event.id}@marea`,
        start: DateTime.fromJSDate(event.startsAt, { zone: event.timeZone }),
        end: DateTime.fromJSDate(event.endsAt, { zone: event.timeZone }),
        timezone: event.timeZone,
        summary: event.title,
        description: [event.description, studyText(studied[index]), showAddress ? event.restrictedOnlineUrl : null].filter(Boolean).join('\n\n') || null,
        location: place.length ? place.join(', ') : null,
        url: this.events.pageUrl(event.id),
        status: event.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        created: event.createdAt,
        lastModified: event.updatedAt,
        stamp: event.updatedAt,
      });
    }
  }
}
