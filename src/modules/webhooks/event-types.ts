import type { ApiScope } from '../../common/auth/actor';
import type { DeletionKind } from '../sync/tombstone.entity';

export const WEBHOOK_EVENT_TYPES = [
  'SIGNATURE_CONFIRMED',
  'ATTENDANCE_CHANGED',
  'EVENT_CHANGED',
  'PETITION_CHANGED',
  'PETITION_MILESTONE_REACHED',
  'MEMBERSHIP_CHANGED',
  'SUPPORTER_CHANGED',
  'DELETED',
  'PING',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The read scope a key needs to subscribe to an event type, and a caller to read its payloads (DESIGN.md "Partners"); none: always. */
export const EVENT_TYPE_SCOPE: Record<WebhookEventType, ApiScope | null> = {
  SIGNATURE_CONFIRMED: 'SIGNATURES_READ',
  ATTENDANCE_CHANGED: 'ATTENDEES_READ',
  EVENT_CHANGED: 'EVENTS_READ',
  PETITION_CHANGED: 'PETITIONS_READ',
  PETITION_MILESTONE_REACHED: 'PETITIONS_READ',
  MEMBERSHIP_CHANGED: 'MEMBERS_READ',
  SUPPORTER_CHANGED: 'SUPPORTERS_READ',
  DELETED: null,
  PING: null,
};

/** The scope that reads each kind of deleted thing: a DELETED message goes only where the endpoint's scopes read the kind. */
export const DELETION_KIND_SCOPE: Record<DeletionKind, ApiScope> = {
  EVENT: 'EVENTS_READ',
  ATTENDANCE: 'ATTENDEES_READ',
  PETITION: 'PETITIONS_READ',
  SIGNATURE: 'SIGNATURES_READ',
  SUPPORTER: 'SUPPORTERS_READ',
  MEMBERSHIP: 'MEMBERS_READ',
  READING_LIST: 'READING_LISTS_READ',
};

/** Seconds after the message was written at which attempt 1, 2, … 10 are made (0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h). */
export const ATTEMPT_DELAYS_S = [0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;
/** An endpoint failing without a single success this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3600_000;
/** The old secret signs alongside the new one this long after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;
export const DELIVERY_RETENTION_DAYS = 30;
export const REQUEST_TIMEOUT_MS = 15_000;
