import { Injectable } from '@nestjs/common';
import type { LinkPage, PageView } from '../../../common/links/link-page';
import { expiredLinkView } from '../../../common/links/link-page';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { GuestRsvpsService, InvalidRsvpLinkError } from '../guest-rsvps.service';

/**
 * /l/rsvp/<token>: the event and the address's place. Without a place, one button confirms it
 * (confirmGuestRsvp); with one, one button cancels it (cancelGuestRsvp). The button says which it is,
 * so a second press of "confirm" never cancels.
 */
@Injectable()
export class RsvpPage implements LinkPage {
  readonly kind = 'rsvp' as const;

  constructor(
    pages: LinkPagesService,
    private readonly guests: GuestRsvpsService,
  ) {
    pages.register(this);
  }

  async show(token: string): Promise<PageView> {
    const state = await this.guests.linkState(token);
    if (!state) return expiredLinkView();
    const { event, attendance } = state;
    const when = `${new Intl.DateTimeFormat('en-GB', { timeZone: event.timeZone, dateStyle: 'full', timeStyle: 'short' }).format(event.startsAt)} (${event.timeZone})`;
    if (event.status === 'CANCELLED') return { title: event.title, paragraphs: [when, 'This event has been cancelled.'] };
    if (attendance) {
      const place = attendance.status === 'GOING' ? 'You have a place.' : `You are number ${attendance.waitlistPosition} on the waitlist.`;
      return {
        title: event.title,
        paragraphs: [when, place, 'If you can no longer come, cancel so someone else can have it.'],
        form: { button: 'Cancel my place', hidden: { action: 'cancel' } },
      };
    }
    return {
      title: event.title,
      paragraphs: [when, 'Press the button to confirm your place. If the event is full, you join the waitlist.'],
      form: { button: 'Confirm my place', hidden: { action: 'confirm' } },
    };
  }

  async act(token: string, form: Record<string, string>): Promise<PageView> {
    try {
      if (form.action === 'cancel') {
        await this.guests.cancel(token);
        return {
          title: 'Your place is cancelled',
          paragraphs: ['Thank you for letting the organisers know. You can confirm again from the same link while places last.'],
        };
      }
      const attendance = await this.guests.confirm(token);
      return attendance.status === 'GOING'
        ? { title: 'Your place is confirmed', paragraphs: ['See you there. Keep this email: its link lets you cancel.'] }
        : {
            title: 'You are on the waitlist',
            paragraphs: [`The event is full; you are number ${attendance.waitlistPosition} on the waitlist. We will email you if a place frees up.`],
          };
    } catch (error) {
      if (error instanceof InvalidRsvpLinkError) return expiredLinkView();
      throw error;
    }
  }
}
