import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import { EventEntity } from './event.entity';

/**
 * The RSVP invariants (GOING ≤ capacity, waitlist positions 1..n) hold because every change to an
 * event's attendances first locks the event row; these helpers run inside that transaction.
 */
export async function lockEvent(manager: EntityManager, id: string): Promise<EventEntity> {
  const event = await manager.findOne(EventEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!event) throw new NotFoundError('Event');
  return event;
}

/** Moves the earliest waitlisted people into free places (all of them when capacity is unlimited). */
export async function promoteWaitlisted(manager: EntityManager, event: EventEntity): Promise<void> {
  const free = event.capacity === null ? event.waitlistCount : event.capacity - event.goingCount;
  const n = Math.min(free, event.waitlistCount);
  if (n <= 0) return;
  await manager.query(
    `UPDATE attendances SET status = 'GOING', waitlist_position = NULL, updated_at = now()
      WHERE event_id = $1 AND status = 'WAITLISTED' AND waitlist_position <= $2`,
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
