import type { Actor, ApiScope } from '../../src/common/auth/actor';
import { Grants, MembershipGrant } from '../../src/common/access/grants';
import { mayManagePetition, mayReadPetition, mayReadSignatures } from '../../src/modules/petitions/petition-access';

const ORG = 'org-1';
const user: Actor = { kind: 'user', userId: 'user-1' };
const key = (...scopes: ApiScope[]) => new Grants({ kind: 'apiKey', apiKeyId: 'key-1', organisationId: ORG, scopes: new Set(scopes) });
const as = (memberships: Record<string, MembershipGrant> = {}, adminOf: string[] = []) =>
  new Grants(user, new Set(adminOf), new Map(Object.entries(memberships)));

const organiserOfA1 = as({ a1: { organisationId: ORG, role: 'ORGANISER', status: 'ACTIVE' } });
const memberOfA1 = as({ a1: { organisationId: ORG, role: 'MEMBER', status: 'ACTIVE' } });
const admin = as({}, [ORG]);
const stranger = as();

type Status = 'DRAFT' | 'OPEN' | 'CLOSED';
type Vis = 'PUBLIC' | 'ORGANISATION' | 'CHAPTER';
const petition = (status: Status, visibility: Vis, chapterId: string | null = 'a1') => ({ organisationId: ORG, chapterId, status, visibility });

describe('petition access', () => {
  it('lets the chapter organisers, admins and PETITIONS_WRITE keys manage a chapter petition', () => {
    const p = petition('OPEN', 'PUBLIC');
    expect([organiserOfA1, admin, key('PETITIONS_WRITE')].map((g) => mayManagePetition(g, p))).toEqual([true, true, true]);
    expect([memberOfA1, stranger, key('PETITIONS_READ', 'SIGNATURES_READ')].map((g) => mayManagePetition(g, p))).toEqual([false, false, false]);
  });

  it('lets only admins and PETITIONS_WRITE keys manage an organisation-wide petition', () => {
    const p = petition('OPEN', 'PUBLIC', null);
    expect([admin, key('PETITIONS_WRITE')].map((g) => mayManagePetition(g, p))).toEqual([true, true]);
    expect(mayManagePetition(organiserOfA1, p)).toBe(false);
  });

  it('shows a DRAFT only to those who manage it', () => {
    const p = petition('DRAFT', 'PUBLIC');
    expect([organiserOfA1, admin, key('PETITIONS_WRITE')].map((g) => mayReadPetition(g, p))).toEqual([true, true, true]);
    expect([memberOfA1, stranger, key('PETITIONS_READ')].map((g) => mayReadPetition(g, p))).toEqual([false, false, false]);
  });

  it('shows a published petition by visibility, and to keys with any petition or signature scope', () => {
    for (const status of ['OPEN', 'CLOSED'] as const) {
      expect(mayReadPetition(stranger, petition(status, 'PUBLIC'))).toBe(true);
      expect(mayReadPetition(stranger, petition(status, 'ORGANISATION'))).toBe(false);
      expect(mayReadPetition(memberOfA1, petition(status, 'CHAPTER'))).toBe(true);
      expect(mayReadPetition(as({ a2: { organisationId: ORG, role: 'MEMBER', status: 'ACTIVE' } }), petition(status, 'CHAPTER'))).toBe(false);
    }
    for (const scope of ['PETITIONS_READ', 'SIGNATURES_READ', 'SIGNATURES_WRITE'] as const)
      expect(mayReadPetition(key(scope), petition('OPEN', 'CHAPTER'))).toBe(true);
    expect(mayReadPetition(key('EVENTS_READ'), petition('OPEN', 'CHAPTER'))).toBe(false);
    expect(mayReadPetition(key('EVENTS_READ'), petition('OPEN', 'PUBLIC'))).toBe(true);
  });

  it("gives signers' personal data to those who organise the petition and SIGNATURES_READ keys, not to PETITIONS_WRITE keys", () => {
    const p = petition('OPEN', 'PUBLIC');
    expect([organiserOfA1, admin, key('SIGNATURES_READ')].map((g) => mayReadSignatures(g, p))).toEqual([true, true, true]);
    expect([memberOfA1, stranger, key('PETITIONS_WRITE', 'SIGNATURES_WRITE')].map((g) => mayReadSignatures(g, p))).toEqual([false, false, false]);
    expect(mayReadSignatures(organiserOfA1, petition('OPEN', 'PUBLIC', null))).toBe(false);
  });
});
