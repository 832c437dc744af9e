import { randomBytes } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ModulesContainer } from '@nestjs/core';
import { PERSONAL_DATA_METADATA } from '../src/common/auth/access.decorators';
import { API_SCOPES } from '../src/common/auth/actor';
import { createApiKey, createChapter, createOrganisation, registerUser, revokeApiKey, TestUser } from './support/factories';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

/**
 * The permission matrix of DESIGN.md ("Who may do what"), cell by cell, through the real endpoint.
 *
 * One row per operation (every Query and Mutation field) and per personal-data field; one column per
 * actor. A cell is either OK (no error; the value looked at is non-null), NULL (no error; the value
 * is null: hidden rather than refused), or the exact error code of the one error the request gets.
 * Destructive rows build a fresh target for every cell, so cells do not depend on each other.
 */

const ACTORS = [
  'anonymous',
  'user',
  'member',
  'organiser',
  'otherOrganiser',
  'admin',
  'otherAdmin',
  'keyWithScope',
  'keyWithoutScope',
  'revokedKey',
] as const;
type ActorName = (typeof ACTORS)[number];

const OK = 'OK';
const NULL = 'NULL';
const UNAUTH = 'UNAUTHENTICATED';
const FORBID = 'FORBIDDEN';
const NOTFND = 'NOT_FOUND';
type Outcome = typeof OK | typeof NULL | typeof UNAUTH | typeof FORBID | typeof NOTFND | 'CONFLICT' | 'BAD_USER_INPUT';

interface Actor {
  name: ActorName;
  /** Bearer token: access token or API key; none for anonymous. */
  token?: string;
  /** The signed-in user behind the actor, if any. */
  user?: TestUser;
}

/** What a cell did: the response and the value whose null-ness decides OK vs NULL. */
interface Performed {
  res: GqlResponse;
  pick: (data: any) => unknown;
  /** For field rows: where a refusal must be reported, with the parent object still present. */
  fieldPath?: string[];
}

interface Row {
  /** `Query.x`, `Mutation.x`, or `Type.field (detail)` for field rows. */
  name: string;
  /** The schema coordinate the row covers (`Mutation.joinChapter`, `Chapter.members`). */
  covers: string;
  perform(actor: Actor): Promise<Performed>;
  /** In ACTORS order. */
  expected: readonly Outcome[];
}

const PASSWORD = 'correct horse battery';
const unique = () => randomBytes(4).toString('hex');

