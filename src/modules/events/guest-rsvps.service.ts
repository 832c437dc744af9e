import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Not } from 'typeorm';
import { Settings } from '../../common/config/settings';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { enqueue } from '../../common/jobs/job';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { AttendanceEntity } from './attendance.entity';
import { Attendance, GuestRsvpPayload, toAttendance } from './attendance.model';
import { refuseRsvp } from './attendances.service';
import { GuestRsvpInput } from './dto/rsvp.inputs';
import { EventEntity } from './event.entity';
import { Event } from './event.model';
import { EventsService } from './events.service';
import { GuestRsvpRequest, sendGuestRsvpLink } from './jobs/event-mail-jobs';
import { addAttendance, cancelAttendance, lockEvent } from './waitlist';

/** One answer for an rsvp link that is unknown, expired or of another kind. */
export class InvalidRsvpLinkError extends BadInputError {
  constructor() {
    super({ token: 'This link is invalid or has expired' });
  }
}

/** What an `rsvp` link token carries (besides the address it was sent to). */
export interface RsvpLinkData {
  eventId: string;
  name: string;
  contactConsent: boolean;
  consentWordingId: string | null;
  consentedAt: string | null;
}

/**
 * Guest RSVPs (DESIGN.md's no-oracle rule): rsvpAsGuest answers the same and writes one job whatever
 * the address's state; the job mails the address a link (kind `rsvp`, valid until the event ends) that
 * confirms the place — capacity and waitlist apply then — or manages the one it has. EVENTS_WRITE keys'
 * guests are confirmed at once: the organisation's partner confirmed the person on its own form (as
 * SIGNATURES_WRITE keys' signatures count at once).
 */
