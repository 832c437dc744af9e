import { Grants, MembershipGrant } from '../src/common/access/grants';
import type { ApiScope } from '../src/common/auth/actor';
import {
  isOwnAttendance,
  mayCheckIn,
  mayManageEvent,
  mayReadAttendance,
  mayReadAttendees,
  mayReadEvent,
  mayReadRestricted,
  roundCoordinate,
} from '../src/modules/events/events-access';

/** The pure access rules of events, over hand-made grants (no database). */

const ORG = 'org-1';
const OTHER_ORG = 'org-2';
const CHAPTER = 'chapter-a';
const SIBLING = 'chapter-b'; // another chapter of ORG

const user = (memberships: Record<string, Partial<MembershipGrant>> = {}, adminOf: string[] = []) =>
  new Grants(
    { kind: 'user', userId: 'me' },
    new Set(adminOf),
    new Map(Object.entries(memberships).map(([id, m]) => [id, { organisationId: ORG, role: 'MEMBER', status: 'ACTIVE', ...m } as MembershipGrant])),
  );
const key = (scopes: ApiScope[], organisationId = ORG) => new Grants({ kind: 'apiKey', apiKeyId: 'k', organisationId, scopes: new Set(scopes) });

const anonymous = new Grants({ kind: 'anonymous' });
const member = user({ [CHAPTER]: {} });
const pending = user({ [CHAPTER]: { status: 'PENDING' } });
const siblingMember = user({ [SIBLING]: {} });
const organiser = user({ [CHAPTER]: { role: 'ORGANISER' } });
const pendingOrganiser = user({ [CHAPTER]: { role: 'ORGANISER', status: 'PENDING' } });
const siblingOrganiser = user({ [SIBLING]: { role: 'ORGANISER' } });
const admin = user({}, [ORG]);
const otherAdmin = user({}, [OTHER_ORG]);
const stranger = user();

const event = (extra: Partial<{ visibility: 'PUBLIC' | 'ORGANISATION' | 'CHAPTER'; status: 'DRAFT' | 'PUBLISHED' | 'CANCELLED' }> = {}) => ({
  chapterId: CHAPTER,
  organisationId: ORG,
  visibility: 'PUBLIC' as const,
  status: 'PUBLISHED' as const,
  ...extra,
});

describe('events access rules', () => {
  it('mayManageEvent: ACTIVE organisers of the chapter, admins of its organisation and its EVENTS_WRITE keys', () => {
    for (const g of [organiser, admin, key(['EVENTS_WRITE'])]) expect(mayManageEvent(g, event())).toBe(true);
    for (const g of [anonymous, member, pendingOrganiser, siblingOrganiser, otherAdmin, stranger, key(['EVENTS_READ']), key(['EVENTS_WRITE'], OTHER_ORG)]) {
      expect(mayManageEvent(g, event())).toBe(false);
    }
  });

  it('mayReadEvent: drafts only for those who manage them; published events by visibility and reading keys', () => {
    const draft = event({ status: 'DRAFT' });
    expect([organiser, admin, key(['EVENTS_WRITE'])].map((g) => mayReadEvent(g, draft))).toEqual([true, true, true]);
    expect([member, key(['EVENTS_READ']), anonymous].map((g) => mayReadEvent(g, draft))).toEqual([false, false, false]);

    const chapterOnly = event({ visibility: 'CHAPTER' });
    expect([member, pending, siblingMember, stranger, anonymous].map((g) => mayReadEvent(g, chapterOnly))).toEqual([true, false, false, false, false]);
    const orgWide = event({ visibility: 'ORGANISATION' });
    expect([member, siblingMember, pending, stranger].map((g) => mayReadEvent(g, orgWide))).toEqual([true, true, false, false]);
    expect([anonymous, stranger, otherAdmin].map((g) => mayReadEvent(g, event()))).toEqual([true, true, true]);
    expect(
      [key(['EVENTS_READ']), key(['ATTENDEES_READ']), key(['PETITIONS_READ']), key(['EVENTS_READ'], OTHER_ORG)].map((g) => mayReadEvent(g, chapterOnly)),
    ).toEqual([true, true, false, false]);
  });

  it('mayReadAttendees: organisers, admins and ATTENDEES_READ keys, not EVENTS_WRITE or EVENTS_READ keys', () => {
    expect([organiser, admin, key(['ATTENDEES_READ'])].map((g) => mayReadAttendees(g, event()))).toEqual([true, true, true]);
    expect(
      [member, siblingOrganiser, key(['EVENTS_WRITE']), key(['EVENTS_READ']), key(['ATTENDEES_READ'], OTHER_ORG)].map((g) => mayReadAttendees(g, event())),
    ).toEqual([false, false, false, false, false]);
  });

  it('mayReadAttendance: the attendee themself (by account or proof), or whoever reads the attendees', () => {
    expect(mayReadAttendance(member, event(), { userId: 'me' })).toBe(true);
    expect(mayReadAttendance(anonymous, event(), { userId: null, isAttendee: true })).toBe(true);
    expect(mayReadAttendance(member, event(), { userId: 'someone-else' })).toBe(false);
    expect(mayReadAttendance(anonymous, event(), { userId: null })).toBe(false);
    expect(mayReadAttendance(siblingOrganiser, event(), { userId: 'someone-else' })).toBe(false);
    expect(mayReadAttendance(organiser, event(), { userId: 'someone-else' })).toBe(true);
    expect(mayReadAttendance(key(['ATTENDEES_READ']), event(), { userId: null })).toBe(true);
    // A guest attendance (no account) is nobody's by account, even an anonymous caller's.
    expect(isOwnAttendance(anonymous, { userId: null })).toBe(false);
    expect(isOwnAttendance(key(['EVENTS_WRITE']), { userId: null })).toBe(false);
  });

  it('mayCheckIn: signed-in organisers and admins only', () => {
    expect([organiser, admin].map((g) => mayCheckIn(g, event()))).toEqual([true, true]);
    expect(
      [member, pendingOrganiser, siblingOrganiser, otherAdmin, key(['EVENTS_WRITE', 'ATTENDEES_READ']), anonymous].map((g) => mayCheckIn(g, event())),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('mayReadRestricted: those who manage the event and people GOING, not waitlisted or cancelled', () => {
    for (const g of [organiser, admin, key(['EVENTS_WRITE'])]) expect(mayReadRestricted(g, event(), null)).toBe(true);
    expect(mayReadRestricted(member, event(), 'GOING')).toBe(true);
    expect(mayReadRestricted(stranger, event(), 'GOING')).toBe(true);
    for (const status of ['WAITLISTED', 'CANCELLED', null, undefined] as const) expect(mayReadRestricted(member, event(), status)).toBe(false);
    for (const g of [anonymous, key(['EVENTS_READ', 'ATTENDEES_READ']), siblingOrganiser, otherAdmin]) expect(mayReadRestricted(g, event(), null)).toBe(false);
  });

  it('roundCoordinate: 2 decimal places, about 1 km, halves upwards, on both sides of zero', () => {
    expect([51.50734, -0.12776, -16.5, 0.125, -0.125, 179.999, -89.996, 0].map(roundCoordinate)).toEqual([51.51, -0.13, -16.5, 0.13, -0.12, 180, -90, 0]);
    // Never further than half a hundredth of a degree from the exact value.
    for (const value of [12.3449, -68.1351, 0.005, 33.33333]) expect(Math.abs(roundCoordinate(value) - value)).toBeLessThanOrEqual(0.005 + 1e-12);
  });
});
