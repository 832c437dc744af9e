import type { Grants } from '../../common/access/grants';

/**
 * Whether the caller sees a user's email, given the organisations in which that user holds an ACTIVE
 * membership or an (always accepted) ADMIN role: the user themself, or an admin of one of those
 * organisations. PENDING memberships and unaccepted admin invitations never count; API keys never see it.
 */
export function mayReadUserEmail(grants: Grants, userId: string, organisationsOfUser: readonly string[]): boolean {
  if (grants.userId === userId) return true;
  return organisationsOfUser.some((organisationId) => grants.isAdmin(organisationId));
}
