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
 * Plain HTTP endpoints that hand out personal data (the signatures CSV) have rows too, their status
 * read as a code: 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND, 200 OK.
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
  /**
   * Checks a refused response (any code but UNAUTHENTICATED) where fieldPath cannot describe it: one
   * refusal per node of a list, a field under a mutation payload, a plain HTTP answer. Replaces fieldPath.
   */
  refusal?: (res: GqlResponse) => void;
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
    /** Signers of the matrix petitions: `signer` is shown publicly, `hiddenSigner` is not. */
    signer: { fullName: string; email: string };
    hiddenSigner: { fullName: string; email: string };
    pt: {
      public: string; // PUBLIC, OPEN, of A1, listed; signed by the signer and the hidden signer
      organisation: string; // ORGANISATION, OPEN, of A1, listed
      chapter: string; // CHAPTER, OPEN, of A1, listed; signed by the signer
      draft: string; // PUBLIC but DRAFT, of A1, listed
      closed: string; // PUBLIC, CLOSED, of A1
      orgWide: string; // organisation-wide (no chapter), ORGANISATION, OPEN, listed
      orgWidePublic: string; // organisation-wide, PUBLIC, OPEN; signed by the signer
      orgWideDraft: string; // organisation-wide, PUBLIC but DRAFT, listed
      a2: string; // PUBLIC, OPEN, of A2 (organised by `otherOrganiser`); signed by the signer
      a2Unsigned: string; // the same, without signatures
    };
    b1: { id: string; slug: string }; // organisation B's chapter, created (so organised) by `otherAdmin`
    rl: {
      public: string; // PUBLIC, of A1, listed; one item, which the bystander has marked READ
      readItem: string; // that item
      organisation: string; // ORGANISATION, of A1, listed
      chapter: string; // CHAPTER, of A1, listed
      shared: string; // CHAPTER, of A2, listed, shared with A1
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

  const CREATE_PETITION = `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id status } }`;
  const OPEN_PETITION = `mutation($id: ID!) { openPetition(id: $id) { id status } }`;
  const CLOSE_PETITION = `mutation($id: ID!) { closePetition(id: $id) { id status } }`;
  const UPDATE_PETITION = `mutation($id: ID!, $t: String) { updatePetition(id: $id, input: { title: $t }) { id title } }`;
  const SIGN = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id status } } }`;
  const PETITION = `query($id: ID!) { petition(id: $id) { id title status visibility } }`;
  const LISTED_PETITIONS = `query($f: PetitionFilter) { petitions(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
  const SIGNATURES = `query($id: ID!) { petition(id: $id) { id title signatureCount signatures(first: 100) { totalCount edges { node { id fullName email postcode } } } } }`;

  /** The input of a petition of A1 (`chapterId: undefined` for an organisation-wide one of A). */
  function petitionInput(extra: Record<string, unknown> = {}) {
    return {
      organisationId: w.orgA.id,
      chapterId: w.a1.id,
      title: `Matrix petition ${unique()}`,
      target: 'The Foreign Secretary',
      body: 'Stop the deportation flights.',
      visibility: 'PUBLIC',
      ...extra,
    };
  }

  /** A fresh petition made by the founder (organiser of A1 and A2, admin of A): OPEN unless told otherwise. */
  async function newPetition(extra: Record<string, unknown> = {}, status: 'DRAFT' | 'OPEN' | 'CLOSED' = 'OPEN'): Promise<string> {
    const { id } = (await setup(CREATE_PETITION, { input: petitionInput(extra) })).createPetition;
    if (status !== 'DRAFT') await setup(OPEN_PETITION, { id });
    if (status === 'CLOSED') await setup(CLOSE_PETITION, { id });
    return id;
  }

  /** A signature by a fresh person, not shown publicly (so the recent signers set up stay the newest shown). */
  const signInput = (petitionId: string, extra: Record<string, unknown> = {}) => ({
    petitionId,
    fullName: 'Pablo Passerby',
    email: `passerby-${unique()}@example.org`,
    country: 'BO',
    displayPublicly: false,
    ...extra,
  });

  /** Whether the petition is in the Query.petitions answer for the listed word (all of A, organisation-wide ones included). */
  const listedPetition = (which: keyof typeof w.pt) => async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED_PETITIONS, { f: { organisationId: w.orgA.id, search: w.listed } }, a),
    pick: (d) => d.petitions.edges.find((e: any) => e.node.id === w.pt[which])?.node,
  });

  /** The signer's signature in a signatures connection, checked; the connection when it is there. */
  function withSigner(signatures: any): unknown {
    const node = signatures?.edges.find((e: any) => e.node.email === w.signer.email)?.node;
    if (node) expect(node.fullName).toBe(w.signer.fullName);
    return node ? signatures : null;
  }

  /**
   * The refusal of Petition.signatures on every node of a petition list at `edgesPath`: one FORBIDDEN
   * error per node, each at that node's `signatures`, which is null, while the rest of the node is present.
   */
  const refusedOnEveryNode = (edgesPath: string[]) => (res: GqlResponse) => {
    const edges: any[] = edgesPath.reduce((o: any, k) => o?.[k], res.data);
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) expect(edge.node).toEqual(expect.objectContaining({ id: expect.any(String), title: expect.any(String), signatures: null }));
    const paths = res.errors!.map((e) => e.path);
    expect(paths).toHaveLength(edges.length);
    expect(paths).toEqual(expect.arrayContaining(edges.map((_, i) => [...edgesPath, i, 'node', 'signatures'])));
  };

  /**
   * GET `path` of the plain HTTP API as the actor, answered in the shape of a GraphQL response so a cell
   * reads it the same way: 401, 403 and 404 become the codes UNAUTHENTICATED, FORBIDDEN and NOT_FOUND.
   */
  async function httpGet(path: string, a: Actor): Promise<GqlResponse> {
    const response = await fetch(`${t.url}${path}`, { headers: a.token ? { authorization: `Bearer ${a.token}` } : {} });
    const body = await response.text();
    const code = ({ 401: UNAUTH, 403: FORBID, 404: NOTFND } as Record<number, string>)[response.status];
    if (response.status === 200) return { status: 200, data: { body, contentType: response.headers.get('content-type') } };
    return { status: response.status, errors: [{ message: body, extensions: { code: code ?? `HTTP ${response.status}` } }] };
  }

  /** The signatures CSV of a petition: OK when it is a CSV with the header (and the signer, when `signed`); a refusal carries no signer data. */
  const signaturesCsv = (petitionId: () => string, signed: boolean) => async (a: Actor): Promise<Performed> => ({
    res: await httpGet(`/exports/petitions/${petitionId()}/signatures.csv`, a),
    pick: (d) => {
      expect(d.contentType).toMatch(/^text\/csv/);
      expect(d.body.split('\r\n')[0]).toBe('signed_at,full_name,email,postcode,country,comment,display_publicly,contact_consent,consent_wording_id,consented_at,source');
      return !signed || (d.body.includes(w.signer.email) && d.body.includes(w.signer.fullName)) ? d.body : null;
    },
    refusal: (res) => expect(res.errors![0].message).not.toContain(w.signer.email),
  });

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
  // Petitions of A1 (DRAFT, OPEN or CLOSED). Seeing one: keys by PETITIONS_READ, so the key without it sees PUBLIC ones only.
  const SEE_ORG_PETITION = /**/ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
  const SEE_CHAPTER_PETITION = [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  const SEE_DRAFT_PETITION = [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  // An organisation-wide DRAFT: admins and PETITIONS_WRITE keys only (no chapter, so no organiser of it).
  const SEE_ORG_WIDE_DRAFT = [NULL, NULL, NULL, NULL, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  // Managing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by PETITIONS_WRITE.
  const MANAGE_PETITION = /* */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  const MANAGE_CHAPTER_PETITION = [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  const MANAGE_DRAFT_PETITION = [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  const MANAGE_ORG_WIDE = /* */ [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  // Signing: anyone who sees the petition (anonymous too); keys by SIGNATURES_WRITE.
  const SIGN_PUBLIC = /*     */ [OK, OK, OK, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
  const SIGN_CHAPTER = /*    */ [NOTFND, NOTFND, OK, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  // Signers' personal data: organisers of the petition's chapter, admins, SIGNATURES_READ keys; FORBIDDEN at Petition.signatures for the rest.
  const SIGNATURES_ROW = /*  */ [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  // Reading lists of A1. Seeing one: keys by READING_LISTS_READ, so the key without it sees PUBLIC ones only.
  const SEE_ORG_LIST = /*    */ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
  const SEE_CHAPTER_LIST = /**/ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
  // A CHAPTER list of A2 shared with A1: its owners (`otherOrganiser`) and the members of A1 read it.
  const SEE_SHARED_LIST = /* */ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
  // Creating, editing, sharing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by READING_LISTS_WRITE.
  const MANAGE_LIST = /*     */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
  const MANAGE_CHAPTER_LIST = [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
  // Forking into the chapter the actor organises (forkTarget): a PUBLIC list is read by all, so the target chapter decides.
  const FORK_PUBLIC = /*     */ [UNAUTH, FORBID, FORBID, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
  // One's own reading status: signed-in members of the list's organisation who see it, organisers, admins; no keys.
  const SET_STATUS_PUBLIC = /**/ [UNAUTH, FORBID, OK, OK, OK, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
  const SET_STATUS_CHAPTER = [UNAUTH, NOTFND, OK, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH] as const;

  const CREATE_LIST = `mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id } }`;
  const READING_LIST = `query($id: ID!) { readingList(id: $id) { id title visibility } }`;
  const LISTED_LISTS = `query($f: ReadingListFilter) { readingLists(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
  const SHARE_LIST = `mutation($l: ID!, $c: ID!) { shareReadingList(listId: $l, chapterId: $c) { id } }`;
  const UNSHARE_LIST = `mutation($l: ID!, $c: ID!) { unshareReadingList(listId: $l, chapterId: $c) { id } }`;
  const SET_STATUS = `mutation($i: ID!, $s: ReadingStatus) { setReadingStatus(itemId: $i, status: $s) { id viewerStatus } }`;
  /** `n` items added in one document (mutation fields run in order): aliases i0, i1, … */
  const ADD_ITEMS = (n: number) =>
    `mutation($l: ID!) { ${Array.from({ length: n }, (_, i) => `i${i}: addReadingListItem(listId: $l, input: { kind: BOOK, title: "Matrix book ${i + 1}", authors: ["Eduardo Galeano"] }) { id }`).join(' ')} }`;

  const listInput = (extra: Record<string, unknown> = {}) => ({ chapterId: w.a1.id, title: `Matrix reading ${unique()}`, visibility: 'PUBLIC', ...extra });

  /** A fresh reading list (of A1, PUBLIC unless told otherwise) made by the founder, with `items` items. */
  async function newList(extra: Record<string, unknown> = {}, items = 0): Promise<{ id: string; items: string[] }> {
    const { id } = (await setup(CREATE_LIST, { input: listInput(extra) })).createReadingList;
    if (!items) return { id, items: [] };
    const added = await setup(ADD_ITEMS(items), { l: id });
    return { id, items: Array.from({ length: items }, (_, i) => added[`i${i}`].id) };
  }

  /** The chapters a list is shared with, read by the founder after a cell's mutation (the payload's own view is not what is checked). */
  const sharedWithNow = async (listId: string): Promise<string[]> => (await setup(`query($id: ID!) { readingList(id: $id) { sharedWith { id } } }`, { id: listId })).readingList.sharedWith.map((c: any) => c.id);

  /** Whether the list is in the Query.readingLists answer for the listed word in A. */
  const listedList = (which: 'organisation' | 'chapter' | 'shared') => async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED_LISTS, { f: { organisationId: w.orgA.id, search: w.listed } }, a),
    pick: (d) => d.readingLists.edges.find((e: any) => e.node.id === w.rl[which])?.node,
  });

  /** A chapter the actor organises, to fork into: A2 for `otherOrganiser`, B's chapter for `otherAdmin`, A1 for everyone else. */
  const forkTarget = (a: Actor): string => (a.name === 'otherOrganiser' ? w.a2.id : a.name === 'otherAdmin' ? w.b1.id : w.a1.id);

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
      name: 'Mutation.setConsentWording',
      covers: 'Mutation.setConsentWording',
      perform: async (a) => {
        const text = `Contact me about campaigns (${a.name} ${unique()}).`;
        const res = await gql(`mutation($o: ID!, $t: String!) { setConsentWording(organisationId: $o, text: $t) { id text } }`, { o: w.orgA.id, t: text }, a);
        return { res, pick: (d) => (d.setConsentWording.text === text ? d.setConsentWording : null) };
      },
      expected: ADMIN_ONLY,
    },
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

    // ---------------------------------------------------------------- petitions: reading
    {
      name: 'Query.petition (a PUBLIC petition of A1)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.public }, a), pick: (d) => d.petition }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.petition (an ORGANISATION petition of A1)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.organisation }, a), pick: (d) => d.petition }),
      expected: SEE_ORG_PETITION,
    },
    {
      name: 'Query.petition (a CHAPTER petition of A1)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.chapter }, a), pick: (d) => d.petition }),
      expected: SEE_CHAPTER_PETITION,
    },
    {
      name: 'Query.petition (a DRAFT petition of A1)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.draft }, a), pick: (d) => d.petition }),
      expected: SEE_DRAFT_PETITION,
    },
    {
      name: 'Query.petition (a CLOSED PUBLIC petition of A1)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.closed }, a), pick: (d) => d.petition }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.petition (an organisation-wide ORGANISATION petition)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.orgWide }, a), pick: (d) => d.petition }),
      expected: SEE_ORG_PETITION,
    },
    {
      name: 'Query.petition (an organisation-wide DRAFT petition)',
      covers: 'Query.petition',
      perform: async (a) => ({ res: await gql(PETITION, { id: w.pt.orgWideDraft }, a), pick: (d) => d.petition }),
      expected: SEE_ORG_WIDE_DRAFT,
    },
    {
      name: 'Query.petitions (lists a PUBLIC petition of A1)',
      covers: 'Query.petitions',
      perform: listedPetition('public'),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.petitions (lists an ORGANISATION petition of A1)',
      covers: 'Query.petitions',
      perform: listedPetition('organisation'),
      expected: SEE_ORG_PETITION,
    },
    {
      name: 'Query.petitions (lists a CHAPTER petition of A1)',
      covers: 'Query.petitions',
      perform: listedPetition('chapter'),
      expected: SEE_CHAPTER_PETITION,
    },
    {
      name: 'Query.petitions (lists a DRAFT petition of A1)',
      covers: 'Query.petitions',
      perform: listedPetition('draft'),
      expected: SEE_DRAFT_PETITION,
    },
    {
      name: 'Query.petitions (lists an organisation-wide ORGANISATION petition)',
      covers: 'Query.petitions',
      perform: listedPetition('orgWide'),
      expected: SEE_ORG_PETITION,
    },
    {
      name: 'Query.petitions (lists an organisation-wide DRAFT petition)',
      covers: 'Query.petitions',
      perform: listedPetition('orgWideDraft'),
      expected: SEE_ORG_WIDE_DRAFT,
    },

    // ---------------------------------------------------------------- petitions: managing
    {
      name: 'Mutation.createPetition (in A1)',
      covers: 'Mutation.createPetition',
      perform: async (a) => ({ res: await gql(CREATE_PETITION, { input: petitionInput() }, a), pick: (d) => (d.createPetition.status === 'DRAFT' ? d.createPetition : null) }),
      expected: MANAGE_PETITION,
    },
    {
      name: 'Mutation.createPetition (organisation-wide: admins only)',
      covers: 'Mutation.createPetition',
      perform: async (a) => ({
        res: await gql(CREATE_PETITION, { input: petitionInput({ chapterId: undefined }) }, a),
        pick: (d) => (d.createPetition.status === 'DRAFT' ? d.createPetition : null),
      }),
      expected: MANAGE_ORG_WIDE,
    },
    {
      name: 'Mutation.updatePetition (an OPEN PUBLIC petition of A1)',
      covers: 'Mutation.updatePetition',
      perform: async (a) => {
        const id = await newPetition();
        return { res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a), pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null) };
      },
      expected: MANAGE_PETITION,
    },
    {
      name: 'Mutation.updatePetition (an OPEN CHAPTER petition of A1)',
      covers: 'Mutation.updatePetition',
      perform: async (a) => {
        const id = await newPetition({ visibility: 'CHAPTER' });
        return { res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a), pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null) };
      },
      expected: MANAGE_CHAPTER_PETITION,
    },
    {
      name: 'Mutation.updatePetition (a DRAFT petition of A1)',
      covers: 'Mutation.updatePetition',
      perform: async (a) => {
        const id = await newPetition({}, 'DRAFT');
        return { res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a), pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null) };
      },
      expected: MANAGE_DRAFT_PETITION,
    },
    {
      name: 'Mutation.updatePetition (an OPEN PUBLIC organisation-wide petition: admins only)',
      covers: 'Mutation.updatePetition',
      perform: async (a) => {
        const id = await newPetition({ chapterId: undefined });
        return { res: await gql(UPDATE_PETITION, { id, t: `Edited by ${a.name}` }, a), pick: (d) => (d.updatePetition.title === `Edited by ${a.name}` ? d.updatePetition : null) };
      },
      expected: MANAGE_ORG_WIDE,
    },
    {
      name: 'Mutation.openPetition (a DRAFT petition of A1)',
      covers: 'Mutation.openPetition',
      perform: async (a) => {
        const id = await newPetition({}, 'DRAFT');
        return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
      },
      expected: MANAGE_DRAFT_PETITION,
    },
    {
      name: 'Mutation.openPetition (a CLOSED PUBLIC petition of A1: reopened)',
      covers: 'Mutation.openPetition',
      perform: async (a) => {
        const id = await newPetition({}, 'CLOSED');
        return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
      },
      expected: MANAGE_PETITION,
    },
    {
      name: 'Mutation.openPetition (an OPEN PUBLIC petition of A1: nothing changes)',
      covers: 'Mutation.openPetition',
      perform: async (a) => {
        const id = await newPetition();
        return { res: await gql(OPEN_PETITION, { id }, a), pick: (d) => (d.openPetition.status === 'OPEN' ? d.openPetition : null) };
      },
      expected: MANAGE_PETITION,
    },
    {
      name: 'Mutation.closePetition (an OPEN PUBLIC petition of A1)',
      covers: 'Mutation.closePetition',
      perform: async (a) => {
        const id = await newPetition();
        return { res: await gql(CLOSE_PETITION, { id }, a), pick: (d) => (d.closePetition.status === 'CLOSED' ? d.closePetition : null) };
      },
      expected: MANAGE_PETITION,
    },
    {
      name: 'Mutation.closePetition (an OPEN CHAPTER petition of A1)',
      covers: 'Mutation.closePetition',
      perform: async (a) => {
        const id = await newPetition({ visibility: 'CHAPTER' });
        return { res: await gql(CLOSE_PETITION, { id }, a), pick: (d) => (d.closePetition.status === 'CLOSED' ? d.closePetition : null) };
      },
      expected: MANAGE_CHAPTER_PETITION,
    },

    // ---------------------------------------------------------------- petitions: signing
    {
      name: 'Mutation.signPetition (an OPEN PUBLIC petition; anonymous too)',
      covers: 'Mutation.signPetition',
      perform: async (a) => ({
        res: await gql(SIGN, { input: signInput(w.pt.public) }, a),
        pick: (d) => (d.signPetition.petition.id === w.pt.public ? d.signPetition.petition : null),
      }),
      expected: SIGN_PUBLIC,
    },
    {
      name: 'Mutation.signPetition (an OPEN CHAPTER petition of A1: those who see it)',
      covers: 'Mutation.signPetition',
      perform: async (a) => ({
        res: await gql(SIGN, { input: signInput(w.pt.chapter) }, a),
        pick: (d) => (d.signPetition.petition.id === w.pt.chapter ? d.signPetition.petition : null),
      }),
      expected: SIGN_CHAPTER,
    },
    {
      name: 'Mutation.signPetition (a DRAFT petition: not open to those who see it, not there for the rest)',
      covers: 'Mutation.signPetition',
      perform: async (a) => ({ res: await gql(SIGN, { input: signInput(w.pt.draft) }, a), pick: (d) => d.signPetition.petition }),
      //         anonymous user    member  organiser   otherOrg admin       otherAdmin keyScope    keyNoScope revokedKey
      expected: [NOTFND, NOTFND, NOTFND, 'CONFLICT', NOTFND, 'CONFLICT', NOTFND, 'CONFLICT', FORBID, UNAUTH],
    },
    {
      name: 'Mutation.signPetition (a CLOSED PUBLIC petition)',
      covers: 'Mutation.signPetition',
      perform: async (a) => ({ res: await gql(SIGN, { input: signInput(w.pt.closed) }, a), pick: (d) => d.signPetition.petition }),
      //         anonymous   user        member      organiser   otherOrg    admin       otherAdmin  keyScope    keyNoScope revokedKey
      expected: ['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT', FORBID, UNAUTH],
    },

    // ---------------------------------------------------------------- reading lists: reading
    {
      name: 'Query.readingList (a PUBLIC list of A1)',
      covers: 'Query.readingList',
      perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.public }, a), pick: (d) => d.readingList }),
      expected: PUBLIC_ROW,
    },
    {
      name: 'Query.readingList (an ORGANISATION list of A1)',
      covers: 'Query.readingList',
      perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.organisation }, a), pick: (d) => d.readingList }),
      expected: SEE_ORG_LIST,
    },
    {
      name: 'Query.readingList (a CHAPTER list of A1)',
      covers: 'Query.readingList',
      perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.chapter }, a), pick: (d) => d.readingList }),
      expected: SEE_CHAPTER_LIST,
    },
    {
      name: 'Query.readingList (a CHAPTER list of A2 shared with A1)',
      covers: 'Query.readingList',
      perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.shared }, a), pick: (d) => d.readingList }),
      expected: SEE_SHARED_LIST,
    },
    {
      name: 'Query.readingLists (lists an ORGANISATION list of A1)',
      covers: 'Query.readingLists',
      perform: listedList('organisation'),
      expected: SEE_ORG_LIST,
    },
    {
      name: 'Query.readingLists (lists a CHAPTER list of A1)',
      covers: 'Query.readingLists',
      perform: listedList('chapter'),
      expected: SEE_CHAPTER_LIST,
    },
    {
      name: 'Query.readingLists (lists a CHAPTER list of A2 shared with A1)',
      covers: 'Query.readingLists',
      perform: listedList('shared'),
      expected: SEE_SHARED_LIST,
    },
    {
      name: "ReadingListItem.viewerStatus (the bystander's READ: theirs alone; readCount is everyone's)",
      covers: 'ReadingListItem.viewerStatus',
      perform: async (a) => ({
        res: await gql(`query($id: ID!) { readingList(id: $id) { id items { id viewerStatus readCount } viewerProgress { read reading } } }`, { id: w.rl.public }, a),
        pick: (d) => {
          const item = d.readingList.items.find((i: any) => i.id === w.rl.readItem);
          expect(item.readCount).toBe(1);
          // Signed-in callers get their own (empty) progress, never the bystander's.
          if (d.readingList.viewerProgress !== null) expect(d.readingList.viewerProgress).toEqual({ read: 0, reading: 0 });
          return item.viewerStatus;
        },
      }),
      //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, UNAUTH],
    },

    // ---------------------------------------------------------------- reading lists: managing (a fresh list per cell)
    {
      name: 'Mutation.createReadingList (in A1)',
      covers: 'Mutation.createReadingList',
      perform: async (a) => ({
        res: await gql(`mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id chapter { id } } }`, { input: listInput() }, a),
        pick: (d) => (d.createReadingList.chapter.id === w.a1.id ? d.createReadingList : null),
      }),
      expected: MANAGE_LIST,
    },
    ...(['PUBLIC', 'CHAPTER'] as const).flatMap((visibility): Row[] => {
      const expected = visibility === 'PUBLIC' ? MANAGE_LIST : MANAGE_CHAPTER_LIST;
      const of = `(a ${visibility} list of A1)`;
      return [
        {
          name: `Mutation.updateReadingList ${of}`,
          covers: 'Mutation.updateReadingList',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            return {
              res: await gql(`mutation($id: ID!, $t: String) { updateReadingList(id: $id, input: { title: $t }) { id title } }`, { id, t: `Edited by ${a.name}` }, a),
              pick: (d) => (d.updateReadingList.title === `Edited by ${a.name}` ? d.updateReadingList : null),
            };
          },
          expected,
        },
        {
          name: `Mutation.deleteReadingList ${of}`,
          covers: 'Mutation.deleteReadingList',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            return { res: await gql(`mutation($id: ID!) { deleteReadingList(id: $id) }`, { id }, a), pick: (d) => d.deleteReadingList || null };
          },
          expected,
        },
        {
          name: `Mutation.addReadingListItem ${of}`,
          covers: 'Mutation.addReadingListItem',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            return {
              res: await gql(`mutation($l: ID!) { addReadingListItem(listId: $l, input: { kind: ARTICLE, title: "Water war" }) { id position } }`, { l: id }, a),
              pick: (d) => (d.addReadingListItem.position === 1 ? d.addReadingListItem : null),
            };
          },
          expected,
        },
        {
          name: `Mutation.updateReadingListItem ${of}`,
          covers: 'Mutation.updateReadingListItem',
          perform: async (a) => {
            const { items } = await newList({ visibility }, 1);
            return {
              res: await gql(`mutation($i: ID!, $t: String) { updateReadingListItem(itemId: $i, input: { title: $t }) { id title } }`, { i: items[0], t: `Edited by ${a.name}` }, a),
              pick: (d) => (d.updateReadingListItem.title === `Edited by ${a.name}` ? d.updateReadingListItem : null),
            };
          },
          expected,
        },
        {
          name: `Mutation.removeReadingListItem ${of}`,
          covers: 'Mutation.removeReadingListItem',
          perform: async (a) => {
            const { items } = await newList({ visibility }, 1);
            return { res: await gql(`mutation($i: ID!) { removeReadingListItem(itemId: $i) }`, { i: items[0] }, a), pick: (d) => d.removeReadingListItem || null };
          },
          expected,
        },
        {
          name: `Mutation.moveReadingListItem ${of}: the second to the top`,
          covers: 'Mutation.moveReadingListItem',
          perform: async (a) => {
            const { items } = await newList({ visibility }, 2);
            return {
              res: await gql(`mutation($i: ID!) { moveReadingListItem(itemId: $i, position: 1) { id items { id position } } }`, { i: items[1] }, a),
              pick: (d) => (d.moveReadingListItem.items.map((i: any) => i.id).join() === [items[1], items[0]].join() ? d.moveReadingListItem : null),
            };
          },
          expected,
        },
        {
          name: `Mutation.shareReadingList ${of}, with A2 of the same organisation`,
          covers: 'Mutation.shareReadingList',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            const res = await gql(SHARE_LIST, { l: id, c: w.a2.id }, a);
            const shared = res.errors ? [] : await sharedWithNow(id);
            return { res, pick: (d) => (d.shareReadingList.id === id && shared.includes(w.a2.id) ? d.shareReadingList : null) };
          },
          expected,
        },
        {
          name: `Mutation.unshareReadingList ${of}, shared with A2`,
          covers: 'Mutation.unshareReadingList',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            await setup(SHARE_LIST, { l: id, c: w.a2.id });
            const res = await gql(UNSHARE_LIST, { l: id, c: w.a2.id }, a);
            const shared = res.errors ? [w.a2.id] : await sharedWithNow(id);
            return { res, pick: (d) => (d.unshareReadingList.id === id && !shared.includes(w.a2.id) ? d.unshareReadingList : null) };
          },
          // Shared with A2, a CHAPTER list is read by `otherOrganiser` (a member of A2): FORBIDDEN, not NOT_FOUND.
          //                                      anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
          expected: visibility === 'PUBLIC' ? MANAGE_LIST : [UNAUTH, NOTFND, FORBID, OK, FORBID, OK, NOTFND, OK, FORBID, UNAUTH],
        },
        {
          name: `Mutation.forkReadingList ${of}, into a chapter the actor organises (A1 when none)`,
          covers: 'Mutation.forkReadingList',
          perform: async (a) => {
            const { id } = await newList({ visibility });
            const target = forkTarget(a);
            return {
              res: await gql(`mutation($l: ID!, $c: ID!) { forkReadingList(listId: $l, chapterId: $c) { id chapter { id } forkedFrom { id } } }`, { l: id, c: target }, a),
              pick: (d) => (d.forkReadingList.chapter.id === target && d.forkReadingList.forkedFrom?.id === id ? d.forkReadingList : null),
            };
          },
          expected: visibility === 'PUBLIC' ? FORK_PUBLIC : MANAGE_CHAPTER_LIST,
        },
        {
          name: `Mutation.setReadingStatus ${of}: the actor's own status`,
          covers: 'Mutation.setReadingStatus',
          perform: async (a) => {
            const { items } = await newList({ visibility }, 1);
            return {
              res: await gql(SET_STATUS, { i: items[0], s: 'READ' }, a),
              pick: (d) => (d.setReadingStatus.viewerStatus === 'READ' ? d.setReadingStatus : null),
            };
          },
          // `otherOrganiser` is an ACTIVE member of A2, a chapter of the list's organisation: a member who sees the list.
          expected: visibility === 'PUBLIC' ? SET_STATUS_PUBLIC : SET_STATUS_CHAPTER,
        },
      ];
    }),

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

    // ---------------------------------------------------------------- personal-data fields of petitions
    {
      name: 'Petition.signatures (a PUBLIC petition of A1)',
      covers: 'Petition.signatures',
      perform: async (a) => ({ res: await gql(SIGNATURES, { id: w.pt.public }, a), pick: (d) => withSigner(d.petition.signatures), fieldPath: ['petition', 'signatures'] }),
      expected: SIGNATURES_ROW,
    },
    {
      name: 'Petition.signatures (a CHAPTER petition of A1: null petition for those who may not see it)',
      covers: 'Petition.signatures',
      perform: async (a) => ({ res: await gql(SIGNATURES, { id: w.pt.chapter }, a), pick: (d) => withSigner(d.petition?.signatures), fieldPath: ['petition', 'signatures'] }),
      //         anonymous user member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NULL, NULL, FORBID, OK, NULL, OK, NULL, OK, NULL, UNAUTH],
    },
    {
      name: "Petition.signatures (an organisation-wide PUBLIC petition: admins', not chapter organisers')",
      covers: 'Petition.signatures',
      perform: async (a) => ({ res: await gql(SIGNATURES, { id: w.pt.orgWidePublic }, a), pick: (d) => withSigner(d.petition.signatures), fieldPath: ['petition', 'signatures'] }),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: 'Petition.signatures (through Chapter.petitions of A2, organised by `otherOrganiser`)',
      covers: 'Petition.signatures',
      perform: async (a) => ({
        res: await gql(
          `query($id: ID!) { chapter(id: $id) { id name petitions { totalCount edges { node { id title signatures { edges { node { fullName email } } } } } } } }`,
          { id: w.a2.id },
          a,
        ),
        pick: (d) => {
          const edges = d.chapter.petitions.edges;
          expect(edges.map((e: any) => e.node.id).sort()).toEqual([w.pt.a2, w.pt.a2Unsigned].sort());
          return withSigner(edges.find((e: any) => e.node.id === w.pt.a2).node.signatures);
        },
        refusal: refusedOnEveryNode(['chapter', 'petitions', 'edges']),
      }),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: 'Petition.signatures (through Query.petitions: the listed petitions of A1)',
      covers: 'Petition.signatures',
      perform: async (a) => ({
        res: await gql(
          `query($f: PetitionFilter) { petitions(filter: $f) { edges { node { id title signatures { edges { node { fullName email } } } } } } }`,
          { f: { chapterId: w.a1.id, search: w.listed } },
          a,
        ),
        pick: (d) => withSigner(d.petitions.edges.find((e: any) => e.node.id === w.pt.public)?.node.signatures),
        refusal: refusedOnEveryNode(['petitions', 'edges']),
      }),
      expected: SIGNATURES_ROW,
    },
    {
      name: 'Petition.signatures (through the signPetition payload)',
      covers: 'Petition.signatures',
      perform: async (a) => ({
        res: await gql(`mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id title signatures(first: 100) { edges { node { fullName email } } } } } }`, { input: signInput(w.pt.public) }, a),
        pick: (d) => withSigner(d.signPetition.petition.signatures),
        refusal: (res) => {
          if (a.name === 'keyWithoutScope') {
            // The operation itself is refused (no SIGNATURES_WRITE): nothing is signed, nothing answered.
            expect(res.errors!.map((e) => e.path)).toEqual([['signPetition']]);
            expect(res.data).toBeNull();
          } else {
            expect(res.errors!.map((e) => e.path)).toEqual([['signPetition', 'petition', 'signatures']]);
            expect(res.data?.signPetition.petition).toEqual(expect.objectContaining({ id: w.pt.public, signatures: null }));
          }
        },
      }),
      expected: SIGNATURES_ROW,
    },
    // GET /exports/petitions/:id/signatures.csv: 404 for who cannot see the petition, 403 for who sees it but may not export, 401 for bad credentials.
    {
      name: 'GET /exports/petitions/:id/signatures.csv (a PUBLIC petition of A1)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => w.pt.public, true),
      expected: SIGNATURES_ROW,
    },
    {
      name: 'GET /exports/petitions/:id/signatures.csv (a CHAPTER petition of A1)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => w.pt.chapter, true),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NOTFND, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, NOTFND, UNAUTH],
    },
    {
      name: 'GET /exports/petitions/:id/signatures.csv (a DRAFT petition of A1)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => w.pt.draft, false),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [NOTFND, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, NOTFND, UNAUTH],
    },
    {
      name: 'GET /exports/petitions/:id/signatures.csv (an organisation-wide PUBLIC petition: admins, not chapter organisers)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => w.pt.orgWidePublic, true),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: 'GET /exports/petitions/:id/signatures.csv (a PUBLIC petition of A2, organised by `otherOrganiser`)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => w.pt.a2, true),
      //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
      expected: [FORBID, FORBID, FORBID, FORBID, OK, OK, FORBID, OK, FORBID, UNAUTH],
    },
    {
      name: 'GET /exports/petitions/:id/signatures.csv (no such petition)',
      covers: 'GET /exports/petitions/:id/signatures.csv',
      perform: signaturesCsv(() => '00000000-0000-4000-8000-000000000000', false),
      //         anonymous user    member  organiser otherOrg admin   otherAdmin keyScope keyNoScope revokedKey
      expected: [NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, UNAUTH],
    },
    {
      name: "Petition.recentSignatures (public signers only, first name and initial: never an email)",
      covers: 'Petition.recentSignatures',
      perform: async (a) => ({
        res: await gql(`query($id: ID!) { petition(id: $id) { id recentSignatures(first: 50) { displayName country comment createdAt } } }`, { id: w.pt.public }, a),
        pick: (d) => {
          const recent = d.petition.recentSignatures;
          const json = JSON.stringify(recent);
          expect(json).not.toContain('@');
          expect(json).not.toContain(w.signer.email.split('@')[0]);
          expect(json).not.toContain('Quispe');
          expect(json).not.toContain('Hugo');
          return recent.some((r: any) => r.displayName === 'Sara Q.') ? recent : null;
        },
      }),
      expected: PUBLIC_ROW,
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
    w.b1 = await createChapter(t, otherAdmin, w.orgB.id);
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

    // Petitions of A, made by the founder (organiser of A1 and A2, admin of A), and their signers.
    const [ptPublic, ptOrganisation, ptChapter, ptDraft, closed, orgWide, orgWidePublic, orgWideDraft, a2, a2Unsigned] = await Promise.all([
      newPetition({ title: title('Public petition') }),
      newPetition({ visibility: 'ORGANISATION', title: title('Organisation petition') }),
      newPetition({ visibility: 'CHAPTER', title: title('Chapter petition') }),
      newPetition({ title: title('Draft petition') }, 'DRAFT'),
      newPetition({}, 'CLOSED'),
      newPetition({ chapterId: undefined, visibility: 'ORGANISATION', title: title('Organisation-wide petition') }),
      newPetition({ chapterId: undefined }),
      newPetition({ chapterId: undefined, title: title('Organisation-wide draft') }, 'DRAFT'),
      newPetition({ chapterId: w.a2.id }),
      newPetition({ chapterId: w.a2.id }),
    ]);
    w.pt = { public: ptPublic, organisation: ptOrganisation, chapter: ptChapter, draft: ptDraft, closed, orgWide, orgWidePublic, orgWideDraft, a2, a2Unsigned };
    w.signer = { fullName: 'Sara Signer Quispe', email: `sara-${unique()}@example.org` };
    w.hiddenSigner = { fullName: 'Hugo Hidden', email: `hugo-${unique()}@example.org` };
    const signer = { ...w.signer, postcode: 'SW1A 1AA', comment: 'Solidaridad', displayPublicly: true, contactConsent: true };
    // Signed through the founder's session (the CHAPTER petition is not visible to anonymous signers); the input names the signer.
    for (const petitionId of [ptPublic, ptChapter, orgWidePublic, a2]) await setup(SIGN, { input: signInput(petitionId, signer) });
    await setup(SIGN, { input: signInput(ptPublic, w.hiddenSigner) });

    // Reading lists, made by the founder (organiser of A1 and A2, admin of A).
    const [rlPublic, rlOrganisation, rlChapter, rlShared] = await Promise.all([
      newList({ title: title('Public reading') }, 1),
      newList({ visibility: 'ORGANISATION', title: title('Organisation reading') }),
      newList({ visibility: 'CHAPTER', title: title('Chapter reading') }),
      newList({ chapterId: w.a2.id, visibility: 'CHAPTER', title: title('Shared reading') }),
    ]);
    await setup(SHARE_LIST, { l: rlShared.id, c: w.a1.id });
    w.rl = { public: rlPublic.id, readItem: rlPublic.items[0], organisation: rlOrganisation.id, chapter: rlChapter.id, shared: rlShared.id };
    expect((await setup(SET_STATUS, { i: w.rl.readItem, s: 'READ' }, bystander)).setReadingStatus.viewerStatus).toBe('READ');
  });
  afterAll(() => t?.close());

  describe.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    it.each(ACTORS.map((actor, i) => [actor, row.expected[i]] as const))('%s → %s', async (actorName, expected) => {
      const { res, pick, fieldPath, refusal } = await row.perform(w.actors[actorName]);
      let outcome: string;
      if (res.errors?.length) {
        outcome = res.errors[0].extensions.code;
        // One refusal, one code: never a mix.
        expect(res.errors.map((e) => e.extensions.code)).toEqual(res.errors.map(() => outcome));
        if (refusal && outcome !== UNAUTH) refusal(res);
        else if (fieldPath && outcome !== UNAUTH) {
          // A refused field is null at its own path; the rest of the response is intact.
          expect(res.errors[0].path).toEqual(fieldPath);
          const parent = fieldPath.slice(0, -1).reduce((o: any, k) => o?.[k], res.data);
          expect(parent).toEqual(expect.objectContaining({ [fieldPath[fieldPath.length - 1]]: null }));
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
