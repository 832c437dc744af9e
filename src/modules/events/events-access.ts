import type { Grants } from '../../common/access/grants';
import type { KeyScopes } from '../../common/access/visibility-sql';
import type { Actor } from '../../common/auth/actor';
import type { AttendanceStatus } from './attendance.entity';
import type { Event } from './event.model';

/**
 * Who may do what with events and attendances: small pure functions over the caller's grants, used
 * by the events, attendances and calendar services (and their SQL forms, for lists, kept beside them).
 */

type Scope = Pick<Event, 'chapterId' | 'organisationId'>;
type Readable = Scope & Pick<Event, 'visibility' | 'status'>;

/** The SQL form of mayReadEvent's key rules (for whereVisibleTo). */
export const EVENT_KEY_SCOPES: KeyScopes = { manage: 'EVENTS_WRITE', read: ['EVENTS_READ', 'ATTENDEES_READ'] };

/** Organisers of the chapter and admins of its organisation. */
function organises(grants: Grants, event: Scope): boolean {
  return grants.isOrganiser({ id: event.chapterId, organisationId: event.organisationId });
}

/** Organisers of the chapter, admins of its organisation and EVENTS_WRITE keys of it manage an event. */
export function mayManageEvent(grants: Grants, event: Scope): boolean {
  return organises(grants, event) || grants.keyHas(event.organisationId, 'EVENTS_WRITE');
}

/** DRAFT events only for those who manage them; the rest as visibility says, plus the organisation's reading keys. */
export function mayReadEvent(grants: Grants, event: Readable): boolean {
  if (mayManageEvent(grants, event)) return true;
  if (event.status === 'DRAFT') return false;
  return grants.mayRead(event) || grants.keyHas(event.organisationId, 'EVENTS_READ') || grants.keyHas(event.organisationId, 'ATTENDEES_READ');
}

/** Who attends (names, emails, accounts of everyone): organisers, admins and ATTENDEES_READ keys. */
export function mayReadAttendees(grants: Grants, event: Scope): boolean {
  return organises(grants, event) || grants.keyHas(event.organisationId, 'ATTENDEES_READ');
}

/** The caller is the attendee: by account, or `isAttendee` when they proved it (their own RSVP, or a guest's emailed link). */
export function isOwnAttendance(grants: Grants, attendance: { userId: string | null; isAttendee?: boolean }): boolean {
  return Boolean(attendance.isAttendee) || (attendance.userId !== null && attendance.userId === grants.userId);
}

/** One attendance of an event the caller sees: the attendee themself, or whoever reads the event's attendees. */
export function mayReadAttendance(grants: Grants, event: Scope, attendance: { userId: string | null; isAttendee?: boolean }): boolean {
  return isOwnAttendance(grants, attendance) || mayReadAttendees(grants, event);
}

/** Checking people in: organisers of the chapter and admins, signed in (keys do not check in). */
export function mayCheckIn(grants: Grants, event: Scope): boolean {
  return grants.actor.kind === 'user' && organises(grants, event);
}

/**
 * What locates an event's place or lets someone in — the street address, postcode, exact coordinates
 * and online link: those who manage it and people GOING (`viewerStatus` is the caller's own live attendance).
 */
export function mayReadRestricted(grants: Grants, event: Scope, viewerStatus: AttendanceStatus | null | undefined): boolean {
  return mayManageEvent(grants, event) || viewerStatus === 'GOING';
}

/** Coordinates shown to those who may not read the exact place: rounded to 2 decimal places (about 1 km). */
export function roundCoordinate(value: number): number {
  // The same IEEE double operations as ROUNDED_COORDINATE_SQL, so `near` matches exactly the point shown.
  return Math.floor(value * 100 + 0.5) / 100;
}

/** roundCoordinate in SQL (float8 arithmetic, as in JavaScript). */
export const ROUNDED_COORDINATE_SQL = (column: string) => `(floor(${column} * 100 + 0.5) / 100)`;

/**
 * SQL that is true when the actor may read the exact place of event `alias` (mayReadRestricted):
 * EVENTS_WRITE keys of its organisation, its admins and organisers, and GOING attendees (by account or
 * by the account's email, as viewerAttendances matches them). Parameters are prefixed to stay apart.
 */
export function exactPlaceSql(alias: string, actor: Actor): { sql: string; params: Record<string, unknown> } {
  const a = alias;
  const userId = actor.kind === 'user' ? actor.userId : null;
  const keyManages = actor.kind === 'apiKey' && actor.scopes.has('EVENTS_WRITE') ? actor.organisationId : null;
  return {
    sql: `(${a}.organisationId = :placeKeyManages
      OR ${a}.organisationId IN (SELECT oa.organisation_id FROM organisation_admins oa WHERE oa.user_id = :placeUserId)
      OR ${a}.chapterId IN (SELECT m.chapter_id FROM memberships m WHERE m.user_id = :placeUserId AND m.role = 'ORGANISER' AND m.status = 'ACTIVE')
      OR EXISTS (SELECT 1 FROM attendances pa WHERE pa.event_id = ${a}.id AND pa.status = 'GOING'
                 AND (pa.user_id = :placeUserId OR pa.email = (SELECT u.email FROM users u WHERE u.id = :placeUserId))))`,
    params: { placeUserId: userId, placeKeyManages: keyManages },
  };
}
