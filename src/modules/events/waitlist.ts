import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { AttendanceEntity } from './attendance.entity';
import { EventEntity } from './event.entity';
import { enqueueAttendanceMail, enqueueAttendanceMails } from './jobs/event-mail-jobs';
import { emitWebhookEvent } from '../webhooks/emit';
import { attendancePayload } from '../webhooks/payloads';

/**
 * The RSVP invariants (GOING ≤ capacity, waitlist positions 1..n) hold because every change to an
 * event's attendances first locks the event row; these helpers run inside that transaction.
 */
export async function lockEvent(manager: EntityManager, id: string): Promise<EventEntity> {
  const event = await manager.findOne(EventEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!event) throw new NotFoundError('Event');
  return event;
}

/** Moves the earliest waitlisted people into free places (all of them when capacity is unlimited); each promoted person is told by email. */
export async function promoteWaitlisted(manager: EntityManager, event: EventEntity): Promise<void> {
  const free = event.capacity === null ? event.waitlistCount : event.capacity - event.goingCount;
  const n = Math.min(free, event.waitlistCount);
  if (n <= 0) return;
  await enqueueAttendanceMails(
    manager,
    'promotion',
    'promotion:',
    `UPDATE attendances SET status = 'GOING', waitlist_position = NULL, updated_at = now()
      WHERE event_id = $1 AND status = 'WAITLISTED' AND waitlist_position <= $2 RETURNING id`,
    [event.id, n],
  );
  await manager.query(`UPDATE attendances SET waitlist_position = waitlist_position - $2 WHERE event_id = $1 AND status = 'WAITLISTED'`, [event.id, n]);
  await manager.query(`UPDATE events SET going_count = going_count + $2, waitlist_count = waitlist_count - $2 WHERE id = $1`, [event.id, n]);
  event.goingCount += n;
  event.waitlistCount -= n;
}

/** Closes the gap a waitlisted person leaves at `position`. */
export async function closeWaitlistGap(manager: EntityManager, event: EventEntity, position: number): Promise<void> {
  await manager.query(
    `UPDATE attendances SET waitlist_position = waitlist_position - 1 WHERE event_id = $1 AND status = 'WAITLISTED' AND waitlist_position > $2`,
    [event.id, position],
  );
  await manager.query(`UPDATE events SET waitlist_count = waitlist_count - 1 WHERE id = $1`, [event.id]);
  event.waitlistCount -= 1;
}

/** A new place for a person with no live attendance of the locked event: GOING while there is room, else WAITLISTED; confirmed by email. */
export async function addAttendance(
  manager: EntityManager,
  event: EventEntity,
  person: Pick<AttendanceEntity, 'userId' | 'name' | 'email'> & Partial<Pick<AttendanceEntity, 'contactConsent' | 'consentWordingId' | 'consentedAt'>>,
): Promise<AttendanceEntity> {
  const going = event.capacity === null || event.goingCount < event.capacity;
  const row = await manager.save(
    manager.create(AttendanceEntity, {
      eventId: event.id,
      ...person,
      status: going ? 'GOING' : 'WAITLISTED',
      waitlistPosition: going ? null : event.waitlistCount + 1,
    }),
  );
  await manager.query(
    going ? 'UPDATE events SET going_count = going_count + 1 WHERE id = $1' : 'UPDATE events SET waitlist_count = waitlist_count + 1 WHERE id = $1',
    [event.id],
  );
  if (going) event.goingCount += 1;
  else event.waitlistCount += 1;
  await enqueueAttendanceMail(manager, row.id, 'confirmation', `rsvp-confirmation:${row.id}`);
  await emitWebhookEvent(manager, event.organisationId, 'ATTENDANCE_CHANGED', attendancePayload(row));
  return row;
}

/** Cancels a live attendance of the locked event; a freed place goes to the first on the waitlist. */
export async function cancelAttendance(manager: EntityManager, event: EventEntity, attendance: AttendanceEntity): Promise<AttendanceEntity> {
  const { status, waitlistPosition } = attendance;
  await manager.update(AttendanceEntity, { id: attendance.id }, { status: 'CANCELLED', waitlistPosition: null });
  if (status === 'GOING') {
    await manager.query('UPDATE events SET going_count = going_count - 1 WHERE id = $1', [event.id]);
    event.goingCount -= 1;
    await promoteWaitlisted(manager, event);
  } else {
    await closeWaitlistGap(manager, event, waitlistPosition!);
  }
  const cancelled = await manager.findOneByOrFail(AttendanceEntity, { id: attendance.id });
  await emitWebhookEvent(manager, event.organisationId, 'ATTENDANCE_CHANGED', attendancePayload(cancelled));
  return cancelled;
}
