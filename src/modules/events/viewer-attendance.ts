import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { preparedQuery, selectColumns } from '../../common/database/raw-reads';
import { byKey, RequestContext } from '../../common/graphql/request-context';
import { AttendanceEntity } from './attendance.entity';
import { Attendance, toAttendance } from './attendance.model';

/** The viewer's live attendance of each event of a list, as JSON, for the list's own statement (`:viewerId`). */
export const VIEWER_ATTENDANCE_SELECT = `(
  SELECT json_build_object('id', a.id, 'eventId', a.event_id, 'userId', a.user_id, 'name', a.name, 'email', a.email, 'status', a.status,
                           'waitlistPosition', a.waitlist_position, 'checkedInAt', a.checked_in_at, 'createdAt', a.created_at)
    FROM attendances a
   WHERE a.event_id = e.id AND a.status <> 'CANCELLED'
     AND (a.user_id = :viewerId OR a.email = (SELECT u.email FROM users u WHERE u.id = :viewerId AND u.email_verified_at IS NOT NULL))
   LIMIT 1)`;

type AttendanceJson = Omit<AttendanceEntity, 'checkedInAt' | 'createdAt'> & { checkedInAt: string | null; createdAt: string };

/** Matched by the caller's account or its verified email: theirs, personal data included. */
function theirs(row: AttendanceEntity): Attendance {
  return { ...toAttendance(row), viewerIsAttendee: true };
}

export function fromViewerJson(json: AttendanceJson | null): Attendance | null {
  if (!json) return null;
  return theirs({ ...json, checkedInAt: json.checkedInAt ? new Date(json.checkedInAt) : null, createdAt: new Date(json.createdAt) } as AttendanceEntity);
}

/**
 * The signed-in caller's live attendance per event, for the request. Event lists prime it from their
 * own statement; anything else loads it in one statement per batch of events.
 */
export function viewerAttendances(ctx: RequestContext, dataSource: DataSource, userId: string): DataLoader<string, Attendance | null> {
  return ctx.loader<string, Attendance | null>('attendances.viewer', async (eventIds) => {
    const columns = selectColumns(dataSource.getMetadata(AttendanceEntity), 'a');
    const rows = await preparedQuery<AttendanceEntity>(
      dataSource,
      // Two index probes per event: by the account's email (the one-live-per-person index) and by account.
      // The email counts only once verified: registering someone else's address shows nothing of their RSVP.
      `SELECT ${columns} FROM attendances a
        WHERE a.event_id = ANY($1) AND a.status <> 'CANCELLED' AND a.email = (SELECT email FROM users WHERE id = $2 AND email_verified_at IS NOT NULL)
       UNION
       SELECT ${columns} FROM attendances a
        WHERE a.user_id = $2 AND a.event_id = ANY($1) AND a.status <> 'CANCELLED'`,
      [eventIds, userId],
    );
    return byKey(eventIds, rows.map(theirs), (a) => a.eventId);
  });
}
