import type { Grants } from '../../common/access/grants';
import type { Petition } from './petition.model';

type Scope = Pick<Petition, 'organisationId' | 'chapterId'>;

/** Chapter petitions: their organisers and admins; organisation-wide ones: admins. Plus PETITIONS_WRITE keys. */
export function mayManagePetition(grants: Grants, petition: Scope): boolean {
  const organisers = petition.chapterId
    ? grants.isOrganiser({ id: petition.chapterId, organisationId: petition.organisationId })
    : grants.isAdmin(petition.organisationId);
  return organisers || grants.keyHas(petition.organisationId, 'PETITIONS_WRITE');
}

/** DRAFT only for those who manage it; otherwise as visibility says (an organisation-wide CHAPTER petition reads as ORGANISATION). */
export function mayReadPetition(grants: Grants, petition: Scope & Pick<Petition, 'status' | 'visibility'>): boolean {
  if (mayManagePetition(grants, petition)) return true;
  if (petition.status === 'DRAFT') return false;
  const org = petition.organisationId;
  if (grants.keyHas(org, 'PETITIONS_READ') || grants.keyHas(org, 'SIGNATURES_READ') || grants.keyHas(org, 'SIGNATURES_WRITE')) return true;
  if (petition.visibility === 'PUBLIC') return true;
  if (petition.visibility === 'CHAPTER' && petition.chapterId) return grants.isActiveMember(petition.chapterId);
  return grants.activeOrganisationIds().includes(org);
}

/** Signers' personal data: organisers of the petition's chapter, admins, SIGNATURES_READ keys. */
export function mayReadSignatures(grants: Grants, petition: Scope): boolean {
  const organisers = petition.chapterId
    ? grants.isOrganiser({ id: petition.chapterId, organisationId: petition.organisationId })
    : grants.isAdmin(petition.organisationId);
  return organisers || grants.keyHas(petition.organisationId, 'SIGNATURES_READ');
}
