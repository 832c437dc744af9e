import type { Grants } from '../../common/access/grants';
import type { ApiScope } from '../../common/auth/actor';
import { DELETION_KINDS, DeletionKind } from './tombstone.entity';

/** The read scope that covers each kind of tombstone (SUPPORTERS_READ once supporters exist). */
const READ_SCOPE: Partial<Record<DeletionKind, ApiScope>> = {
  MEMBERSHIP: 'MEMBERS_READ',
  EVENT: 'EVENTS_READ',
  ATTENDANCE: 'ATTENDEES_READ',
  PETITION: 'PETITIONS_READ',
  SIGNATURE: 'SIGNATURES_READ',
  READING_LIST: 'READING_LISTS_READ',
};

/**
 * The kinds of an organisation's tombstones the caller may list: every kind for its admins, the
 * kinds its read scopes cover for a key of the organisation (maybe none), null for anyone else.
 */
export function readableDeletionKinds(grants: Grants, organisationId: string): DeletionKind[] | null {
  if (grants.isAdmin(organisationId)) return [...DELETION_KINDS];
  const actor = grants.actor;
  if (actor.kind !== 'apiKey' || actor.organisationId !== organisationId) return null;
  return DELETION_KINDS.filter((kind) => {
    const scope = READ_SCOPE[kind];
    return scope !== undefined && grants.keyHas(organisationId, scope);
  });
}