describe('permission matrix', () => {
  let t: TestApp;
  /** The world every cell runs against; built once. */
  const w = {} as {
    founder: TestUser; // created org A, A1 and A2; admin of A; not a column
    orgA: { id: string; slug: string };
    orgB: { id: string; slug: string };
    a1: { id: string; slug: string }; // OPEN; `member` and `organiser` belong here
    a2: { id: string; slug: string }; // APPROVAL; `otherOrganiser` organises it
    bystander: TestUser; // an ACTIVE member of A1 whose email is looked at
    applicant: TestUser; // a PENDING member of A1
    spare: TestUser; // logs in for the auth rows
    actors: Record<ActorName, Actor>;
  };

  const gql = (query: string, variables: Record<string, unknown>, actor?: Actor) => t.gql(query, variables, actor?.token);

  /** Runs a setup step as the founder (or another user); it must succeed. */
  async function setup<T = any>(query: string, variables: Record<string, unknown>, as: TestUser = w.founder): Promise<T> {
    const res = await t.gql(query, variables, as.token);
    if (res.errors) throw new Error(`setup failed: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  const JOIN = `mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`;
  const APPROVE = `mutation($id: ID!) { approveMembership(membershipId: $id) { id status } }`;
  const SET_ROLE = `mutation($id: ID!, $role: ChapterRole!) { setMembershipRole(membershipId: $id, role: $role) { id role } }`;

  /** `user` becomes an ACTIVE member (or organiser) of the chapter, whatever its join policy; returns the membership id. */
  async function enrol(user: TestUser, chapterId: string, role: 'MEMBER' | 'ORGANISER' = 'MEMBER'): Promise<string> {
    const joined = (await setup(JOIN, { id: chapterId }, user)).joinChapter;
    if (joined.status === 'PENDING') await setup(APPROVE, { id: joined.id });
    if (role === 'ORGANISER') await setup(SET_ROLE, { id: joined.id, role });
    return joined.id;
  }

  /**
   * A fresh chapter of organisation A, founded by the founder (its first organiser), in which the
   * actor holds the same place as in A1: `member` is an ACTIVE member, `organiser` an ACTIVE
   * organiser; everyone else has no membership (`otherOrganiser` organises A2 of the same organisation).
   */
  async function chapterFor(actor: Actor, joinPolicy: 'OPEN' | 'APPROVAL' | 'INVITE_ONLY' = 'OPEN'): Promise<string> {
    const chapter = await createChapter(t, w.founder, w.orgA.id, { joinPolicy: joinPolicy === 'INVITE_ONLY' ? 'OPEN' : joinPolicy });
    if (actor.name === 'member') await enrol(actor.user!, chapter.id);
    if (actor.name === 'organiser') await enrol(actor.user!, chapter.id, 'ORGANISER');
    if (joinPolicy === 'INVITE_ONLY') await setup(`mutation($id: ID!) { updateChapter(id: $id, input: { joinPolicy: INVITE_ONLY }) { id } }`, { id: chapter.id });
    return chapter.id;
  }

  /** A membership in a fresh chapter for the actor to manage: the applicant's, PENDING in an APPROVAL chapter. */
  async function pendingMembershipFor(actor: Actor): Promise<string> {
    const chapterId = await chapterFor(actor, 'APPROVAL');
    return (await setup(JOIN, { id: chapterId }, w.applicant)).joinChapter.id;
  }

  async function login(user: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
    return (await setup(`mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`, { input: { email: user.email, password: PASSWORD } }, user)).login;
  }

  const MEMBERS = (status: 'ACTIVE' | 'PENDING') =>
    `query($id: ID!) { chapter(id: $id) { id members(status: ${status}, first: 100) { totalCount edges { node { status user { id email } } } } } }`;

  // ------------------------------------------------------------------------------------------------
  // The matrix.               anonymous user    member  organiser otherOrg admin  otherAdmin keyScope keyNoScope revokedKey
  const PUBLIC_ROW = /*      */ [OK, OK, OK, OK, OK, OK, OK, OK, OK, UNAUTH] as const;
  const ANY_USER = /*        */ [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH] as const;
  const ADMIN_ONLY = /*      */ [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
  const ORGANISERS = /*      */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
  const MANAGE_MEMBERS = /*  */ [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH] as const;

  const rows: Row[] = [
    // ---------------------------------------------------------------- queries
    {
      name: 'Query.organisation',
      covers: 'Query.organisation',
      perform: async (a) => ({ res: await gql(`query($s: String!) { organisation(slug: $s) { id name } }`, { s: w.orgA.slug }, a), pick: (d) => d.organisation }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.organisations',
      covers: 'Query.organisations',
      perform: async (a) => ({ res: await gql(`{ organisations { totalCount edges { node { id } } } }`, {}, a), pick: (d) => (d.organisations.totalCount >= 2 ? d.organisations : null) }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.chapter',
      covers: 'Query.chapter',
      perform: async (a) => ({
        res: await gql(`query($id: ID!) { chapter(id: $id) { id name memberCount joinPolicy organisation { id } } }`, { id: w.a1.id }, a),
        pick: (d) => d.chapter,
      }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.me (null for anonymous and API keys)',
      covers: 'Query.me',
      perform: async (a) => ({ res: await gql(`{ me { id } }`, {}, a), pick: (d) => d.me }),
      //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, OK, OK, OK, OK, OK, OK, NULL, NULL, UNAUTH],
    },
    {
      name: 'Query.apiKeys',
      covers: 'Query.apiKeys',
      perform: async (a) => ({ res: await gql(`query($o: ID!) { apiKeys(organisationId: $o) { id prefix } }`, { o: w.orgA.id }, a), pick: (d) => d.apiKeys }),
      expected: ADMIN_ONLY,
    },

    // ---------------------------------------------------------------- auth flows: anyone
    {
      name: 'Mutation.register',
      covers: 'Mutation.register',
      perform: async (a) => ({
        res: await gql(`mutation($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, { input: { email: `matrix-${unique()}@example.org`, password: PASSWORD, displayName: 'New Person' } }, a),
        pick: (d) => d.register.accessToken,
      }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Mutation.login',
      covers: 'Mutation.login',
      perform: async (a) => ({
        res: await gql(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { email: w.spare.email, password: PASSWORD } }, a),
        pick: (d) => d.login.accessToken,
      }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Mutation.refreshSession',
      covers: 'Mutation.refreshSession',
      perform: async (a) => {
        const { refreshToken } = await login(w.spare);
        return { res: await gql(`mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }`, { r: refreshToken }, a), pick: (d) => d.refreshSession.accessToken };
      },
      expected: PUBLIC_ROW,
    },
    {
      name: 'Mutation.logout',
      covers: 'Mutation.logout',
      perform: async (a) => {
        const { refreshToken } = await login(w.spare);
        return { res: await gql(`mutation($r: String!) { logout(refreshToken: $r) }`, { r: refreshToken }, a), pick: (d) => d.logout || null };
      },
      expected: PUBLIC_ROW,
    },

    // ---------------------------------------------------------------- organisations
    {
      name: 'Mutation.createOrganisation',
      covers: 'Mutation.createOrganisation',
      perform: async (a) => ({
        res: await gql(`mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id viewerIsAdmin } }`, { input: { name: `Matrix ${unique()}` } }, a),
        pick: (d) => (d.createOrganisation.viewerIsAdmin ? d.createOrganisation : null),
      }),
      expected: ANY_USER,
    },
    {
      name: 'Mutation.addOrganisationAdmin',
      covers: 'Mutation.addOrganisationAdmin',
      perform: async (a) => {
        const target = await registerUser(t, 'Admin To Be');
        return { res: await gql(`mutation($o: ID!, $u: ID!) { addOrganisationAdmin(organisationId: $o, userId: $u) { id } }`, { o: w.orgA.id, u: target.id }, a), pick: (d) => d.addOrganisationAdmin };
      },
      expected: ADMIN_ONLY,
    },
    {
      name: 'Mutation.removeOrganisationAdmin',
      covers: 'Mutation.removeOrganisationAdmin',
      perform: async (a) => {
        const target = await registerUser(t, 'Admin To Go');
        await setup(`mutation($o: ID!, $u: ID!) { addOrganisationAdmin(organisationId: $o, userId: $u) { id } }`, { o: w.orgA.id, u: target.id });
        return { res: await gql(`mutation($o: ID!, $u: ID!) { removeOrganisationAdmin(organisationId: $o, userId: $u) { id } }`, { o: w.orgA.id, u: target.id }, a), pick: (d) => d.removeOrganisationAdmin };
      },
      expected: ADMIN_ONLY,
    },
    {
      name: 'Mutation.createChapter',
      covers: 'Mutation.createChapter',
      perform: async (a) => ({
        res: await gql(`mutation($input: CreateChapterInput!) { createChapter(input: $input) { id viewerMembership { role } } }`, { input: { organisationId: w.orgA.id, name: `Matrix ${unique()}`, timeZone: 'Europe/London' } }, a),
        pick: (d) => (d.createChapter.viewerMembership?.role === 'ORGANISER' ? d.createChapter : null),
      }),
      expected: ADMIN_ONLY,
    },
    {
      name: 'Mutation.updateChapter',
      covers: 'Mutation.updateChapter',
      perform: async (a) => ({
        res: await gql(`mutation($id: ID!, $d: String) { updateChapter(id: $id, input: { description: $d }) { id description } }`, { id: w.a1.id, d: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updateChapter.description === `Edited by ${a.name}` ? d.updateChapter : null),
      }),
      expected: ORGANISERS,
    },

    // ---------------------------------------------------------------- memberships
    {
      name: 'Mutation.joinChapter (an OPEN chapter)',
      covers: 'Mutation.joinChapter',
      perform: async (a) => {
        const chapterId = await chapterFor(a);
        return { res: await gql(`mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`, { id: chapterId }, a), pick: (d) => (d.joinChapter.status === 'ACTIVE' ? d.joinChapter : null) };
      },
      expected: ANY_USER,
    },
    {
      name: 'Mutation.leaveChapter (one more organiser remains)',
      covers: 'Mutation.leaveChapter',
      perform: async (a) => {
        const chapterId = await chapterFor(a);
        return { res: await gql(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: chapterId }, a), pick: (d) => d.leaveChapter || null };
      },
      //         anonymous user    member organiser otherOrg admin   otherAdmin keyScope keyNoScope revokedKey
      expected: [UNAUTH, NOTFND, OK, OK, NOTFND, NOTFND, NOTFND, FORBID, FORBID, UNAUTH],
    },
    {
      name: 'Mutation.approveMembership',
      covers: 'Mutation.approveMembership',
      perform: async (a) => {
        const membershipId = await pendingMembershipFor(a);
        return { res: await gql(`mutation($id: ID!) { approveMembership(membershipId: $id) { id status } }`, { id: membershipId }, a), pick: (d) => (d.approveMembership.status === 'ACTIVE' ? d.approveMembership : null) };
      },
      expected: MANAGE_MEMBERS,
    },
    {
      name: 'Mutation.setMembershipRole',
      covers: 'Mutation.setMembershipRole',
      perform: async (a) => {
        const chapterId = await chapterFor(a);
        const membershipId = await enrol(w.applicant, chapterId);
        return {
          res: await gql(`mutation($id: ID!) { setMembershipRole(membershipId: $id, role: ORGANISER) { id role } }`, { id: membershipId }, a),
          pick: (d) => (d.setMembershipRole.role === 'ORGANISER' ? d.setMembershipRole : null),
        };
      },
      expected: MANAGE_MEMBERS,
    },
    {
      name: 'Mutation.removeMembership',
      covers: 'Mutation.removeMembership',
      perform: async (a) => {
        const chapterId = await chapterFor(a);
        const membershipId = await enrol(w.applicant, chapterId);
        return { res: await gql(`mutation($id: ID!) { removeMembership(membershipId: $id) }`, { id: membershipId }, a), pick: (d) => d.removeMembership || null };
      },
      expected: MANAGE_MEMBERS,
    },
    {
      name: 'Mutation.inviteMember',
      covers: 'Mutation.inviteMember',
      perform: async (a) => ({
        res: await gql(`mutation($id: ID!, $e: String!) { inviteMember(input: { chapterId: $id, email: $e }) { token invitation { id } } }`, { id: w.a1.id, e: `invitee-${unique()}@example.org` }, a),
        pick: (d) => d.inviteMember.token,
      }),
      expected: ORGANISERS,
    },
    {
      name: 'Mutation.acceptInvitation (invited to an INVITE_ONLY chapter)',
      covers: 'Mutation.acceptInvitation',
      perform: async (a) => {
        const chapterId = await chapterFor(a, 'INVITE_ONLY');
        const email = a.user?.email ?? `nobody-${unique()}@example.org`;
        const { token } = (await setup(`mutation($id: ID!, $e: String!) { inviteMember(input: { chapterId: $id, email: $e }) { token } }`, { id: chapterId, e: email })).inviteMember;
        return { res: await gql(`mutation($t: String!) { acceptInvitation(token: $t) { id status } }`, { t: token }, a), pick: (d) => (d.acceptInvitation.status === 'ACTIVE' ? d.acceptInvitation : null) };
      },
      expected: ANY_USER,
    },

    // ---------------------------------------------------------------- API keys
    {
      name: 'Mutation.createApiKey',
      covers: 'Mutation.createApiKey',
      perform: async (a) => ({
        res: await gql(`mutation($o: ID!) { createApiKey(input: { organisationId: $o, name: "Matrix", scopes: [EVENTS_READ] }) { secret apiKey { id } } }`, { o: w.orgA.id }, a),
        pick: (d) => d.createApiKey.secret,
      }),
      expected: ADMIN_ONLY,
    },
    {
      name: 'Mutation.revokeApiKey (keys are invisible to non-admins)',
      covers: 'Mutation.revokeApiKey',
      perform: async (a) => {
        const key = await createApiKey(t, w.founder, w.orgA.id, ['EVENTS_READ']);
        return { res: await gql(`mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: key.id }, a), pick: (d) => d.revokeApiKey.revokedAt };
      },
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [UNAUTH, NOTFND, NOTFND, NOTFND, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
    },

    // ---------------------------------------------------------------- personal-data fields
    {
      name: 'Chapter.members (ACTIVE)',
      covers: 'Chapter.members',
      perform: async (a) => ({
        res: await gql(MEMBERS('ACTIVE'), { id: w.a1.id }, a),
        pick: (d) => (d.chapter.members?.edges.some((e: any) => e.node.user.id === w.bystander.id) ? d.chapter.members : null),
        fieldPath: ['chapter', 'members'],
      }),
      //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, OK, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: 'Chapter.members (PENDING)',
      covers: 'Chapter.members',
      perform: async (a) => ({
        res: await gql(MEMBERS('PENDING'), { id: w.a1.id }, a),
        pick: (d) => (d.chapter.members?.edges.some((e: any) => e.node.user.id === w.applicant.id && e.node.status === 'PENDING') ? d.chapter.members : null),
        fieldPath: ['chapter', 'members'],
      }),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: "User.email (another ACTIVE member's, through Chapter.members)",
      covers: 'User.email',
      perform: async (a) => ({
        res: await gql(MEMBERS('ACTIVE'), { id: w.a1.id }, a),
        pick: (d) => {
          const node = d.chapter.members?.edges.find((e: any) => e.node.user.id === w.bystander.id)?.node;
          if (node?.user.email != null) expect(node.user.email).toBe(w.bystander.email);
          return node?.user.email;
        },
        fieldPath: ['chapter', 'members'],
      }),
      //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, NULL, NULL, FORBID, OK, FORBID, NULL, FORBID, UNAUTH],
    },
    {
      name: "User.email (a PENDING applicant's, through Chapter.members)",
      covers: 'User.email',
      perform: async (a) => ({
        res: await gql(MEMBERS('PENDING'), { id: w.a1.id }, a),
        pick: (d) => {
          const node = d.chapter.members?.edges.find((e: any) => e.node.user.id === w.applicant.id)?.node;
          if (node?.user.email != null) expect(node.user.email).toBe(w.applicant.email);
          return node?.user.email;
        },
        fieldPath: ['chapter', 'members'],
      }),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, NULL, FORBID, OK, FORBID, NULL, FORBID, UNAUTH],
    },
    {
      name: 'User.email (own, through me)',
      covers: 'User.email',
      perform: async (a) => ({
        res: await gql(`{ me { id email } }`, {}, a),
        pick: (d) => {
          if (d.me) expect(d.me.email).toBe(a.user!.email);
          return d.me?.email;
        },
      }),
      //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, OK, OK, OK, OK, OK, OK, NULL, NULL, UNAUTH],
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    const [founder, bystander, applicant, spare, user, member, organiser, otherOrganiser, admin, otherAdmin] = await Promise.all([
      registerUser(t, 'Flora Founder'),
      registerUser(t, 'Bruno Bystander'),
      registerUser(t, 'Ana Applicant'),
      registerUser(t, 'Sam Spare'),
      registerUser(t, 'Uma User'),
      registerUser(t, 'Mario Member'),
      registerUser(t, 'Olga Organiser'),
      registerUser(t, 'Otto Otherorganiser'),
      registerUser(t, 'Ada Admin'),
      registerUser(t, 'Bea Otheradmin'),
    ]);
    Object.assign(w, { founder, bystander, applicant, spare });
    w.orgA = await createOrganisation(t, founder);
    w.orgB = await createOrganisation(t, otherAdmin);
    await createChapter(t, otherAdmin, w.orgB.id);
    w.a1 = await createChapter(t, founder, w.orgA.id, { joinPolicy: 'APPROVAL' });
    w.a2 = await createChapter(t, founder, w.orgA.id, { joinPolicy: 'APPROVAL' });
    // The applicant stays PENDING in A1; then A1 opens.
    await setup(JOIN, { id: w.a1.id }, applicant);
    await setup(`mutation($id: ID!) { updateChapter(id: $id, input: { joinPolicy: OPEN }) { id } }`, { id: w.a1.id });
    await enrol(bystander, w.a1.id);
    await enrol(member, w.a1.id);
    await enrol(organiser, w.a1.id, 'ORGANISER');
    await enrol(otherOrganiser, w.a2.id, 'ORGANISER');
    // The admin column is an admin with no membership at all: what it may do, it may as admin.
    await setup(`mutation($o: ID!, $u: ID!) { addOrganisationAdmin(organisationId: $o, userId: $u) { id } }`, { o: w.orgA.id, u: admin.id });
    const keyWithScope = await createApiKey(t, founder, w.orgA.id, [...API_SCOPES]);
    const keyWithoutScope = await createApiKey(t, founder, w.orgA.id, ['EVENTS_READ']);
    const revokedKey = await createApiKey(t, founder, w.orgA.id, [...API_SCOPES]);
    await revokeApiKey(t, founder, revokedKey.id);

    w.actors = {
      anonymous: { name: 'anonymous' },
      user: { name: 'user', token: user.token, user },
      member: { name: 'member', token: member.token, user: member },
      organiser: { name: 'organiser', token: organiser.token, user: organiser },
      otherOrganiser: { name: 'otherOrganiser', token: otherOrganiser.token, user: otherOrganiser },
      admin: { name: 'admin', token: admin.token, user: admin },
      otherAdmin: { name: 'otherAdmin', token: otherAdmin.token, user: otherAdmin },
      keyWithScope: { name: 'keyWithScope', token: keyWithScope.secret },
      keyWithoutScope: { name: 'keyWithoutScope', token: keyWithoutScope.secret },
      revokedKey: { name: 'revokedKey', token: revokedKey.secret },
    };
  });
  afterAll(() => t?.close());

  describe.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    it.each(ACTORS.map((actor, i) => [actor, row.expected[i]] as const))('%s → %s', async (actorName, expected) => {
      const { res, pick, fieldPath } = await row.perform(w.actors[actorName]);
      let outcome: string;
      if (res.errors?.length) {
        outcome = res.errors[0].extensions.code;
        // One refusal, one code: never a mix.
        expect(res.errors.map((e) => e.extensions.code)).toEqual(res.errors.map(() => outcome));
        if (fieldPath && outcome !== UNAUTH) {
          // A refused field is null at its own path; the rest of the response is intact.
          expect(res.errors[0].path).toEqual(fieldPath);
          expect(res.data?.[fieldPath[0]]).toEqual(expect.objectContaining({ [fieldPath[1]]: null }));
        }
      } else {
        const value = pick(res.data);
        outcome = value === null || value === undefined ? NULL : OK;
      }
      expect({ outcome, detail: res.errors?.[0]?.message ?? '' }).toEqual({ outcome: expected, detail: expect.any(String) });
    });
  });

  it('has a row for every Query and Mutation field and for every personal-data field', () => {
    const schema = t.app.get(GraphQLSchemaHost).schema;
    const operations = [schema.getQueryType(), schema.getMutationType()].flatMap((root) => Object.keys(root?.getFields() ?? {}).map((f) => `${root!.name}.${f}`));
    const personal: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.providers.values()) {
        const cls = wrapper.metatype as (new (...args: unknown[]) => object) | undefined;
        if (typeof cls !== 'function' || !Reflect.hasMetadata('graphql:resolver_type', cls)) continue;
        const parent = Reflect.getMetadata('graphql:resolver_type', cls);
        const parentName: string = typeof parent === 'function' ? (parent() as { name: string }).name : parent;
        for (const key of Object.getOwnPropertyNames(cls.prototype)) {
          const method = cls.prototype[key];
          if (key !== 'constructor' && typeof method === 'function' && Reflect.getMetadata(PERSONAL_DATA_METADATA, method)) {
            personal.push(`${parentName}.${Reflect.getMetadata('graphql:resolver_name', method) ?? key}`);
          }
        }
      }
    }
    expect(personal).toEqual(expect.arrayContaining(['Chapter.members', 'User.email']));
    const covered = new Set(rows.map((r) => r.covers));
    expect([...operations, ...personal].filter((c) => !covered.has(c))).toEqual([]);
    expect(rows.every((r) => r.expected.length === ACTORS.length)).toBe(true);
  });
});
