import type { Grants } from '../../common/access/grants';
import type { Petition } from './petition.model';

type Scope = Pick<Petition, 'organisationId' | 'chapterId'>;

/** Organisers of a chapter petition's chapter and admins; admins only for an organisation-wide one. */
function organises(grants: Grants, petition: Scope): boolean {
  return petition.chapterId ? grants.isOrganiser({ id: petition.chapterId, organisationId: petition.organisationId }) : grants.isAdmin(petition.organisationId);
}

/** Those who organise it, plus PETITIONS_WRITE keys. */
export function mayManagePetition(grants: Grants, petition: Scope): boolean {
  return organises(grants, petition) || grants.keyHas(petition.organisationId, 'PETITIONS_WRITE');
}

/** DRAFT only for those who manage it; otherwise as visibility says (an organisation-wide CHAPTER petition reads as ORGANISATION). */
export function mayReadPetition(grants: Grants, petition: Scope & Pick<Petition, 'status' | 'visibility'>): boolean {
  if (mayManagePetition(grants, petition)) return true;
  if (petition.status === 'DRAFT') return false;
  const org = petition.organisationId;
  return grants.keyHas(org, 'PETITIONS_READ') || grants.keyHas(org, 'SIGNATURES_READ') || grants.keyHas(org, 'SIGNATURES_WRITE') || grants.mayRead(petition);
}

/** Signers' personal data: organisers of the petition's chapter, admins, SIGNATURES_READ keys. */
export function mayReadSignatures(grants: Grants, petition: Scope): boolean {
  return organises(grants, petition) || grants.keyHas(petition.organisationId, 'SIGNATURES_READ');
}
