import type { Grants } from '../../common/access/grants';
import type { Chapter } from './chapter.model';
import type { MembershipStatus } from './membership.entity';

type ChapterScope = Pick<Chapter, 'id' | 'organisationId'>;

/**
 * Admins of the organisation only: create chapters, see and invite admins, revoke their invitations,
 * remove admins. No API key, whatever its scopes (DESIGN.md: "manage admins" has no key scope).
 */
export function mayAdministerOrganisation(grants: Grants, organisationId: string): boolean {
  return grants.isAdmin(organisationId);
}

/** ACTIVE organisers of the chapter and admins of its organisation: edit it, invite, approve, set roles, remove members. */
export function mayManageChapter(grants: Grants, chapter: ChapterScope): boolean {
  return grants.isOrganiser(chapter);
}

/** ACTIVE members for its ACTIVE members; PENDING too for those who manage it; both for MEMBERS_READ keys of its organisation. */
export function mayListMembers(grants: Grants, chapter: ChapterScope, status: MembershipStatus): boolean {
  if (mayManageChapter(grants, chapter) || grants.keyHas(chapter.organisationId, 'MEMBERS_READ')) return true;
  return status === 'ACTIVE' && grants.isActiveMember(chapter.id);
}

/**
 * Who may know that a membership of the chapter exists without managing it: its ACTIVE members and
 * MEMBERS_READ keys get FORBIDDEN for what they may not do; anyone else NOT_FOUND, as for no membership.
 */
export function mayKnowMembershipsOf(grants: Grants, chapter: ChapterScope): boolean {
  return grants.isActiveMember(chapter.id) || grants.keyHas(chapter.organisationId, 'MEMBERS_READ');
}
