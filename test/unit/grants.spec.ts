import type { Actor, ApiScope } from '../../src/common/auth/actor';
import { Grants, MembershipGrant } from '../../src/common/access/grants';

/** Grants in memory: an actor with admin rights and memberships given directly, no database. */
const ORG = 'org-1';
const OTHER_ORG = 'org-2';
const user: Actor = { kind: 'user', userId: 'user-1' };
const key = (...scopes: ApiScope[]): Actor => ({ kind: 'apiKey', apiKeyId: 'key-1', organisationId: ORG, scopes: new Set(scopes) });
const grants = (memberships: Record<string, MembershipGrant> = {}, adminOf: string[] = [], actor: Actor = user) =>
  new Grants(actor, new Set(adminOf), new Map(Object.entries(memberships)));

const organiser: MembershipGrant = { organisationId: ORG, role: 'ORGANISER', status: 'ACTIVE' };
const member: MembershipGrant = { organisationId: ORG, role: 'MEMBER', status: 'ACTIVE' };
const pending: MembershipGrant = { organisationId: ORG, role: 'MEMBER', status: 'PENDING' };

describe('Grants', () => {
  it('knows the user behind a user actor only', () => {
    expect(grants().userId).toBe('user-1');
    expect(grants({}, [], key()).userId).toBeUndefined();
    expect(grants({}, [], { kind: 'anonymous' }).userId).toBeUndefined();
  });

  it('counts as organiser of a chapter its ACTIVE organisers and the admins of its organisation', () => {
    const chapter = { id: 'ch-1', organisationId: ORG };
    expect(grants({ 'ch-1': organiser }).isOrganiser(chapter)).toBe(true);
    expect(grants({}, [ORG]).isOrganiser(chapter)).toBe(true);
    expect(grants({ 'ch-1': member }).isOrganiser(chapter)).toBe(false);
    expect(grants({ 'ch-1': { ...organiser, status: 'PENDING' } }).isOrganiser(chapter)).toBe(false);
    expect(grants({ 'ch-2': organiser }).isOrganiser(chapter)).toBe(false);
    expect(grants({}, [OTHER_ORG]).isOrganiser(chapter)).toBe(false);
  });

  it('counts as active member only an ACTIVE membership of that chapter', () => {
    expect(grants({ 'ch-1': member }).isActiveMember('ch-1')).toBe(true);
    expect(grants({ 'ch-1': organiser }).isActiveMember('ch-1')).toBe(true);
    expect(grants({ 'ch-1': pending }).isActiveMember('ch-1')).toBe(false);
    expect(grants({ 'ch-1': member }).isActiveMember('ch-2')).toBe(false);
  });

  it('grants a key scope only to a key of that organisation holding it', () => {
    expect(grants({}, [], key('EVENTS_READ')).keyHas(ORG, 'EVENTS_READ')).toBe(true);
    expect(grants({}, [], key('EVENTS_READ')).keyHas(ORG, 'EVENTS_WRITE')).toBe(false);
    expect(grants({}, [], key('EVENTS_READ')).keyHas(OTHER_ORG, 'EVENTS_READ')).toBe(false);
    expect(grants({}, [ORG]).keyHas(ORG, 'EVENTS_READ')).toBe(false);
  });

  it('lists each organisation with an ACTIVE membership once, leaving out PENDING ones', () => {
    const g = grants({ 'ch-1': member, 'ch-2': organiser, 'ch-3': { ...pending, organisationId: OTHER_ORG } });
    expect(g.activeOrganisationIds()).toEqual([ORG]);
    expect(grants({}, [ORG, OTHER_ORG]).adminOrganisationIds().sort()).toEqual([ORG, OTHER_ORG]);
  });

  describe('mayRead', () => {
    const thing = (visibility: 'PUBLIC' | 'ORGANISATION' | 'CHAPTER', chapterId: string | null = 'ch-1') => ({ visibility, chapterId, organisationId: ORG });

    it('lets anyone read a PUBLIC thing', () => {
      expect(new Grants({ kind: 'anonymous' }).mayRead(thing('PUBLIC'))).toBe(true);
    });

    it('lets ACTIVE members of any chapter of the organisation read an ORGANISATION thing', () => {
      expect(grants({ 'ch-9': member }).mayRead(thing('ORGANISATION'))).toBe(true);
      expect(grants({ 'ch-9': pending }).mayRead(thing('ORGANISATION'))).toBe(false);
      expect(grants({ 'ch-9': { ...member, organisationId: OTHER_ORG } }).mayRead(thing('ORGANISATION'))).toBe(false);
      expect(new Grants({ kind: 'anonymous' }).mayRead(thing('ORGANISATION'))).toBe(false);
    });

    it("lets only ACTIVE members of the thing's own chapter read a CHAPTER thing", () => {
      expect(grants({ 'ch-1': member }).mayRead(thing('CHAPTER'))).toBe(true);
      expect(grants({ 'ch-1': pending }).mayRead(thing('CHAPTER'))).toBe(false);
      expect(grants({ 'ch-9': member }).mayRead(thing('CHAPTER'))).toBe(false);
    });

    it('reads a chapterless CHAPTER thing as organisation-wide', () => {
      expect(grants({ 'ch-9': member }).mayRead(thing('CHAPTER', null))).toBe(true);
      expect(grants({ 'ch-9': { ...member, organisationId: OTHER_ORG } }).mayRead(thing('CHAPTER', null))).toBe(false);
    });

    it('leaves admins and keys to the callers (visibility alone does not let them read)', () => {
      expect(grants({}, [ORG]).mayRead(thing('ORGANISATION'))).toBe(false);
      expect(grants({}, [], key('PETITIONS_READ')).mayRead(thing('ORGANISATION'))).toBe(false);
    });
  });
});
