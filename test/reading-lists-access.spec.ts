import { Grants, MembershipGrant } from '../src/common/access/grants';
import type { ApiScope } from '../src/common/auth/actor';
import { mayKeepReadingStatus, mayManageList, mayReadList, mayShareWith } from '../src/modules/reading-lists/reading-lists-access';

/** The pure access rules of reading lists, over hand-made grants (no database). */

const ORG = 'org-1';
const OTHER_ORG = 'org-2';
const OWNER = 'chapter-a';
const SIBLING = 'chapter-b'; // another chapter of ORG
const SHARED = 'chapter-c'; // of ORG, the list is shared with it
const FAR = 'chapter-x'; // of OTHER_ORG, the list is shared with it

const user = (memberships: Record<string, Partial<MembershipGrant>> = {}, adminOf: string[] = []) =>
  new Grants(
    { kind: 'user', userId: 'me' },
    new Set(adminOf),
    new Map(
      Object.entries(memberships).map(([id, m]) => [
        id,
        { organisationId: id === FAR ? OTHER_ORG : ORG, role: 'MEMBER', status: 'ACTIVE', ...m } as MembershipGrant,
      ]),
    ),
  );
const key = (scopes: ApiScope[], organisationId = ORG) => new Grants({ kind: 'apiKey', apiKeyId: 'k', organisationId, scopes: new Set(scopes) });

const anonymous = new Grants({ kind: 'anonymous' });
const ownerMember = user({ [OWNER]: {} });
const pendingOwnerMember = user({ [OWNER]: { status: 'PENDING' } });
const siblingMember = user({ [SIBLING]: {} });
const sharedMember = user({ [SHARED]: {} });
const farMember = user({ [FAR]: {} });
const organiser = user({ [OWNER]: { role: 'ORGANISER' } });
const admin = user({}, [ORG]);
const stranger = user();
const sharedWith = [SHARED, FAR];

const list = (visibility: 'PUBLIC' | 'ORGANISATION' | 'CHAPTER') => ({ chapterId: OWNER, organisationId: ORG, visibility });

describe('reading lists access rules', () => {
  it('mayManageList: organisers of the owning chapter, admins and READING_LISTS_WRITE keys', () => {
    expect([organiser, admin, key(['READING_LISTS_WRITE'])].map((g) => mayManageList(g, list('CHAPTER')))).toEqual([true, true, true]);
    expect(
      [ownerMember, siblingMember, key(['READING_LISTS_READ']), key(['READING_LISTS_WRITE'], OTHER_ORG), anonymous].map((g) =>
        mayManageList(g, list('PUBLIC')),
      ),
    ).toEqual([false, false, false, false, false]);
  });

  it('mayReadList: visibility, plus members of shared chapters for CHAPTER lists', () => {
    const who = [anonymous, stranger, ownerMember, pendingOwnerMember, siblingMember, sharedMember, farMember, admin, key(['READING_LISTS_READ'])];
    expect(who.map((g) => mayReadList(g, list('CHAPTER'), sharedWith))).toEqual([false, false, true, false, false, true, true, true, true]);
    expect(who.map((g) => mayReadList(g, list('ORGANISATION'), sharedWith))).toEqual([false, false, true, false, true, true, false, true, true]);
    expect(who.map((g) => mayReadList(g, list('PUBLIC'), sharedWith))).toEqual(who.map(() => true));
  });

  it('mayKeepReadingStatus (and so readCount): people who may read the list now as members; never keys or anonymous callers', () => {
    const who = [anonymous, stranger, ownerMember, pendingOwnerMember, siblingMember, sharedMember, farMember, admin, key(['READING_LISTS_WRITE'])];
    expect(who.map((g) => mayKeepReadingStatus(g, list('CHAPTER'), sharedWith))).toEqual([false, false, true, false, false, true, true, true, false]);
    expect(who.map((g) => mayKeepReadingStatus(g, list('ORGANISATION'), sharedWith))).toEqual([false, false, true, false, true, true, false, true, false]);
    expect(who.map((g) => mayKeepReadingStatus(g, list('PUBLIC'), sharedWith))).toEqual([false, false, true, false, true, true, true, true, false]);
    // Unshared, a member of that chapter no longer counts.
    expect(mayKeepReadingStatus(farMember, list('PUBLIC'), [])).toBe(false);
    expect(mayKeepReadingStatus(sharedMember, list('CHAPTER'), [])).toBe(false);
  });

  it('mayKeepReadingStatus never allows more than mayReadList', () => {
    const who = [anonymous, stranger, ownerMember, pendingOwnerMember, siblingMember, sharedMember, farMember, admin, organiser, key(['READING_LISTS_READ'])];
    for (const visibility of ['PUBLIC', 'ORGANISATION', 'CHAPTER'] as const) {
      for (const shares of [[], sharedWith]) {
        for (const g of who) if (mayKeepReadingStatus(g, list(visibility), shares)) expect(mayReadList(g, list(visibility), shares)).toBe(true);
      }
    }
  });

  it('mayShareWith: any chapter of the organisation; another organisation’s chapter only for who organises it', () => {
    const far = { id: FAR, organisationId: OTHER_ORG };
    expect(mayShareWith(organiser, list('CHAPTER'), { id: SIBLING, organisationId: ORG })).toBe(true);
    expect(mayShareWith(organiser, list('CHAPTER'), far)).toBe(false);
    expect(mayShareWith(user({ [OWNER]: { role: 'ORGANISER' }, [FAR]: { role: 'ORGANISER' } }), list('CHAPTER'), far)).toBe(true);
    expect(mayShareWith(user({ [FAR]: {} }), list('CHAPTER'), far)).toBe(false);
    expect(mayShareWith(user({}, [ORG, OTHER_ORG]), list('CHAPTER'), far)).toBe(true);
  });
});
