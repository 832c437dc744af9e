import { randomBytes } from 'node:crypto';
import { API_SCOPES } from '../../src/common/auth/actor';
import { APPROVE_MEMBERSHIP, CLOSE_PETITION, JOIN_CHAPTER, LEAVE_CHAPTER, OPEN_PETITION, PUBLISH_EVENT } from './documents';
import { createApiKey, createChapter, createOrganisation, makeAdmin, registerUser, revokeApiKey, TestUser } from './factories';
import { confirmQueuedSignatures } from './factories';
import { GqlResponse, startTestApp, TestApp } from './test-app';

/**
 * The permission matrix of DESIGN.md ("Who may do what"), cell by cell, through the real endpoint.
 *
 * One row per operation (every Query and Mutation field) and per personal-data field; one column per
 * actor. A cell is either OK (no error; the value looked at is non-null), NULL (no error; the value
 * is null: hidden rather than refused), or the exact error code of the one error the request gets.
 * Destructive rows build a fresh target for every cell, so cells do not depend on each other.
 * Plain HTTP endpoints that hand out personal data (the signatures CSV) have rows too, their status
 * read as a code: 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND, 200 OK.
 *
 * This module is the machinery: actors, outcomes, the world, setup helpers and documents, and the
 * runner. The rows live per feature in test/permission-matrix/<feature>.rows.ts, each run by its
 * <feature>.spec.ts against a world of its own (only the parts its rows look at);
 * test/permission-matrix/coverage.spec.ts checks that the rows of all files together cover the schema.
 */

