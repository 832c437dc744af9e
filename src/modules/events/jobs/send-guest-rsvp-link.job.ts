import { Injectable } from '@nestjs/common';
import { Not } from 'typeorm';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { AttendanceEntity } from '../attendance.entity';
import { EventEntity } from '../event.entity';
import { EventMailComposer, toLinkData } from '../event-mail.composer';
import { guestRsvpConfirmMail } from '../mail/guest-rsvp-confirm.mail';
import { guestRsvpManageMail } from '../mail/guest-rsvp-manage.mail';
import { GuestRsvpRequest, sendGuestRsvpLink } from './event-mail-jobs';

/**
 * What rsvpAsGuest does for the address, off the request path: an address with no live attendance of
 * the event gets a link that confirms the place asked for; one that has a place (as a guest or with
 * an account) gets a note with a link to manage it. Either link is valid until the event ends.
 */
@Injectable()
export class SendGuestRsvpLinkJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly links: LinkPagesService,
    private readonly composer: EventMailComposer,
  ) {
    jobs.register(sendGuestRsvpLink, (payload, context) => this.handle(payload, context));
  }

  async handle(request: GuestRsvpRequest, context: JobContext): Promise<void> {
    await this.mail.send(`guest-rsvp:${context.jobId}`, request.email, async (manager) => {
      const event = await manager.findOneBy(EventEntity, { id: request.eventId });
      // Cancelled or over since the request: there is nothing to confirm any more.
      if (!event || event.status !== 'PUBLISHED' || event.endsAt.getTime() <= Date.now()) return null;
      const [organisation] = await manager.query(`SELECT name FROM organisations WHERE id = $1`, [event.organisationId]);
      const options = { organisationName: (organisation?.name as string | undefined) ?? null };
      const live = await manager.findOneBy(AttendanceEntity, { eventId: event.id, email: request.email, status: Not('CANCELLED' as const) });
      if (live) {
        const token = await this.composer.rsvpToken(manager, event, request.email, toLinkData(event.id, live));
        const status = live.status === 'GOING' ? 'going' : `number ${live.waitlistPosition} on the waitlist`;
        return message(
          guestRsvpManageMail,
          { name: request.name, event: this.composer.details(event, false), status, link: this.links.url('rsvp', token) },
          options,
        );
      }
      const { email: _email, ...data } = request;
      const token = await this.composer.rsvpToken(manager, event, request.email, data);
      return message(guestRsvpConfirmMail, { name: request.name, event: this.composer.details(event, false), link: this.links.url('rsvp', token) }, options);
    });
  }
}
