import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { LinkPagesService } from '../../common/links/link-pages.service';
import type { AttendanceEntity } from './attendance.entity';
import type { EventEntity } from './event.entity';
import type { RsvpLinkData } from './guest-rsvps.service';
import type { EventDetails } from './mail/event-details';

/** What event emails share: the event's lines (the exact place only for people GOING) and a guest's manage link. */
@Injectable()
export class EventMailComposer {
  constructor(
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {}

  details(event: EventEntity, going: boolean): EventDetails {
    const when = new Intl.DateTimeFormat('en-GB', { timeZone: event.timeZone, dateStyle: 'full', timeStyle: 'short' }).format(event.startsAt);
    const lines = [`When: ${when} (${event.timeZone})`];
    const place = [event.venue, going ? event.addressLine : null, event.city, going ? event.postcode : null].filter(Boolean).join(', ');
    if (place) lines.push(`Where: ${place}`);
    if (going && event.onlineUrl) lines.push(`Online: ${event.onlineUrl}`);
    return { title: event.title, lines };
  }

  /**
   * A new `rsvp` link for a guest (no account) to manage their place, valid until the event ends;
   * null for members (they manage it signed in) and for events that are over or cancelled.
   */
  async manageLink(manager: EntityManager, event: EventEntity, attendance: AttendanceEntity): Promise<string | null> {
    if (attendance.userId || event.status !== 'PUBLISHED' || event.endsAt.getTime() <= Date.now()) return null;
    return this.links.url('rsvp', await this.rsvpToken(manager, event, attendance.email, toLinkData(event.id, attendance)));
  }

  /** An `rsvp` token for `email` and the event, stored in the sending transaction. */
  rsvpToken(manager: EntityManager, event: EventEntity, email: string, data: RsvpLinkData): Promise<string> {
    return this.tokens.issue(manager, { kind: 'rsvp', email, data: { ...data }, expiresAt: event.endsAt });
  }
}

/** The link data that re-creates this attendance's place if it is confirmed again after a cancellation. */
export function toLinkData(eventId: string, attendance: AttendanceEntity): RsvpLinkData {
  return {
    eventId,
    name: attendance.name,
    contactConsent: attendance.contactConsent,
    consentWordingId: attendance.consentWordingId,
    consentedAt: attendance.consentedAt?.toISOString() ?? null,
  };
}
