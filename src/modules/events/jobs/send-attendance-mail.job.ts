import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JobsService } from '../../../common/jobs/jobs.service';
import { MailService, Message, message } from '../../../common/mail/mail.service';
import { AttendanceEntity } from '../attendance.entity';
import { EmailPreferencesService } from '../email-preferences.service';
import { EventEntity } from '../event.entity';
import { EventMailComposer } from '../event-mail.composer';
import { eventCancelledMail } from '../mail/event-cancelled.mail';
import { eventChangedMail } from '../mail/event-changed.mail';
import { eventReminderMail } from '../mail/event-reminder.mail';
import { rsvpConfirmationMail } from '../mail/rsvp-confirmation.mail';
import { waitlistPromotedMail } from '../mail/waitlist-promoted.mail';
import { AttendanceMailPayload, sendAttendanceMail } from './event-mail-jobs';

/**
 * One email to one attendee, sent once per cause. What the mail says is decided when it is sent, from
 * the rows as they are then: a reminder for someone who cancelled meanwhile, or a change notice for an
 * attendance since cancelled, is not sent. Reminders and organisers' updates are not sent to addresses
 * that unsubscribed, and carry List-Unsubscribe.
 */
@Injectable()
export class SendAttendanceMailJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly dataSource: DataSource,
    private readonly composer: EventMailComposer,
    private readonly preferences: EmailPreferencesService,
  ) {
    jobs.register(sendAttendanceMail, (payload) => this.handle(payload));
  }

  async handle(payload: AttendanceMailPayload): Promise<void> {
    const attendance = await this.dataSource.getRepository(AttendanceEntity).findOneBy({ id: payload.attendanceId });
    if (!attendance) return;
    await this.mail.send(payload.cause, attendance.email, (manager) => this.compose(manager, payload));
  }

  private async compose(manager: EntityManager, { attendanceId, kind }: AttendanceMailPayload): Promise<Message | null> {
    const a = await manager.findOneBy(AttendanceEntity, { id: attendanceId });
    const event = a && (await manager.findOneBy(EventEntity, { id: a.eventId }));
    if (!a || !event) return null;
    const [organisation] = await manager.query(`SELECT name FROM organisations WHERE id = $1`, [event.organisationId]);
    const options = { organisationName: (organisation?.name as string | undefined) ?? null };
    const going = a.status === 'GOING';
    const live = a.status !== 'CANCELLED';
    const details = this.composer.details(event, going);
    const name = a.name;

    if (kind === 'confirmation') {
      if (!live || event.status !== 'PUBLISHED') return null;
      const status = going ? 'going' : `number ${a.waitlistPosition} on the waitlist`;
      return message(rsvpConfirmationMail, { name, event: details, status, link: await this.composer.manageLink(manager, event, a) }, options);
    }
    if (kind === 'promotion') {
      if (!going || event.status !== 'PUBLISHED') return null;
      return message(waitlistPromotedMail, { name, event: details, link: await this.composer.manageLink(manager, event, a) }, options);
    }

    // Organisers' mail from here on: not to addresses that unsubscribed.
    if (await this.preferences.unsubscribedFromEvents(manager, a.email)) return null;
    if (kind === 'reminder-24h' || kind === 'reminder-1h') {
      if (!going || event.status !== 'PUBLISHED' || event.startsAt.getTime() <= Date.now()) return null;
      const unsubscribe = await this.preferences.unsubscribeLink(manager, a.email);
      const soon = kind === 'reminder-24h' ? 'within a day' : 'within the hour';
      const link = await this.composer.manageLink(manager, event, a);
      return message(eventReminderMail, { name, event: details, soon, link, unsubscribe: unsubscribe.link }, { ...options, headers: unsubscribe.headers });
    }
    if (kind === 'changed') {
      if (!live || event.status !== 'PUBLISHED') return null;
      const unsubscribe = await this.preferences.unsubscribeLink(manager, a.email);
      const link = await this.composer.manageLink(manager, event, a);
      return message(eventChangedMail, { name, event: details, link, unsubscribe: unsubscribe.link }, { ...options, headers: unsubscribe.headers });
    }
    // cancelled: the attendance stays as it was (GOING or WAITLISTED) when an event is cancelled.
    if (!live || event.status !== 'CANCELLED') return null;
    const unsubscribe = await this.preferences.unsubscribeLink(manager, a.email);
    return message(
      eventCancelledMail,
      { name, event: details, reason: event.cancelReason, unsubscribe: unsubscribe.link },
      { ...options, headers: unsubscribe.headers },
    );
  }
}
