import type { AttendanceEntity } from '../events/attendance.entity';
import type { EventEntity } from '../events/event.entity';
import type { MembershipEntity } from '../organisations/membership.entity';
import type { PetitionEntity } from '../petitions/petition.entity';
import type { SignatureEntity } from '../petitions/signature.entity';

/*
 * The `data` of each message, as the read scope of its event type would see the thing
 * (EVENTS_READ, PETITIONS_READ, MEMBERS_READ, ATTENDEES_READ): nothing a holder of that scope could
 * not read anyway. Features call these next to their single `emitWebhookEvent` line.
 */

export const eventPayload = (e: EventEntity) => ({
  id: e.id,
  chapterId: e.chapterId,
  title: e.title,
  status: e.status,
  visibility: e.visibility,
  startsAt: e.startsAt,
  endsAt: e.endsAt,
  timeZone: e.timeZone,
  capacity: e.capacity,
  goingCount: e.goingCount,
  waitlistCount: e.waitlistCount,
  updatedAt: e.updatedAt,
});

export const petitionPayload = (p: PetitionEntity) => ({
  id: p.id,
  chapterId: p.chapterId,
  slug: p.slug,
  title: p.title,
  target: p.target,
  goal: p.goal,
  status: p.status,
  visibility: p.visibility,
  closesAt: p.closesAt,
  updatedAt: p.updatedAt,
});

/** Members' names are MEMBERS_READ's; the message names the membership and its state, receivers read names through the API. */
export const membershipPayload = (m: Pick<MembershipEntity, 'id' | 'chapterId' | 'userId' | 'role' | 'updatedAt'> & { status: string }) => ({
  id: m.id,
  chapterId: m.chapterId,
  userId: m.userId,
  role: m.role,
  status: m.status,
  updatedAt: m.updatedAt,
});

/** ATTENDEES_READ sees attendees' names and emails, so the message carries them. */
export const attendancePayload = (a: AttendanceEntity) => ({
  id: a.id,
  eventId: a.eventId,
  userId: a.userId,
  name: a.name,
  email: a.email,
  status: a.status,
  checkedInAt: a.checkedInAt,
  updatedAt: a.updatedAt,
});

/** The signature as SIGNATURES_READ reads it through Petition.signatures. */
export const signaturePayload = (s: SignatureEntity) => ({
  id: s.id,
  petitionId: s.petitionId,
  fullName: s.fullName,
  email: s.email,
  postcode: s.postcode,
  country: s.country,
  comment: s.comment,
  displayPublicly: s.displayPublicly,
  contactConsent: s.contactConsent,
  consentWordingId: s.contactConsent ? s.consentWordingId : null,
  source: s.source,
  confirmedAt: s.confirmedAt,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
