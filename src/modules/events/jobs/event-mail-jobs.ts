import type { EntityManager } from 'typeorm';
import { defineJob, enqueue } from '../../../common/jobs/job';

/** What an attendance is mailed about. Reminders and changes are organisers' mail (List-Unsubscribe); the rest answer the attendee's own request. */
export type AttendanceMailKind = 'confirmation' | 'promotion' | 'reminder-24h' | 'reminder-1h' | 'changed' | 'cancelled';

export interface AttendanceMailPayload {
  attendanceId: string;
  kind: AttendanceMailKind;
  /** Unique per reason to write (MailService sends a cause once); also the job key, so one pending job per cause. */
  cause: string;
}

/** One email to one attendee (see SendAttendanceMailJob). */
export const sendAttendanceMail = defineJob<AttendanceMailPayload>('events:send-attendance-mail');

export interface GuestRsvpRequest {
  eventId: string;
  name: string;
  /** Normalised. */
  email: string;
  contactConsent: boolean;
  /** The wording version shown (checked on the request path), when contactConsent. */
  consentWordingId: string | null;
  /** When the guest consented (the request's time). */
  consentedAt: string | null;
}

/** rsvpAsGuest's only write: the job looks at the address and mails a confirm link or a manage link. */
export const sendGuestRsvpLink = defineJob<GuestRsvpRequest>('events:send-guest-rsvp-link');

/** Cron: claims the reminders that are due and enqueues one mail job per reminder. */
export const claimDueReminders = defineJob<Record<string, never>>('events:claim-due-reminders', { maxAttempts: 3 });

/** One attendance's mail, in the caller's transaction. */
export function enqueueAttendanceMail(manager: EntityManager, attendanceId: string, kind: AttendanceMailKind, cause: string): Promise<void> {
  return enqueue(manager, sendAttendanceMail, { attendanceId, kind, cause }, { jobKey: cause });
}

/**
 * One mail job per attendance id that `idsSql` (a statement yielding a column `id`, e.g. UPDATE ... RETURNING id) yields, in one
 * statement in the caller's transaction; each job's cause (and key) is `causePrefix` + the id.
 */
export async function enqueueAttendanceMails(
  manager: EntityManager,
  kind: AttendanceMailKind,
  causePrefix: string,
  idsSql: string,
  params: unknown[],
): Promise<number> {
  const n = params.length;
  const rows: unknown[] = await manager.query(
    // A CTE, so idsSql may be an UPDATE ... RETURNING id.
    `WITH x AS (${idsSql})
     SELECT graphile_worker.add_job($${n + 1}, json_build_object('attendanceId', x.id, 'kind', $${n + 2}::text, 'cause', $${n + 3}::text || x.id),
            max_attempts => $${n + 4}, job_key => $${n + 3}::text || x.id)
       FROM x`,
    [...params, sendAttendanceMail.name, kind, causePrefix, sendAttendanceMail.maxAttempts],
  );
  return rows.length;
}
