import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Not, Repository } from 'typeorm';
import { inTransaction } from '../../common/database/transaction';
import { emitWebhookEvent } from '../webhooks/emit';
import { attendancePayload } from '../webhooks/payloads';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { changesFirst } from '../../common/pagination/changes';
import { paginate } from '../../common/pagination/paginate';
import { UserEntity } from '../users/user.entity';
import { AttendanceEntity } from './attendance.entity';
import { Attendance, RsvpPayload, toAttendance } from './attendance.model';
import { AttendeesArgs, RsvpInput } from './dto/rsvp.inputs';
import { EventEntity } from './event.entity';
import { Event } from './event.model';
import { isOwnAttendance, mayCheckIn, mayReadAttendance, mayReadAttendees, mayReadRestricted } from './events-access';
import { EventsService } from './events.service';
import { viewerAttendances } from './viewer-attendance';
import { addAttendance, cancelAttendance, lockEvent } from './waitlist';

@Injectable()
export class AttendancesService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(AttendanceEntity) private readonly attendances: Repository<AttendanceEntity>,
    private readonly events: EventsService,
  ) {}

  /**
   * Signed-in callers RSVP with their account; RSVPing again returns the live attendance (a guest RSVP
   * made earlier with the account's verified address becomes theirs). Guests use rsvpAsGuest.
   */
  async rsvp(ctx: RequestContext, input: RsvpInput): Promise<RsvpPayload> {
    const event = await this.events.require(ctx, input.eventId);
    const grants = await ctx.grants();
    if (!grants.userId) throw new UnauthenticatedError();
    const user = await this.dataSource.getRepository(UserEntity).findOneByOrFail({ id: grants.userId });
    const person = { userId: user.id, name: user.displayName, email: user.email };
    return inTransaction(this.dataSource, async (manager) => {
      const locked = await lockEvent(manager, event.id);
      refuseRsvp(locked);
      const existing = await manager.findOneBy(AttendanceEntity, { eventId: event.id, email: person.email, status: Not('CANCELLED' as const) });
      if (existing) {
        // Every signed-in account has a verified address (login, verifyEmail, resetPassword and the
        // invitation page are the only ways in), so an RSVP made with it may become the account's.
        if (!existing.userId) {
          await manager.update(AttendanceEntity, { id: existing.id }, { userId: person.userId });
          existing.userId = person.userId;
        }
        return { attendance: { ...toAttendance(existing), viewerIsAttendee: true } };
      }
      const row = await addAttendance(manager, locked, person);
      return { attendance: { ...toAttendance(row), viewerIsAttendee: true } };
    });
  }

  /** Signed-in attendees cancel their own (guests use cancelGuestRsvp). A freed place goes to the first on the waitlist. */
  async cancelRsvp(ctx: RequestContext, eventId: string): Promise<Attendance> {
    const event = await this.events.require(ctx, eventId);
    const grants = await ctx.grants();
    if (!grants.userId) throw new UnauthenticatedError();
    const row = await inTransaction(this.dataSource, async (manager) => {
      const locked = await lockEvent(manager, event.id);
      const attendance = await this.ownLive(manager, event.id, grants.userId!);
      if (!attendance) throw new NotFoundError('Attendance');
      return cancelAttendance(manager, locked, attendance);
    });
    return { ...toAttendance(row), viewerIsAttendee: true };
  }

  /**
   * Organisers and admins check in people who are GOING; checking in twice keeps the first time. An
   * attendance the caller may not read (of an event they cannot see, or someone else's without reading
   * attendees) is NOT_FOUND, as an unknown id is; FORBIDDEN only for one they may read (their own).
   */
  async checkIn(ctx: RequestContext, attendanceId: string): Promise<Attendance> {
    const attendance = await this.attendances.findOneBy({ id: attendanceId });
    const event = attendance && (await this.events.load(ctx, attendance.eventId));
    const grants = await ctx.grants();
    if (!attendance || !event || !mayReadAttendance(grants, event, attendance)) throw new NotFoundError('Attendance');
    if (!mayCheckIn(grants, event)) throw new ForbiddenError('Only organisers of the chapter may check people in');
    // Conditional on GOING in the same statement, so a cancellation meanwhile is never checked in.
    const row = await inTransaction(this.dataSource, async (manager) => {
      const result = await manager.update(AttendanceEntity, { id: attendanceId, status: 'GOING', checkedInAt: IsNull() }, { checkedInAt: () => 'now()' });
      const checked = await manager.findOneByOrFail(AttendanceEntity, { id: attendanceId });
      if (result.affected) await emitWebhookEvent(manager, event.organisationId, 'ATTENDANCE_CHANGED', attendancePayload(checked));
      return checked;
    });
    if (row.status !== 'GOING') throw new ConflictError('Only people who are going can be checked in');
    return toAttendance(row);
  }

  /** Attendees of an event, oldest RSVP first (the waitlist in its order); FORBIDDEN at this field for anyone else. */
  async attendees(ctx: RequestContext, event: Event, args: AttendeesArgs): Promise<Connection<Attendance>> {
    if (!mayReadAttendees(await ctx.grants(), event)) throw new ForbiddenError('Only organisers of the chapter may see who attends');
    const qb = this.attendances.createQueryBuilder('a').where('a.eventId = :eventId', { eventId: event.id });
    if (args.status) qb.andWhere('a.status = :status', { status: args.status });
    if (args.updatedSince) {
      qb.andWhere('a.updatedAt >= :updatedSince', { updatedSince: args.updatedSince });
      return paginate(qb, args, changesFirst(qb, 'a'), toAttendance);
    }
    const byPosition = args.status === 'WAITLISTED';
    return paginate(
      qb,
      args,
      byPosition
        ? { column: 'a.waitlistPosition', id: 'a.id', direction: 'ASC', valueOf: (a) => ({ value: a.waitlistPosition!, id: a.id }) }
        : { column: 'a.createdAt', id: 'a.id', direction: 'ASC', valueOf: (a) => ({ value: a.createdAt, id: a.id }) },
      toAttendance,
    );
  }

  /** The signed-in caller's live attendance of each event: theirs by account or by their account's email. */
  async viewerAttendance(ctx: RequestContext, eventId: string): Promise<Attendance | null> {
    const userId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    return userId ? viewerAttendances(ctx, this.dataSource, userId).load(eventId) : null;
  }

  /** Name, email and account of an attendee: the attendee themself, organisers, admins and ATTENDEES_READ keys. */
  async mayReadPersonal(ctx: RequestContext, attendance: Attendance): Promise<boolean> {
    const grants = await ctx.grants();
    // One's own needs no event loaded.
    if (isOwnAttendance(grants, { userId: attendance.userId, isAttendee: attendance.viewerIsAttendee })) return true;
    const event = await this.events.load(ctx, attendance.eventId);
    return Boolean(event && mayReadAttendees(grants, event));
  }

  /** The street address, postcode, exact coordinates and online link of an event (see mayReadRestricted). */
  async mayReadRestricted(ctx: RequestContext, event: Event): Promise<boolean> {
    const grants = await ctx.grants();
    // Only those who do not manage the event need their own attendance looked up.
    return mayReadRestricted(grants, event, null) || mayReadRestricted(grants, event, (await this.viewerAttendance(ctx, event.id))?.status);
  }

  private async ownLive(manager: EntityManager, eventId: string, userId: string): Promise<AttendanceEntity | null> {
    return manager
      .createQueryBuilder(AttendanceEntity, 'a')
      .innerJoin(UserEntity, 'u', 'u.id = :userId', { userId })
      .where('a.eventId = :eventId', { eventId })
      .andWhere(`a.status <> 'CANCELLED'`)
      .andWhere('(a.userId = u.id OR (a.email = u.email AND u.emailVerifiedAt IS NOT NULL))')
      .getOne();
  }
}

/** RSVPs go only to published events that are not over. */
export function refuseRsvp(event: EventEntity): void {
  if (event.status === 'CANCELLED') throw new ConflictError('This event has been cancelled');
  if (event.status === 'DRAFT') throw new ConflictError('This event is not published yet');
  if (event.endsAt.getTime() <= Date.now()) throw new ConflictError('This event is over');
}