@Injectable()
export class GuestRsvpsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly tokens: EmailTokensService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
  ) {}

  async rsvpAsGuest(ctx: RequestContext, input: GuestRsvpInput): Promise<GuestRsvpPayload> {
    await this.limit(ctx);
    const event = await this.events.load(ctx, input.eventId);
    // Guests RSVP to PUBLIC events only; any other is answered as an event the caller cannot see.
    if (!event || event.visibility !== 'PUBLIC' || event.status === 'DRAFT') throw new NotFoundError('Event');
    const grants = await ctx.grants();
    if (grants.actor.kind === 'apiKey' && grants.actor.organisationId !== event.organisationId) {
      throw new ForbiddenError("An API key RSVPs guests only to its organisation's events");
    }
    const consentWordingId = input.guest.contactConsent ? await this.wordingFor(event, input.guest.consentWordingId ?? null) : null;
    if (!input.guest.contactConsent && input.guest.consentWordingId) await this.wordingFor(event, input.guest.consentWordingId);
    const request: GuestRsvpRequest = {
      eventId: event.id,
      name: input.guest.name,
      email: input.guest.email,
      contactConsent: input.guest.contactConsent,
      consentWordingId,
      consentedAt: input.guest.contactConsent ? new Date().toISOString() : null,
    };
    await inTransaction(this.dataSource, async (manager) => {
      if (grants.actor.kind === 'apiKey') return void (await this.confirmPlace(manager, request.email, request));
      // Checked before the one write, for every address alike (the job checks again).
      refuseRsvp(await manager.findOneByOrFail(EventEntity, { id: event.id }));
      await enqueue(manager, sendGuestRsvpLink, request);
    });
    return { event };
  }

  /** Confirms the place the link was sent for (GOING or WAITLISTED by the capacity rules); confirming again returns it. */
  async confirm(token: string): Promise<Attendance> {
    const row = await inTransaction(this.dataSource, async (manager) => {
      const link = await this.tokens.spend(manager, 'rsvp', token, { reusable: true });
      if (!link) throw new InvalidRsvpLinkError();
      return this.confirmPlace(manager, link.email, link.data as unknown as RsvpLinkData);
    });
    return { ...toAttendance(row), viewerIsAttendee: true };
  }

  /** Cancels the address's live attendance of the link's event; a freed place goes to the first on the waitlist. */
  async cancel(token: string): Promise<Attendance> {
    const row = await inTransaction(this.dataSource, async (manager) => {
      const link = await this.tokens.spend(manager, 'rsvp', token, { reusable: true });
      if (!link) throw new InvalidRsvpLinkError();
      const event = await lockEvent(manager, (link.data as unknown as RsvpLinkData).eventId);
      const live = await manager.findOneBy(AttendanceEntity, { eventId: event.id, email: link.email, status: Not('CANCELLED' as const) });
      if (!live) throw new NotFoundError('Attendance');
      return cancelAttendance(manager, event, live);
    });
    return { ...toAttendance(row), viewerIsAttendee: true };
  }

  /** The event and the address's live attendance of it, for the link page (reads only). */
  async linkState(token: string): Promise<{ event: EventEntity; attendance: AttendanceEntity | null } | null> {
    const link = await this.tokens.peek('rsvp', token);
    const data = link?.data as unknown as RsvpLinkData | undefined;
    const event = data && (await this.dataSource.getRepository(EventEntity).findOneBy({ id: data.eventId }));
    if (!link || !event) return null;
    const attendance = await this.dataSource
      .getRepository(AttendanceEntity)
      .findOneBy({ eventId: event.id, email: link.email, status: Not('CANCELLED' as const) });
    return { event, attendance };
  }

  /** Under the event row lock, as every RSVP: the live attendance of the address, else a new place. */
  private async confirmPlace(manager: EntityManager, email: string, data: Omit<RsvpLinkData, 'email'>): Promise<AttendanceEntity> {
    const event = await lockEvent(manager, data.eventId);
    refuseRsvp(event);
    const live = await manager.findOneBy(AttendanceEntity, { eventId: event.id, email, status: Not('CANCELLED' as const) });
    if (live) return live;
    // The address is proved (by the link, or by the key's partner): an account verified with it owns the place.
    const [owner] = await manager.query(`SELECT id FROM users WHERE email = $1 AND email_verified_at IS NOT NULL`, [email]);
    return addAttendance(manager, event, {
      userId: owner?.id ?? null,
      name: data.name,
      email,
      contactConsent: data.contactConsent,
      consentWordingId: data.consentWordingId,
      consentedAt: data.consentedAt ? new Date(data.consentedAt) : null,
    });
  }

  /** The wording version the guest was shown: the given one (of this organisation, or the platform default), else the current one. */
  private async wordingFor(event: Event, given: string | null): Promise<string> {
    const [row] = await this.dataSource.query(
      `SELECT w.id FROM consent_wordings w
        WHERE (w.organisation_id = $1 OR w.organisation_id IS NULL) AND ($2::uuid IS NULL OR w.id = $2)
        ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1`,
      [event.organisationId, given],
    );
    if (!row) throw new BadInputError({ 'guest.consentWordingId': 'is not a consent wording of this organisation' });
    return row.id;
  }

  /** Limited like signing: per client IP, and per key for keys. */
  private async limit(ctx: RequestContext): Promise<void> {
    const config = this.settings.config;
    if (ctx.actor.kind === 'apiKey') {
      await this.rateLimiter.consume({ name: 'guest-rsvp-key', points: config.RATE_LIMIT_GUEST_RSVP_KEY_PER_MINUTE, durationSeconds: 60 }, ctx.actor.apiKeyId);
      return;
    }
    await Promise.all([
      this.rateLimiter.consume({ name: 'guest-rsvp-ip-minute', points: config.RATE_LIMIT_GUEST_RSVP_PER_MINUTE, durationSeconds: 60 }, ctx.ip),
      this.rateLimiter.consume({ name: 'guest-rsvp-ip-hour', points: config.RATE_LIMIT_GUEST_RSVP_PER_HOUR, durationSeconds: 3600 }, ctx.ip),
    ]);
  }
}