export const ACTORS = [
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
export type ActorName = (typeof ACTORS)[number];

export const OK = 'OK';
export const NULL = 'NULL';
export const UNAUTH = 'UNAUTHENTICATED';
export const FORBID = 'FORBIDDEN';
export const NOTFND = 'NOT_FOUND';
export type Outcome = typeof OK | typeof NULL | typeof UNAUTH | typeof FORBID | typeof NOTFND | 'CONFLICT' | 'BAD_USER_INPUT';

export interface Actor {
  name: ActorName;
  /** Bearer token: access token or API key; none for anonymous. */
  token?: string;
  /** The signed-in user behind the actor, if any. */
  user?: TestUser;
  /** The display name the user registered with. */
  displayName?: string;
}

/** What a cell did: the response and the value whose null-ness decides OK vs NULL. */
export interface Performed {
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

export interface Row {
  /** `Query.x`, `Mutation.x`, or `Type.field (detail)` for field rows. */
  name: string;
  /** The schema coordinate the row covers (`Mutation.joinChapter`, `Chapter.members`). */
  covers: string;
  perform(actor: Actor): Promise<Performed>;
  /** In ACTORS order. */
  expected: readonly Outcome[];
}

export const PASSWORD = 'correct horse battery';
export const unique = () => randomBytes(4).toString('hex');
export const DAY = 24 * 3600_000;
export const NAMES = {
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
export const ONLINE_URL = 'https://meet.example.org/matrix-vigil';
export const ADDRESS_LINE = '12 Calle Sucre';

/** The world every cell runs against; built once per spec file (`buildWorld`). */
export interface MatrixWorld {
  founder: TestUser; // created org A, A1 and A2; admin of A; not a column
  orgA: { id: string; slug: string };
  orgB: { id: string; slug: string };
  a1: { id: string; slug: string }; // OPEN; `member` and `organiser` belong here
  a2: { id: string; slug: string }; // APPROVAL; `otherOrganiser` organises it
  bystander: TestUser; // an ACTIVE member of A1 whose email is looked at
  applicant: TestUser; // a PENDING member of A1
  loneApplicant: TestUser; // PENDING in A1 and nowhere else, ever
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
}
export const w = {} as MatrixWorld;
/** The app of the running spec file (set by `runMatrix`). */
export let t: TestApp;

export const gql = (query: string, variables: Record<string, unknown>, actor?: Actor) => t.gql(query, variables, actor?.token);

/** Runs a setup step as the founder (or another user); it must succeed. */
export async function setup<T = any>(query: string, variables: Record<string, unknown>, as: TestUser = w.founder): Promise<T> {
  const res = await t.gql(query, variables, as.token);
  if (res.errors) throw new Error(`setup failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** Runs a setup step as an actor (anonymous included); it must succeed. */
export async function setupAs<T = any>(actor: Actor, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await gql(query, variables, actor);
  if (res.errors) throw new Error(`setup as ${actor.name} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export const SET_ROLE = `mutation($id: ID!, $role: ChapterRole!) { setMembershipRole(membershipId: $id, role: $role) { id role } }`;

/** `user` becomes an ACTIVE member (or organiser) of the chapter, whatever its join policy; returns the membership id. */
export async function enrol(user: TestUser, chapterId: string, role: 'MEMBER' | 'ORGANISER' = 'MEMBER'): Promise<string> {
  const joined = (await setup(JOIN_CHAPTER, { id: chapterId }, user)).joinChapter;
  if (joined.status === 'PENDING') await setup(APPROVE_MEMBERSHIP, { id: joined.id });
  if (role === 'ORGANISER') await setup(SET_ROLE, { id: joined.id, role });
  return joined.id;
}

/**
 * A fresh chapter of organisation A, founded by the founder (its first organiser), in which the
 * actor holds the same place as in A1: `member` is an ACTIVE member, `organiser` an ACTIVE
 * organiser; everyone else has no membership (`otherOrganiser` organises A2 of the same organisation).
 */
export async function chapterFor(actor: Actor, joinPolicy: 'OPEN' | 'APPROVAL' | 'INVITE_ONLY' = 'OPEN'): Promise<string> {
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
export async function leaveAgain(actor: Actor, chapterId: string, joined: unknown): Promise<void> {
  if (joined && actor.user) await setup(LEAVE_CHAPTER, { id: chapterId }, actor.user);
}

/** A membership in a fresh chapter for the actor to manage: the applicant's, PENDING in an APPROVAL chapter. */
export async function pendingMembershipFor(actor: Actor): Promise<string> {
  const chapterId = await chapterFor(actor, 'APPROVAL');
  return (await setup(JOIN_CHAPTER, { id: chapterId }, w.applicant)).joinChapter.id;
}

export async function login(user: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
  return (
    await setup(
      `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`,
      { input: { email: user.email, password: PASSWORD } },
      user,
    )
  ).login;
}

export const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id status } }`;
export const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id status } } }`;
export const EVENT = `query($id: ID!) { event(id: $id) { id title status visibility } }`;
export const LISTED = `query($f: EventFilter) { events(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
export const ATTENDEES = `query($id: ID!) { event(id: $id) { id attendees(first: 100) { totalCount edges { node { id name email user { id } } } } } }`;
export const VIEWER_ATTENDANCE = `query($id: ID!) { event(id: $id) { id viewerAttendance { id status name email user { id } } } }`;
export const RESTRICTED = `query($id: ID!) { event(id: $id) { id onlineUrl location { city addressLine } } }`;
export const PLACE = `query($id: ID!) { event(id: $id) { id location { city postcode latitude longitude } } }`;
export const POSTCODE = 'WC2N 5DN';
/** Shown exactly to those who may read the place; everyone else gets 51.51, -0.13. */
export const EXACT_POINT = { latitude: 51.50734, longitude: -0.12776 };

/** The input of an event of A1 (or another chapter) a month from now, with a street address and an online link. */
export function eventInput(extra: Record<string, unknown> = {}) {
  const startsAt = new Date(Date.now() + 30 * DAY);
  return {
    chapterId: w.a1.id,
    title: `Matrix vigil ${unique()}`,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
    timeZone: 'America/La_Paz',
    location: { venue: 'Casa Bolivia', addressLine: ADDRESS_LINE, city: 'London', postcode: POSTCODE, ...EXACT_POINT },
    onlineUrl: ONLINE_URL,
    visibility: 'PUBLIC',
    ...extra,
  };
}

/** A fresh event of A1 made by the founder (an organiser of A1 and admin of A): published unless `draft`. */
export async function newEvent(extra: Record<string, unknown> = {}, draft = false): Promise<string> {
  const { id } = (await setup(CREATE_EVENT, { input: eventInput(extra) })).createEvent;
  if (!draft) await setup(PUBLISH_EVENT, { id });
  return id;
}

export const newGuest = () => ({ name: 'Gina Guest', email: `guest-${unique()}@example.org` });

/** `user` RSVPs to the event with their account; returns the attendance. */
export async function rsvpAs(user: TestUser, eventId: string): Promise<{ id: string; status: string }> {
  return (await setup(RSVP, { input: { eventId } }, user)).rsvp.attendance;
}

/** Whether the event is in the Query.events answer for the listed word in A1. */
export const listedEvent =
  (which: 'organisation' | 'chapter' | 'draft') =>
  async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED, { f: { chapterId: w.a1.id, search: w.listed } }, a),
    pick: (d) => d.events.edges.find((e: any) => e.node.id === w.ev[which])?.node,
  });

export const MEMBERS = (status: 'ACTIVE' | 'PENDING') =>
  `query($id: ID!) { chapter(id: $id) { id members(status: ${status}, first: 100) { totalCount edges { node { status user { id email } } } } } }`;

export const CREATE_PETITION = `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id status } }`;
export const UPDATE_PETITION = `mutation($id: ID!, $t: String) { updatePetition(id: $id, input: { title: $t }) { id title } }`;
export const SIGN = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id status } } }`;
export const PETITION = `query($id: ID!) { petition(id: $id) { id title status visibility } }`;
export const LISTED_PETITIONS = `query($f: PetitionFilter) { petitions(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
export const SIGNATURES = `query($id: ID!) { petition(id: $id) { id title signatureCount signatures(first: 100) { totalCount edges { node { id fullName email postcode } } } } }`;

/** The input of a petition of A1 (`chapterId: undefined` for an organisation-wide one of A). */
export function petitionInput(extra: Record<string, unknown> = {}) {
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
export async function newPetition(extra: Record<string, unknown> = {}, status: 'DRAFT' | 'OPEN' | 'CLOSED' = 'OPEN'): Promise<string> {
  const { id } = (await setup(CREATE_PETITION, { input: petitionInput(extra) })).createPetition;
  if (status !== 'DRAFT') await setup(OPEN_PETITION, { id });
  if (status === 'CLOSED') await setup(CLOSE_PETITION, { id });
  return id;
}

/** A signature by a fresh person, not shown publicly (so the recent signers set up stay the newest shown). */
export const signInput = (petitionId: string, extra: Record<string, unknown> = {}) => ({
  petitionId,
  fullName: 'Pablo Passerby',
  email: `passerby-${unique()}@example.org`,
  country: 'BO',
  displayPublicly: false,
  ...extra,
});

/** Whether the petition is in the Query.petitions answer for the listed word (all of A, organisation-wide ones included). */
export const listedPetition =
  (which: keyof typeof w.pt) =>
  async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED_PETITIONS, { f: { organisationId: w.orgA.id, search: w.listed } }, a),
    pick: (d) => d.petitions.edges.find((e: any) => e.node.id === w.pt[which])?.node,
  });

/** The signer's signature in a signatures connection, checked; the connection when it is there. */
export function withSigner(signatures: any): unknown {
  const node = signatures?.edges.find((e: any) => e.node.email === w.signer.email)?.node;
  if (node) expect(node.fullName).toBe(w.signer.fullName);
  return node ? signatures : null;
}

/**
 * The refusal of Petition.signatures on every node of a petition list at `edgesPath`: one FORBIDDEN
 * error per node, each at that node's `signatures`, which is null, while the rest of the node is present.
 */
export const refusedOnEveryNode = (edgesPath: string[]) => (res: GqlResponse) => {
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
export async function httpGet(path: string, a: Actor): Promise<GqlResponse> {
  const response = await fetch(`${t.url}${path}`, { headers: a.token ? { authorization: `Bearer ${a.token}` } : {} });
  const body = await response.text();
  const code = ({ 401: UNAUTH, 403: FORBID, 404: NOTFND } as Record<number, string>)[response.status];
  if (response.status === 200) return { status: 200, data: { body, contentType: response.headers.get('content-type') } };
  return { status: response.status, errors: [{ message: body, extensions: { code: code ?? `HTTP ${response.status}` } }] };
}

/** The signatures CSV of a petition: OK when it is a CSV with the header (and the signer, when `signed`); a refusal carries no signer data. */
export const signaturesCsv =
  (petitionId: () => string, signed: boolean) =>
  async (a: Actor): Promise<Performed> => ({
    res: await httpGet(`/exports/petitions/${petitionId()}/signatures.csv`, a),
    pick: (d) => {
      expect(d.contentType).toMatch(/^text\/csv/);
      expect(d.body.split('\r\n')[0]).toBe(
        'signed_at,full_name,email,postcode,country,comment,display_publicly,contact_consent,consent_wording_id,consented_at,source',
      );
      return !signed || (d.body.includes(w.signer.email) && d.body.includes(w.signer.fullName)) ? d.body : null;
    },
    refusal: (res) => expect(res.errors![0].message).not.toContain(w.signer.email),
  });

// ------------------------------------------------------------------------------------------------
// The matrix.               anonymous user    member  organiser otherOrg admin  otherAdmin keyScope keyNoScope revokedKey
export const PUBLIC_ROW = /*      */ [OK, OK, OK, OK, OK, OK, OK, OK, OK, UNAUTH] as const;
export const ANY_USER = /*        */ [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH] as const;
export const ADMIN_ONLY = /*      */ [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
export const ORGANISERS = /*      */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
export const MANAGE_MEMBERS = /*  */ [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH] as const;
// Events of A1. Seeing one (null for those who may not):
export const SEE_ORGANISATION = /**/ [NULL, NULL, OK, OK, OK, OK, NULL, OK, OK, UNAUTH] as const;
export const SEE_CHAPTER = /*     */ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, OK, UNAUTH] as const;
export const SEE_DRAFT = /*       */ [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
// Managing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by EVENTS_WRITE.
export const MANAGE_EVENT = /*    */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
export const MANAGE_CHAPTER = /*  */ [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
export const MANAGE_DRAFT = /*    */ [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
// RSVP to a PUBLIC event as a guest: anyone, and EVENTS_WRITE keys.
export const RSVP_PUBLIC = /*     */ [OK, OK, OK, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
// Attendees' personal data: organisers, admins, ATTENDEES_READ keys; FORBIDDEN at Event.attendees for the rest.
export const ATTENDEES_ROW = /*   */ [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
// The caller's own attendance (every signed-in column RSVPed): theirs to read.
export const OWN_ATTENDANCE = /*  */ [NULL, OK, OK, OK, OK, OK, OK, NULL, NULL, UNAUTH] as const;
// Street address and online link: GOING attendees, organisers, admins, EVENTS_WRITE keys.
export const RESTRICTED_GOING = /**/ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
export const RESTRICTED_WAIT = /* */ [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
// Petitions of A1 (DRAFT, OPEN or CLOSED). Seeing one: keys by PETITIONS_READ, so the key without it sees PUBLIC ones only.
export const SEE_ORG_PETITION = /**/ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
export const SEE_CHAPTER_PETITION = [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
export const SEE_DRAFT_PETITION = [NULL, NULL, NULL, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
// An organisation-wide DRAFT: admins and PETITIONS_WRITE keys only (no chapter, so no organiser of it).
export const SEE_ORG_WIDE_DRAFT = [NULL, NULL, NULL, NULL, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
// Managing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by PETITIONS_WRITE.
export const MANAGE_PETITION = /* */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
export const MANAGE_CHAPTER_PETITION = [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
export const MANAGE_DRAFT_PETITION = [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
export const MANAGE_ORG_WIDE = /* */ [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
// Signing: anyone who sees the petition (anonymous too); keys by SIGNATURES_WRITE.
export const SIGN_PUBLIC = /*     */ [OK, OK, OK, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
export const SIGN_CHAPTER = /*    */ [NOTFND, NOTFND, OK, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
// Signers' personal data: organisers of the petition's chapter, admins, SIGNATURES_READ keys; FORBIDDEN at Petition.signatures for the rest.
export const SIGNATURES_ROW = /*  */ [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
// Reading lists of A1. Seeing one: keys by READING_LISTS_READ, so the key without it sees PUBLIC ones only.
export const SEE_ORG_LIST = /*    */ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
export const SEE_CHAPTER_LIST = /**/ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;
// A CHAPTER list of A2 shared with A1: its owners (`otherOrganiser`) and the members of A1 read it.
export const SEE_SHARED_LIST = /* */ [NULL, NULL, OK, OK, OK, OK, NULL, OK, NULL, UNAUTH] as const;
// Creating, editing, sharing one: FORBIDDEN to those who see it, NOT_FOUND to those who do not; keys by READING_LISTS_WRITE.
export const MANAGE_LIST = /*     */ [UNAUTH, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;
export const MANAGE_CHAPTER_LIST = [UNAUTH, NOTFND, FORBID, OK, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
// Forking into the chapter the actor organises (forkTarget): a PUBLIC list is read by all, so the target chapter decides.
export const FORK_PUBLIC = /*     */ [UNAUTH, FORBID, FORBID, OK, OK, OK, OK, OK, FORBID, UNAUTH] as const;
// One's own reading status: signed-in members of the list's organisation who see it, organisers, admins; no keys.
export const SET_STATUS_PUBLIC = /**/ [UNAUTH, FORBID, OK, OK, OK, OK, FORBID, FORBID, FORBID, UNAUTH] as const;
export const SET_STATUS_CHAPTER = [UNAUTH, NOTFND, OK, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH] as const;

export const CREATE_LIST = `mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id } }`;
export const READING_LIST = `query($id: ID!) { readingList(id: $id) { id title visibility } }`;
export const LISTED_LISTS = `query($f: ReadingListFilter) { readingLists(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
export const SHARE_LIST = `mutation($l: ID!, $c: ID!) { shareReadingList(listId: $l, chapterId: $c) { id } }`;
export const UNSHARE_LIST = `mutation($l: ID!, $c: ID!) { unshareReadingList(listId: $l, chapterId: $c) { id } }`;
export const SET_STATUS = `mutation($i: ID!, $s: ReadingStatus) { setReadingStatus(itemId: $i, status: $s) { id viewerStatus } }`;
/** `n` items added in one document (mutation fields run in order): aliases i0, i1, … */
export const ADD_ITEMS = (n: number) =>
  `mutation($l: ID!) { ${Array.from({ length: n }, (_, i) => `i${i}: addReadingListItem(listId: $l, input: { kind: BOOK, title: "Matrix book ${i + 1}", authors: ["Eduardo Galeano"] }) { id }`).join(' ')} }`;

export const listInput = (extra: Record<string, unknown> = {}) => ({ chapterId: w.a1.id, title: `Matrix reading ${unique()}`, visibility: 'PUBLIC', ...extra });

/** A fresh reading list (of A1, PUBLIC unless told otherwise) made by the founder, with `items` items. */
export async function newList(extra: Record<string, unknown> = {}, items = 0): Promise<{ id: string; items: string[] }> {
  const { id } = (await setup(CREATE_LIST, { input: listInput(extra) })).createReadingList;
  if (!items) return { id, items: [] };
  const added = await setup(ADD_ITEMS(items), { l: id });
  return { id, items: Array.from({ length: items }, (_, i) => added[`i${i}`].id) };
}

/** The chapters a list is shared with, read by the founder after a cell's mutation (the payload's own view is not what is checked). */
export const sharedWithNow = async (listId: string): Promise<string[]> =>
  (await setup(`query($id: ID!) { readingList(id: $id) { sharedWith { id } } }`, { id: listId })).readingList.sharedWith.map((c: any) => c.id);

/** Whether the list is in the Query.readingLists answer for the listed word in A. */
export const listedList =
  (which: 'organisation' | 'chapter' | 'shared') =>
  async (a: Actor): Promise<Performed> => ({
    res: await gql(LISTED_LISTS, { f: { organisationId: w.orgA.id, search: w.listed } }, a),
    pick: (d) => d.readingLists.edges.find((e: any) => e.node.id === w.rl[which])?.node,
  });

/** A chapter the actor organises, to fork into: A2 for `otherOrganiser`, B's chapter for `otherAdmin`, A1 for everyone else. */
export const forkTarget = (a: Actor): string => (a.name === 'otherOrganiser' ? w.a2.id : a.name === 'otherAdmin' ? w.b1.id : w.a1.id);

/** The parts of the world a spec file's rows look at, beyond the people, organisations, chapters and keys every file has. */
export interface WorldParts {
  events?: boolean;
  petitions?: boolean;
  readingLists?: boolean;
}

/** Builds the world (`w`) on the running app: the people, places and keys, then the parts asked for. */
async function buildWorld(parts: WorldParts): Promise<void> {
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
  await setup(JOIN_CHAPTER, { id: w.a1.id }, applicant);
  w.loneApplicant = await registerUser(t, 'Lena Loneapplicant');
  await setup(JOIN_CHAPTER, { id: w.a1.id }, w.loneApplicant);
  await setup(`mutation($id: ID!) { updateChapter(id: $id, input: { joinPolicy: OPEN }) { id } }`, { id: w.a1.id });
  await enrol(bystander, w.a1.id);
  await enrol(member, w.a1.id);
  await enrol(organiser, w.a1.id, 'ORGANISER');
  await enrol(otherOrganiser, w.a2.id, 'ORGANISER');
  // The admin column is an admin with no membership at all: what it may do, it may as admin.
  await makeAdmin(t, founder, admin, w.orgA.id);
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

  w.listed = `listed${unique()}`;
  const title = (what: string) => `${what} ${w.listed}`;

  if (parts.events) {
    // Events of A1, made by the founder (organiser of A1, admin of A).
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
  }

  if (parts.petitions) {
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
    // Their signatures were queued (not the founder's own address): confirmed as their links would.
    await confirmQueuedSignatures(t);
  }

  if (parts.readingLists) {
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
  }
}

/** Starts the app for a spec file that needs no world (the coverage check). */
export function useMatrixApp(): () => TestApp {
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());
  return () => t;
}

/** The matrix of one feature: its world built once for the file, then one test per cell of `rows`. */
export function runMatrix(title: string, rows: Row[], parts: WorldParts = {}): void {
  describe(`permission matrix: ${title}`, () => {
    beforeAll(async () => {
      t = await startTestApp();
      await buildWorld(parts);
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
  });
}
