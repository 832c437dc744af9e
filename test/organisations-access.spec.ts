import { Grants, MembershipGrant } from '../src/common/access/grants';
import { ANONYMOUS, API_SCOPES, ApiScope } from '../src/common/auth/actor';
import { mayAdministerOrganisation, mayKnowMembershipsOf, mayListMembers, mayManageChapter } from '../src/modules/organisations/organisations-access';
import { mayReadUserEmail } from '../src/modules/users/users-access';

/** The pure rules of organisations-access.ts and users-access.ts, over hand-built grants. */
const ORG = 'org-a';
const OTHER_ORG = 'org-b';
const chapter = { id: 'chapter-a1', organisationId: ORG };
const sibling = { id: 'chapter-a2', organisationId: ORG };

const user = (adminOf: string[] = [], memberships: Record<string, MembershipGrant> = {}) =>
  new Grants({ kind: 'user', userId: 'me' }, new Set(adminOf), new Map(Object.entries(memberships)));
const key = (scopes: readonly ApiScope[], organisationId = ORG) => new Grants({ kind: 'apiKey', apiKeyId: 'k', organisationId, scopes: new Set(scopes) });

const actors = {
  anonymous: new Grants(ANONYMOUS),
  user: user(),
  pending: user([], { [chapter.id]: { organisationId: ORG, role: 'MEMBER', status: 'PENDING' } }),
  pendingOrganiser: user([], { [chapter.id]: { organisationId: ORG, role: 'ORGANISER', status: 'PENDING' } }),
  member: user([], { [chapter.id]: { organisationId: ORG, role: 'MEMBER', status: 'ACTIVE' } }),
  organiser: user([], { [chapter.id]: { organisationId: ORG, role: 'ORGANISER', status: 'ACTIVE' } }),
  siblingOrganiser: user([], { [sibling.id]: { organisationId: ORG, role: 'ORGANISER', status: 'ACTIVE' } }),
  admin: user([ORG]),
  otherAdmin: user([OTHER_ORG]),
  keyAllScopes: key(API_SCOPES),
  keyMembersRead: key(['MEMBERS_READ']),
  otherOrgKey: key(API_SCOPES, OTHER_ORG),
};
type Name = keyof typeof actors;
const allowed = (rule: (g: Grants) => boolean) => (Object.keys(actors) as Name[]).filter((name) => rule(actors[name]));

describe('organisations-access', () => {
  it('mayAdministerOrganisation: admins of that organisation only, never a key', () => {
    expect(allowed((g) => mayAdministerOrganisation(g, ORG))).toEqual(['admin']);
  });

  it('mayManageChapter: ACTIVE organisers of the chapter and admins', () => {
    expect(allowed((g) => mayManageChapter(g, chapter))).toEqual(['organiser', 'admin']);
  });

  it('mayListMembers: ACTIVE for ACTIVE members; PENDING only for those who manage it; MEMBERS_READ keys both', () => {
    expect(allowed((g) => mayListMembers(g, chapter, 'ACTIVE'))).toEqual(['member', 'organiser', 'admin', 'keyAllScopes', 'keyMembersRead']);
    expect(allowed((g) => mayListMembers(g, chapter, 'PENDING'))).toEqual(['organiser', 'admin', 'keyAllScopes', 'keyMembersRead']);
  });

  it('mayKnowMembershipsOf: ACTIVE members and MEMBERS_READ keys (FORBIDDEN rather than NOT_FOUND)', () => {
    expect(allowed((g) => mayKnowMembershipsOf(g, chapter))).toEqual(['member', 'organiser', 'keyAllScopes', 'keyMembersRead']);
  });
});

describe('users-access: mayReadUserEmail', () => {
  it('the user themself, whatever organisations they belong to', () => {
    expect(mayReadUserEmail(actors.user, 'me', [])).toBe(true);
  });

  it("admins of one of the user's organisations (ACTIVE membership or accepted ADMIN role); nobody else", () => {
    expect(allowed((g) => mayReadUserEmail(g, 'someone', [ORG]))).toEqual(['admin']);
    expect(allowed((g) => mayReadUserEmail(g, 'someone', [OTHER_ORG]))).toEqual(['otherAdmin']);
    expect(allowed((g) => mayReadUserEmail(g, 'someone', []))).toEqual([]);
  });
});
