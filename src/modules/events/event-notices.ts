import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventEntity } from './event.entity';
import { enqueueAttendanceMails } from './jobs/event-mail-jobs';

/** What attendees are told about when it changes: the time and the place (not the title or description). */
const NOTICED = ['startsAt', 'endsAt', 'timeZone', 'venue', 'addressLine', 'city', 'postcode', 'country', 'latitude', 'longitude', 'onlineUrl'] as const;

/** Whether an edit of a published event changes its time or place (so GOING and WAITLISTED people are told). */
export function changesTimeOrPlace(before: EventEntity, after: EventEntity): boolean {
  if (before.status !== 'PUBLISHED') return false;
  return NOTICED.some((key) => {
    const [a, b] = [before[key], after[key]];
    return a instanceof Date && b instanceof Date ? a.getTime() !== b.getTime() : a !== b;
  });
}

/** One notice per person GOING or WAITLISTED, enqueued in the transaction of the change. */
export async function noticeAttendees(manager: EntityManager, eventId: string, kind: 'changed' | 'cancelled'): Promise<void> {
  await enqueueAttendanceMails(
    manager,
    kind,
    `event-${kind}:${randomUUID()}:`,
    `SELECT id FROM attendances WHERE event_id = $1 AND status IN ('GOING', 'WAITLISTED')`,
    [eventId],
  );
}
