import { randomBytes } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ModulesContainer } from '@nestjs/core';
import { resolverDeclarations } from '../src/common/auth/access-declarations';
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
  /** The display name the user registered with. */
  displayName?: string;
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
const DAY = 24 * 3600_000;
const NAMES = {
  founder: 'Flora Founder',
  bystander: 'Bruno Bystander',
  user: 'Uma User',
  member: 'Mario Member',
  organiser: 'Olga Organiser',
  otherOrganiser: 'Otto Otherorganiser',
  admin: 'Ada Admin',
  otherAdmin: 'Bea Otheradmin',
} as const;
/** What every event of the matrix carries behind the GOING/organiser check. */
const ONLINE_URL = 'https://meet.example.org/matrix-vigil';
const ADDRESS_LINE = '12 Calle Sucre';

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
    /** A word in the titles of the listed events, so Query.events rows find them among the rest. */
    listed: string;
    ev: {
      public: string; // PUBLIC, published; the bystander and every signed-in column are GOING
      bystanderAttendance: string; // the bystander's attendance of `public`
      organisation: string; // ORGANISATION, published, listed
      chapter: string; // CHAPTER, published, listed; the bystander is GOING
      draft: string; // PUBLIC but DRAFT, listed
      memberGoing: string; // PUBLIC, published, link and address; only `member` is GOING
      memberWaitlisted: string; // the same, capacity 1: the bystander is GOING, `member` WAITLISTED
    };
  };

  const gql = (query: string, variables: Record<string, unknown>, actor?: Actor) => t.gql(query, variables, actor?.token);

  /** Runs a setup step as the founder (or another user); it must succeed. */
  async function setup<T = any>(query: string, variables: Record<string, unknown>, as: TestUser = w.founder): Promise<T> {
    const res = await t.gql(query, variables, as.token);
    if (res.errors) throw new Error(`setup failed: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  /** Runs a setup step as an actor (anonymous included); it must succeed. */
  async function setupAs<T = any>(actor: Actor, query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await gql(query, variables, actor);
    if (res.errors) throw new Error(`setup as ${actor.name} failed: ${JSON.stringify(res.errors)}`);
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

  /**
   * Undoes a membership a cell gained in a chapter of A, so that later rows find every column where
   * the world puts it (ORGANISATION events of A are visible to members of any of its chapters).
   */
  async function leaveAgain(actor: Actor, chapterId: string, joined: unknown): Promise<void> {
    if (joined && actor.user) await setup(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: chapterId }, actor.user);
  }

  /** A membership in a fresh chapter for the actor to manage: the applicant's, PENDING in an APPROVAL chapter. */
  async function pendingMembershipFor(actor: Actor): Promise<string> {
    const chapterId = await chapterFor(actor, 'APPROVAL');
    return (await setup(JOIN, { id: chapterId }, w.applicant)).joinChapter.id;
  }

  async function login(user: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
    return (await setup(`mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`, { input: { email: user.email, password: PASSWORD } }, user)).login;
  }

  const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id status } }`;
  const PUBLISH_EVENT = `mutation($id: ID!) { publishEvent(id: $id) { id status } }`;
  const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { cancelToken attendance { id status } } }`;
  const EVENT = `query($id: ID!) { event(id: $id) { id title status visibility } }`;
  const LISTED = `query($f: EventFilter) { events(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
  const ATTENDEES = `query($id: ID!) { event(id: $id) { id attendees(first: 100) { totalCount edges { node { id name email user { id } } } } } }`;
  const VIEWER_ATTENDANCE = `query($id: ID!) { event(id: $id) { id viewerAttendance { id status name email user { id } } } }`;
  const RESTRICTED = `query($id: ID!) { event(id: $id) { id onlineUrl location { city addressLine } } }`;

  /** The input of an event of A1 (or another chapter) a month from now, with a street address and an online link. */
  function eventInput(extra: Record<string, unknown> = {}) {
    const startsAt = new Date(Date.now() + 30 * DAY);
    return {
      chapterId: w.a1.id,
      title: `Matrix vigil ${unique()}`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
      timeZone: 'America/La_Paz',
      location: { venue: 'Casa Bolivia', addressLine: ADDRESS_LINE, city: 'London' },
      onlineUrl: ONLINE_URL,
      visibility: 'PUBLIC',
      ...extra,
    };
  }

  /** A fresh event of A1 made by the founder (an organiser of A1 and admin of A): published unless `draft`. */
  async function newEvent(extra: Record<string, unknown> = {}, draft = false): Promise<string> {
    const { id } = (await setup(CREATE_EVENT, { input: eventInput(extra) })).createEvent;
    if (!draft) await setup(PUBLISH_EVENT, { id });
    return id;
  }

  const newGuest = () => ({ name: 'Gina Guest', email: `guest-${unique()}@example.org` });

  /** `user` RSVPs to the event with their account; returns the attendance. */
  async function rsvpAs(user: TestUser, eventId: string): Promise<{ id: string; status: string }> {
    return (await setup(RSVP, { input: { eventId } }, user)).rsvp.attendance;
  }

  /** Whether the event is in the Query.events answer for the listed word in A1. */
  const listedEvent = (which: 'organisation' | 'chapter' | 'draft') => async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED, { f: { chapterId: w.a1.id, search: w.listed } }, a),
    pick: (d) => d.events.edges.find((e: any) => e.node.id === w.ev[which])?.node,
  });

  const MEMBERS = (status: 'ACTIVE' | 'PENDING') =>
    `query($id: ID!) { chapter(id: $id) { id members(status: ${status}, first: 100) { totalCount edges { node { status user { id email } } } } } }`;

  // ------------------------------------------------------------------------------------------------
  // The matrix.               anonymous user    member  organiser otherOrg admin  otherAdmin keyScope keyNoScope revokedKey
  const PUBLIC_ROW = /*      */ [OK, OK, OK, OK, OK, OK, OK, OK, OK, UNAUTH] as const;
  const ANY_USER = /*        */ [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH] as const;
  const ADMIN_ONLY = /*      */ [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
  const ORGANISERS = /*      */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
  const MANAGE_MEMBERS = /*  */ [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH] as const;
  // Events of A1. Seeing one (null for those who may not):
  const SEE_ORGANISATION = /**/ [NULL, NULL, OK, OK, OK, OK, NULL, OK, OK, UNAUTH] as const;
  const SEE_CHAPTER = /*     */ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, OK, UNAUTH] as const;
  const SEE_DRAFT = /*       */ [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  // Managing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by EVENTS_WRITE.
  const MANAGE_EVENT = /*    */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  const MANAGE_CHAPTER = /*  */ [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  const MANAGE_DRAFT = /*    */ [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  // RSVP to a PUBLIC event, or cancel one's own: anyone (anonymous and EVENTS_WRITE keys as guests).
  const RSVP_PUBLIC = /*     */ [OK, OK, OK, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
  // Attendees' personal data: organisers, admins, ATTENDEES_READ keys; FORBIDDEN at Event.attendees for the rest.
  const ATTENDEES_ROW = /*   */ [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  // The caller's own attendance (every signed-in column RSVPed): theirs to read.
  const OWN_ATTENDANCE = /*  */ [NULL, OK, OK, OK, OK, OK, OK, NULL, NULL, UNAUTH] as const;
  // Street address and online link: GOING attendees, organisers, admins, EVENTS_WRITE keys.
  const RESTRICTED_GOING = /**/ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  const RESTRICTED_WAIT = /* */ [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;

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
        const res = await gql(`mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`, { id: chapterId }, a);
        await leaveAgain(a, chapterId, res.data?.joinChapter);
        return { res, pick: (d) => (d.joinChapter.status === 'ACTIVE' ? d.joinChapter : null) };
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
        const res = await gql(`mutation($t: String!) { acceptInvitation(token: $t) { id status } }`, { t: token }, a);
        await leaveAgain(a, chapterId, res.data?.acceptInvitation);
        return { res, pick: (d) => (d.acceptInvitation.status === 'ACTIVE' ? d.acceptInvitation : null) };
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

    // ---------------------------------------------------------------- events: reading
    {
      name: 'Query.event (a PUBLIC event)',
      covers: 'Query.event',
      perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.public }, a), pick: (d) => d.event }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.event (an ORGANISATION event of A1)',
      covers: 'Query.event',
      perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.organisation }, a), pick: (d) => d.event }),
      expected: SEE_ORGANISATION,
    },
    {
      name: 'Query.event (a CHAPTER event of A1)',
      covers: 'Query.event',
      perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.chapter }, a), pick: (d) => d.event }),
      expected: SEE_CHAPTER,
    },
    {
      name: 'Query.event (a DRAFT event of A1)',
      covers: 'Query.event',
      perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.draft }, a), pick: (d) => d.event }),
      expected: SEE_DRAFT,
    },
    {
      name: 'Query.events (lists an ORGANISATION event of A1)',
      covers: 'Query.events',
      perform: listedEvent('organisation'),
      expected: SEE_ORGANISATION,
    },
    {
      name: 'Query.events (lists a CHAPTER event of A1)',
      covers: 'Query.events',
      perform: listedEvent('chapter'),
      expected: SEE_CHAPTER,
    },
    {
      name: 'Query.events (lists a DRAFT event of A1)',
      covers: 'Query.events',
      perform: listedEvent('draft'),
      expected: SEE_DRAFT,
    },

    // ---------------------------------------------------------------- events: managing
    {
      name: 'Mutation.createEvent (in A1)',
      covers: 'Mutation.createEvent',
      perform: async (a) => ({ res: await gql(CREATE_EVENT, { input: eventInput() }, a), pick: (d) => (d.createEvent.status === 'DRAFT' ? d.createEvent : null) }),
      expected: MANAGE_EVENT,
    },
    {
      name: 'Mutation.updateEvent (a published PUBLIC event)',
      covers: 'Mutation.updateEvent',
      perform: async (a) => {
        const id = await newEvent();
        return {
          res: await gql(`mutation($id: ID!, $t: String) { updateEvent(id: $id, input: { title: $t }) { id title } }`, { id, t: `Edited by ${a.name}` }, a),
          pick: (d) => (d.updateEvent.title === `Edited by ${a.name}` ? d.updateEvent : null),
        };
      },
      expected: MANAGE_EVENT,
    },
    {
      name: 'Mutation.updateEvent (a published CHAPTER event)',
      covers: 'Mutation.updateEvent',
      perform: async (a) => {
        const id = await newEvent({ visibility: 'CHAPTER' });
        return {
          res: await gql(`mutation($id: ID!, $t: String) { updateEvent(id: $id, input: { title: $t }) { id title } }`, { id, t: `Edited by ${a.name}` }, a),
          pick: (d) => (d.updateEvent.title === `Edited by ${a.name}` ? d.updateEvent : null),
        };
      },
      expected: MANAGE_CHAPTER,
    },
    {
      name: 'Mutation.publishEvent (a DRAFT event)',
      covers: 'Mutation.publishEvent',
      perform: async (a) => {
        const id = await newEvent({}, true);
        return { res: await gql(PUBLISH_EVENT, { id }, a), pick: (d) => (d.publishEvent.status === 'PUBLISHED' ? d.publishEvent : null) };
      },
      expected: MANAGE_DRAFT,
    },
    {
      name: 'Mutation.publishEvent (a published PUBLIC event: nothing changes)',
      covers: 'Mutation.publishEvent',
      perform: async (a) => {
        const id = await newEvent();
        return { res: await gql(PUBLISH_EVENT, { id }, a), pick: (d) => (d.publishEvent.status === 'PUBLISHED' ? d.publishEvent : null) };
      },
      expected: MANAGE_EVENT,
    },
    {
      name: 'Mutation.cancelEvent (a published PUBLIC event)',
      covers: 'Mutation.cancelEvent',
      perform: async (a) => {
        const id = await newEvent();
        return {
          res: await gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { id status } }`, { id }, a),
          pick: (d) => (d.cancelEvent.status === 'CANCELLED' ? d.cancelEvent : null),
        };
      },
      expected: MANAGE_EVENT,
    },
    {
      name: 'Mutation.cancelEvent (a DRAFT event)',
      covers: 'Mutation.cancelEvent',
      perform: async (a) => {
        const id = await newEvent({}, true);
        return {
          res: await gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { id status } }`, { id }, a),
          pick: (d) => (d.cancelEvent.status === 'CANCELLED' ? d.cancelEvent : null),
        };
      },
      expected: MANAGE_DRAFT,
    },

    // ---------------------------------------------------------------- events: attending
    {
      name: 'Mutation.rsvp (a PUBLIC event; anonymous and keys as guests)',
      covers: 'Mutation.rsvp',
      perform: async (a) => {
        const eventId = await newEvent();
        return {
          res: await gql(RSVP, { input: { eventId, guest: a.user ? undefined : newGuest() } }, a),
          // Guests get a cancel token, members none.
          pick: (d) => (d.rsvp.attendance.status === 'GOING' && (d.rsvp.cancelToken === null) === Boolean(a.user) ? d.rsvp.attendance : null),
        };
      },
      expected: RSVP_PUBLIC,
    },
    {
      name: 'Mutation.rsvp (a CHAPTER event of A1; guests only to PUBLIC events)',
      covers: 'Mutation.rsvp',
      perform: async (a) => {
        const eventId = await newEvent({ visibility: 'CHAPTER' });
        return {
          res: await gql(RSVP, { input: { eventId, guest: a.user ? undefined : newGuest() } }, a),
          pick: (d) => (d.rsvp.attendance.status === 'GOING' ? d.rsvp.attendance : null),
        };
      },
      // A key RSVPs guests, and guests RSVP to PUBLIC events only (DESIGN.md, "Who may do what"; RsvpInput.guest in
      // the contract): the key sees this event but may not put a guest on it, as its admin could not either.
      //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NOTFND, NOTFND, OK, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
    },
    {
      name: "Mutation.cancelRsvp (the actor's own RSVP to a PUBLIC event; guests by cancel token)",
      covers: 'Mutation.cancelRsvp',
      perform: async (a) => {
        const eventId = await newEvent();
        let cancelToken: string | null = null;
        if (a.user) await rsvpAs(a.user, eventId);
        else {
          // A key without EVENTS_WRITE cannot RSVP: its guest RSVPed anonymously and handed it the token.
          const by = a.name === 'keyWithScope' ? a : w.actors.anonymous;
          cancelToken = (await setupAs(by, RSVP, { input: { eventId, guest: newGuest() } })).rsvp.cancelToken;
        }
        return {
          res: await gql(`mutation($e: ID!, $c: String) { cancelRsvp(eventId: $e, cancelToken: $c) { id status } }`, { e: eventId, c: cancelToken }, a),
          pick: (d) => (d.cancelRsvp.status === 'CANCELLED' ? d.cancelRsvp : null),
        };
      },
      expected: RSVP_PUBLIC,
    },
    {
      name: "Mutation.checkIn (the bystander's attendance of a PUBLIC event)",
      covers: 'Mutation.checkIn',
      perform: async (a) => {
        const attendance = await rsvpAs(w.bystander, await newEvent());
        return {
          res: await gql(`mutation($id: ID!) { checkIn(attendanceId: $id) { id checkedInAt } }`, { id: attendance.id }, a),
          pick: (d) => d.checkIn.checkedInAt,
        };
      },
      expected: ORGANISERS,
    },
    {
      name: "Mutation.checkIn (the bystander's attendance of a CHAPTER event)",
      covers: 'Mutation.checkIn',
      perform: async (a) => {
        const attendance = await rsvpAs(w.bystander, await newEvent({ visibility: 'CHAPTER' }));
        return {
          res: await gql(`mutation($id: ID!) { checkIn(attendanceId: $id) { id checkedInAt } }`, { id: attendance.id }, a),
          pick: (d) => d.checkIn.checkedInAt,
        };
      },
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
    },

    // ---------------------------------------------------------------- calendar tokens (the caller's own)
    {
      name: 'Mutation.resetCalendarToken',
      covers: 'Mutation.resetCalendarToken',
      perform: async (a) => ({ res: await gql(`mutation { resetCalendarToken }`, {}, a), pick: (d) => d.resetCalendarToken }),
      expected: ANY_USER,
    },
    {
      name: 'Mutation.revokeCalendarToken',
      covers: 'Mutation.revokeCalendarToken',
      perform: async (a) => {
        if (a.user) await setup(`mutation { resetCalendarToken }`, {}, a.user);
        return { res: await gql(`mutation { revokeCalendarToken }`, {}, a), pick: (d) => d.revokeCalendarToken || null };
      },
      expected: ANY_USER,
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

    // ---------------------------------------------------------------- personal-data fields of events
    {
      name: 'Event.attendees (a PUBLIC event)',
      covers: 'Event.attendees',
      perform: async (a) => ({
        res: await gql(ATTENDEES, { id: w.ev.public }, a),
        pick: (d) => (d.event.attendees?.edges.some((e: any) => e.node.id === w.ev.bystanderAttendance) ? d.event.attendees : null),
        fieldPath: ['event', 'attendees'],
      }),
      expected: ATTENDEES_ROW,
    },
    {
      name: 'Event.attendees (a CHAPTER event: null event for those who may not see it)',
      covers: 'Event.attendees',
      perform: async (a) => ({
        res: await gql(ATTENDEES, { id: w.ev.chapter }, a),
        pick: (d) => (d.event?.attendees?.edges.some((e: any) => e.node.name === NAMES.bystander) ? d.event.attendees : null),
        fieldPath: ['event', 'attendees'],
      }),
      //         anonymous user member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, NULL, FORBID, OK, NULL, OK, NULL, OK, FORBID, UNAUTH],
    },
    ...(['name', 'email', 'user'] as const).map(
      (field): Row => ({
        name: `Attendance.${field} (the bystander's, through Event.attendees)`,
        covers: `Attendance.${field}`,
        perform: async (a) => ({
          res: await gql(ATTENDEES, { id: w.ev.public }, a),
          pick: (d) => {
            const node = d.event.attendees?.edges.find((e: any) => e.node.id === w.ev.bystanderAttendance)?.node;
            const value = field === 'user' ? node?.user?.id : node?.[field];
            if (value != null) expect(value).toBe({ name: NAMES.bystander, email: w.bystander.email, user: w.bystander.id }[field]);
            return value;
          },
          fieldPath: ['event', 'attendees'],
        }),
        expected: ATTENDEES_ROW,
      }),
    ),
    ...(['name', 'email', 'user'] as const).map(
      (field): Row => ({
        name: `Attendance.${field} (own, through Event.viewerAttendance)`,
        covers: `Attendance.${field}`,
        perform: async (a) => ({
          res: await gql(VIEWER_ATTENDANCE, { id: w.ev.public }, a),
          pick: (d) => {
            const own = d.event.viewerAttendance;
            const value = field === 'user' ? own?.user?.id : own?.[field];
            if (value != null) expect(value).toBe({ name: a.displayName, email: a.user?.email, user: a.user?.id }[field]);
            return value;
          },
        }),
        expected: OWN_ATTENDANCE,
      }),
    ),
    {
      name: 'Attendance.email (own, through the rsvp payload; guests included)',
      covers: 'Attendance.email',
      perform: async (a) => {
        const guest = newGuest();
        return {
          res: await gql(`mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id name email } } }`, { input: { eventId: await newEvent(), guest: a.user ? undefined : guest } }, a),
          pick: (d) => {
            const value = d.rsvp.attendance.email;
            if (value != null) expect(value).toBe(a.user ? a.user.email : guest.email);
            return value;
          },
        };
      },
      expected: RSVP_PUBLIC,
    },
    {
      name: "Attendance.email (the bystander's, when the actor RSVPs with the bystander's email as guest)",
      covers: 'Attendance.email',
      perform: async (a) => ({
        res: await gql(`mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id name email } } }`, { input: { eventId: w.ev.public, guest: { name: 'Imposter', email: w.bystander.email } } }, a),
        // Signed-in actors RSVP as themselves whatever the guest input says; the rest must not learn the bystander's data.
        pick: (d) => (d.rsvp.attendance.email === w.bystander.email ? d.rsvp.attendance.email : null),
      }),
      //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, NULL, NULL, NULL, NULL, NULL, NULL, OK, FORBID, UNAUTH],
    },
    {
      name: 'Event.onlineUrl (a PUBLIC event where `member` is GOING)',
      covers: 'Event.onlineUrl',
      perform: async (a) => ({
        res: await gql(RESTRICTED, { id: w.ev.memberGoing }, a),
        pick: (d) => {
          if (d.event.onlineUrl != null) expect(d.event.onlineUrl).toBe(ONLINE_URL);
          return d.event.onlineUrl;
        },
      }),
      expected: RESTRICTED_GOING,
    },
    {
      name: 'Event.onlineUrl (the same, through Query.events)',
      covers: 'Event.onlineUrl',
      perform: async (a) => ({
        res: await gql(`query($f: EventFilter) { events(filter: $f, first: 100) { edges { node { id onlineUrl } } } }`, { f: { chapterId: w.a1.id, search: w.listed } }, a),
        pick: (d) => d.events.edges.find((e: any) => e.node.id === w.ev.memberGoing)!.node.onlineUrl,
      }),
      expected: RESTRICTED_GOING,
    },
    {
      name: 'Event.onlineUrl (a PUBLIC event where `member` is WAITLISTED)',
      covers: 'Event.onlineUrl',
      perform: async (a) => ({ res: await gql(RESTRICTED, { id: w.ev.memberWaitlisted }, a), pick: (d) => d.event.onlineUrl }),
      expected: RESTRICTED_WAIT,
    },
    {
      name: 'EventLocation.addressLine (a PUBLIC event where `member` is GOING)',
      covers: 'EventLocation.addressLine',
      perform: async (a) => ({
        res: await gql(RESTRICTED, { id: w.ev.memberGoing }, a),
        pick: (d) => {
          expect(d.event.location.city).toBe('London'); // the rest of the location is public
          if (d.event.location.addressLine != null) expect(d.event.location.addressLine).toBe(ADDRESS_LINE);
          return d.event.location.addressLine;
        },
      }),
      expected: RESTRICTED_GOING,
    },
    {
      name: 'EventLocation.addressLine (a PUBLIC event where `member` is WAITLISTED)',
      covers: 'EventLocation.addressLine',
      perform: async (a) => ({ res: await gql(RESTRICTED, { id: w.ev.memberWaitlisted }, a), pick: (d) => d.event.location.addressLine }),
      expected: RESTRICTED_WAIT,
    },
  ];

  beforeAll(async () => {
    t = await startTestApp();
    const [founder, bystander, applicant, spare, user, member, organiser, otherOrganiser, admin, otherAdmin] = await Promise.all([
      registerUser(t, NAMES.founder),
      registerUser(t, NAMES.bystander),
      registerUser(t, 'Ana Applicant'),
      registerUser(t, 'Sam Spare'),
      registerUser(t, NAMES.user),
      registerUser(t, NAMES.member),
      registerUser(t, NAMES.organiser),
      registerUser(t, NAMES.otherOrganiser),
      registerUser(t, NAMES.admin),
      registerUser(t, NAMES.otherAdmin),
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
      user: { name: 'user', token: user.token, user, displayName: NAMES.user },
      member: { name: 'member', token: member.token, user: member, displayName: NAMES.member },
      organiser: { name: 'organiser', token: organiser.token, user: organiser, displayName: NAMES.organiser },
      otherOrganiser: { name: 'otherOrganiser', token: otherOrganiser.token, user: otherOrganiser, displayName: NAMES.otherOrganiser },
      admin: { name: 'admin', token: admin.token, user: admin, displayName: NAMES.admin },
      otherAdmin: { name: 'otherAdmin', token: otherAdmin.token, user: otherAdmin, displayName: NAMES.otherAdmin },
      keyWithScope: { name: 'keyWithScope', token: keyWithScope.secret },
      keyWithoutScope: { name: 'keyWithoutScope', token: keyWithoutScope.secret },
      revokedKey: { name: 'revokedKey', token: revokedKey.secret },
    };

    // Events of A1, made by the founder (organiser of A1, admin of A).
    w.listed = `listed${unique()}`;
    const title = (what: string) => `${what} ${w.listed}`;
    const [publicEvent, organisation, chapter, draft, memberGoing, memberWaitlisted] = await Promise.all([
      newEvent(),
      newEvent({ visibility: 'ORGANISATION', title: title('Organisation assembly') }),
      newEvent({ visibility: 'CHAPTER', title: title('Chapter meeting') }),
      newEvent({ title: title('Draft rally') }, true),
      newEvent({ title: title('Members-going vigil') }),
      newEvent({ capacity: 1 }),
    ]);
    const bystanderAttendance = (await rsvpAs(bystander, publicEvent)).id;
    await Promise.all([user, member, organiser, otherOrganiser, admin, otherAdmin].map((u) => rsvpAs(u, publicEvent)));
    await rsvpAs(bystander, chapter);
    expect((await rsvpAs(member, memberGoing)).status).toBe('GOING');
    expect((await rsvpAs(bystander, memberWaitlisted)).status).toBe('GOING');
    expect((await rsvpAs(member, memberWaitlisted)).status).toBe('WAITLISTED');
    w.ev = { public: publicEvent, bystanderAttendance, organisation, chapter, draft, memberGoing, memberWaitlisted };
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
    const personal = resolverDeclarations(t.app.get(ModulesContainer))
      .filter((d) => d.personalData)
      .map((d) => d.coordinate);
    expect(personal).toEqual(expect.arrayContaining(['Chapter.members', 'User.email']));
    const covered = new Set(rows.map((r) => r.covers));
    expect([...operations, ...personal].filter((c) => !covered.has(c))).toEqual([]);
    expect(rows.every((r) => r.expected.length === ACTORS.length)).toBe(true);
  });
});
