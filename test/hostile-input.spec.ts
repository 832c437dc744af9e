import { randomUUID } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { inTransaction } from '../src/common/database/transaction';
import { EmailTokensService } from '../src/common/links/email-tokens.service';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLSchema,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { ok } from './support/expectations';
import {
  addReadingListItem,
  createApiKey,
  createEvent,
  createPetition,
  createReadingList,
  joinChapter,
  openPetition,
  publishEvent,
  registerUser,
  TestUser,
} from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

/**
 * Hostile input against every mutation a caller can reach without an API key: at least 300 generated
 * variations per mutation (unpaired surrogates, NUL, bidi controls, zero-width characters, 100k
 * strings, wrong types, huge numbers, malformed ids and dates…), from a seeded generator so a failure
 * can be replayed. Every answer must be a success or an error with a DESIGN.md code: never
 * INTERNAL_SERVER_ERROR, never HTTP 5xx.
 *
 * Documents and the paths to vary come from the served schema; a mutation needs only one line in
 * TARGETS (who calls it and a valid set of variables). A mutation missing from TARGETS fails the
 * coverage test below.
 */

const SEED = 0x6d617265; // "mare"
/** For mutations anyone can call, signed in or not, with no role (register, signPetition, rsvp, joinChapter…). */
const CASES_PER_PUBLIC_MUTATION = 300;
/** For mutations whose work needs a role the caller can gain on their own (organiser, admin): fewer, to keep the file quick. */
const CASES_PER_ROLE_MUTATION = 40;
const CONCURRENCY = 8;

/** DESIGN.md's error codes (BAD_REQUEST: a request no operation of the document matches). */
const DESIGN_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_VALIDATION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'BAD_REQUEST',
]);

/** Mutations with no arguments: nothing to vary. */
const NO_ARGUMENTS = new Set(['resetCalendarToken', 'revokeCalendarToken']);

type Caller = 'anonymous' | 'stranger' | 'memberA' | 'organiser' | 'admin';
const caseCount = (caller: Caller) => (caller === 'organiser' || caller === 'admin' ? CASES_PER_ROLE_MUTATION : CASES_PER_PUBLIC_MUTATION);
type Variables = Record<string, unknown>;

interface Fixtures {
  w: World;
  event: { id: string };
  draftEvent: { id: string };
  doomedEvent: { id: string };
  petition: { id: string };
  draftPetition: { id: string };
  doomedPetition: { id: string };
  list: { id: string };
  doomedList: { id: string };
  item: { id: string };
  doomedItem: { id: string };
  invitationToken: string;
  adminInvitation: { id: string; token: string };
  apiKeyId: string;
  membershipId: string;
  leaver: TestUser;
  session: TestUser;
  attendanceId: string;
  series: { id: string };
  webhookEndpointId: string;
  doomedWebhookEndpointId: string;
  webhookDeliveryId: string;
  guestRsvpToken: string;
  unsubscribeToken: string;
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const location = { venue: 'Casa Bolivia', addressLine: '1 High Street', city: 'London', country: 'GB', postcode: 'N1 1AA', latitude: 51.5, longitude: -0.1 };
const book = {
  kind: 'BOOK',
  title: 'Open Veins',
  authors: ['Eduardo Galeano'],
  discussionQuestions: ['Why?'],
  isbn: '9780306406157',
  note: 'Start here',
  url: 'https://example.org/b',
  year: 1971,
};

/** One line per mutation: who calls it, and variables with which it would succeed (or fail only on state). */
const TARGETS: Record<string, [Caller, (f: Fixtures, n: number) => Variables]> = {
  register: ['anonymous', (_, n) => ({ input: { email: `hostile-${n}@example.org`, password: 'long enough password', displayName: 'Ana Quispe' } })],
  login: ['anonymous', (f) => ({ input: { email: f.w.memberA.email, password: 'correct horse battery' } })],
  refreshSession: ['anonymous', (f) => ({ refreshToken: f.session.refreshToken })],
  logout: ['anonymous', (f) => ({ refreshToken: f.session.refreshToken })],
  verifyEmail: ['anonymous', (_, n) => ({ token: `not-a-token-${n}` })],
  requestPasswordReset: ['anonymous', (f) => ({ email: f.w.memberA.email })],
  resetPassword: ['anonymous', (_, n) => ({ token: `not-a-token-${n}`, password: 'long enough password' })],
  requestEmailChange: ['memberA', (_, n) => ({ newEmail: `moved-${n}@example.org`, password: 'correct horse battery' })],
  confirmEmailChange: ['anonymous', (_, n) => ({ token: `not-a-token-${n}` })],
  confirmSignature: ['anonymous', (_, n) => ({ token: `not-a-token-${n}` })],
  signPetition: [
    'anonymous',
    (f, n) => ({
      input: {
        petitionId: f.petition.id,
        fullName: 'Ana María Quispe',
        email: `signer-${n}@example.org`,
        postcode: 'N1 1AA',
        country: 'BO',
        comment: 'Yes',
        displayPublicly: true,
        contactConsent: true,
        source: 'web',
      },
    }),
  ],
  rsvp: ['memberA', (f) => ({ input: { eventId: f.event.id } })],
  cancelRsvp: ['memberA', (f) => ({ eventId: f.event.id })],
  rsvpAsGuest: [
    'anonymous',
    (f, n) => ({ input: { eventId: f.event.id, guest: { name: 'Beto Mamani', email: `guest-${n}@example.org`, contactConsent: true } } }),
  ],
  confirmGuestRsvp: ['anonymous', (f) => ({ token: f.guestRsvpToken })],
  cancelGuestRsvp: ['anonymous', (f) => ({ token: f.guestRsvpToken })],
  unsubscribe: ['anonymous', (f) => ({ token: f.unsubscribeToken })],
  createOrganisation: ['stranger', (_, n) => ({ input: { name: `Hostile Solidarity ${n}`, description: 'Hola', slug: `hostile-${n}` } })],
  joinChapter: ['stranger', (f) => ({ chapterId: f.w.chapterA.id })],
  leaveChapter: ['memberA', (f) => ({ chapterId: f.w.chapterB.id })],
  acceptInvitation: ['stranger', (f) => ({ token: f.invitationToken })],
  setReadingStatus: ['memberA', (f) => ({ itemId: f.item.id, status: 'READING' })],
  createChapter: [
    'admin',
    (f, n) => ({
      input: {
        organisationId: f.w.org.id,
        name: `Potosí ${n}`,
        slug: `potosi-${n}`,
        timeZone: 'America/La_Paz',
        city: 'Potosí',
        country: 'BO',
        description: 'Sur',
        joinPolicy: 'APPROVAL',
      },
    }),
  ],
  updateChapter: [
    'admin',
    (f) => ({
      id: f.w.chapterB.id,
      input: { name: 'Manchester', city: 'Manchester', country: 'GB', description: 'North', joinPolicy: 'OPEN', timeZone: 'Europe/London' },
    }),
  ],
  createApiKey: ['admin', (f) => ({ input: { organisationId: f.w.org.id, name: 'Partner', scopes: ['EVENTS_READ', 'PETITIONS_READ'] } })],
  revokeApiKey: ['admin', (f) => ({ id: f.apiKeyId })],
  createWebhookEndpoint: [
    'admin',
    (f, n) => ({ input: { organisationId: f.w.org.id, url: `https://example.org/hooks/${n}`, description: 'CRM', eventTypes: ['EVENT_CHANGED', 'PING'] } }),
  ],
  updateWebhookEndpoint: [
    'admin',
    (f) => ({ id: f.webhookEndpointId, input: { url: 'https://example.org/hooks/new', description: 'CRM', eventTypes: ['PING'], enabled: true } }),
  ],
  deleteWebhookEndpoint: ['admin', (f) => ({ id: f.doomedWebhookEndpointId })],
  rotateWebhookSecret: ['admin', (f) => ({ id: f.webhookEndpointId })],
  sendTestWebhook: ['admin', (f) => ({ id: f.webhookEndpointId })],
  redeliverWebhook: ['admin', (f) => ({ deliveryId: f.webhookDeliveryId })],
  setConsentWording: ['admin', (f) => ({ organisationId: f.w.org.id, text: 'We may contact you about this campaign.' })],
  inviteOrganisationAdmin: ['admin', (f, n) => ({ organisationId: f.w.org.id, email: `co-admin-${n}@example.org` })],
  acceptAdminInvitation: ['stranger', (f) => ({ token: f.adminInvitation.token })],
  revokeAdminInvitation: ['admin', (f) => ({ id: f.adminInvitation.id })],
  removeOrganisationAdmin: ['admin', (f) => ({ organisationId: f.w.org.id, userId: f.w.admin.id })],
  inviteMember: ['organiser', (f, n) => ({ input: { chapterId: f.w.chapterA.id, email: `invitee-${n}@example.org`, role: 'MEMBER' } })],
  approveMembership: ['organiser', (f) => ({ membershipId: f.membershipId })],
  setMembershipRole: ['organiser', (f) => ({ membershipId: f.membershipId, role: 'MEMBER' })],
  removeMembership: ['organiser', (f) => ({ membershipId: f.membershipId })],
  createEvent: [
    'organiser',
    (f) => ({
      input: {
        chapterId: f.w.chapterA.id,
        title: 'Vigil',
        description: 'Bring candles',
        startsAt: future(7),
        endsAt: future(8),
        timeZone: 'Europe/London',
        capacity: 50,
        onlineUrl: 'https://meet.example.org/x',
        location,
        visibility: 'PUBLIC',
      },
    }),
  ],
  updateEvent: [
    'organiser',
    (f) => ({
      id: f.event.id,
      input: {
        title: 'Vigil',
        description: 'Candles',
        startsAt: future(7),
        endsAt: future(8),
        timeZone: 'Europe/London',
        capacity: 500,
        onlineUrl: 'https://meet.example.org/y',
        location,
        visibility: 'PUBLIC',
      },
    }),
  ],
  publishEvent: ['organiser', (f) => ({ id: f.draftEvent.id })],
  cancelEvent: ['organiser', (f) => ({ id: f.doomedEvent.id, reason: 'Rain' })],
  createEventSeries: [
    'organiser',
    (f) => ({
      input: {
        event: {
          chapterId: f.w.chapterA.id,
          title: 'Study circle',
          description: 'Chapter 1',
          startsAt: future(7),
          endsAt: future(7.1),
          timeZone: 'Europe/London',
          capacity: 30,
          location,
          visibility: 'PUBLIC',
        },
        rrule: 'FREQ=WEEKLY;COUNT=4',
      },
    }),
  ],
  updateEventSeries: [
    'organiser',
    (f) => ({
      id: f.series.id,
      fromEventId: null,
      input: {
        title: 'Study circle',
        description: 'Chapter 2',
        localStartTime: '19:30',
        durationMinutes: 90,
        capacity: 40,
        location,
        onlineUrl: 'https://meet.example.org/s',
        visibility: 'PUBLIC',
      },
    }),
  ],
  checkIn: ['organiser', (f) => ({ attendanceId: f.attendanceId })],
  createPetition: [
    'organiser',
    (f, n) => ({
      input: {
        organisationId: f.w.org.id,
        chapterId: f.w.chapterA.id,
        title: 'Free the river',
        target: 'The Minister',
        body: 'Stop the dam.',
        goal: 1000,
        closesAt: future(30),
        slug: `river-${n}`,
        visibility: 'PUBLIC',
      },
    }),
  ],
  updatePetition: [
    'organiser',
    (f) => ({
      id: f.petition.id,
      input: { title: 'Free the river', target: 'The Minister', body: 'Stop it.', goal: 2000, closesAt: future(60), visibility: 'PUBLIC' },
    }),
  ],
  openPetition: ['organiser', (f) => ({ id: f.draftPetition.id })],
  closePetition: ['organiser', (f) => ({ id: f.doomedPetition.id })],
  createReadingList: ['organiser', (f) => ({ input: { chapterId: f.w.chapterA.id, title: 'Circle', description: 'Monthly', visibility: 'CHAPTER' } })],
  updateReadingList: ['organiser', (f) => ({ id: f.list.id, input: { title: 'Circle', description: 'Weekly', visibility: 'CHAPTER' } })],
  deleteReadingList: ['organiser', (f) => ({ id: f.doomedList.id })],
  addReadingListItem: ['organiser', (f) => ({ listId: f.list.id, input: book, position: 1 })],
  updateReadingListItem: ['organiser', (f) => ({ itemId: f.item.id, input: book })],
  moveReadingListItem: ['organiser', (f) => ({ itemId: f.item.id, position: 1 })],
  removeReadingListItem: ['organiser', (f) => ({ itemId: f.doomedItem.id })],
  shareReadingList: ['admin', (f) => ({ listId: f.list.id, chapterId: f.w.chapterB.id })],
  unshareReadingList: ['admin', (f) => ({ listId: f.list.id, chapterId: f.w.chapterB.id })],
  forkReadingList: ['admin', (f) => ({ listId: f.list.id, chapterId: f.w.chapterB.id })],
};

// ---------------------------------------------------------------------------------------------
// A small seeded generator (mulberry32): the same seed gives the same cases on every run.

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(name: string): number {
  let h = SEED;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, max: number) => Math.floor(rng() * max);

/** Characters that break naive code: unpaired surrogates, NUL and other controls, bidi and zero-width marks, lookalikes. */
const NASTY = [
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\u0085',
  '\t',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u061c',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u0301',
  '\u0336',
  '\ufffd',
  '\uffff',
  '\ufffe',
  '🌊',
  '👩🏽‍🌾',
  '𝔘',
  'İ',
  'ß',
  'ﬃ',
  'Ａ',
  '\u3000',
  "'",
  '"',
  '\\',
  '`',
  '%00',
  '%',
  '${x}',
  '{{x}}',
  '<script>',
  "'; DROP TABLE users; --",
  '../../etc/passwd',
  '@',
  'mailto:',
  'javascript:',
  '\\u0000',
];

function hostileString(rng: Rng, value: string, longAllowed: boolean): string {
  const nasty = () => pick(rng, NASTY);
  // A value varied before (a long one) is cut, so one request never grows past the 100,000 characters of case 4.
  const base = value.slice(0, 200);
  switch (int(rng, 9)) {
    case 0:
      return Array.from({ length: 1 + int(rng, 8) }, nasty).join('');
    case 1: {
      const at = int(rng, base.length + 1);
      return base.slice(0, at) + nasty() + base.slice(at);
    }
    case 2:
      return nasty() + base;
    case 3:
      return base + nasty();
    case 4:
      // 100,000 one-byte characters (the HTTP body limit is 100 kB), sometimes ending in something nasty.
      return longAllowed ? 'a'.repeat(100_000 - 1) + (rng() < 0.5 ? '\u0000' : 'b') : base.repeat(20);
    case 5:
      return pick(rng, ['', ' ', '   ', '\u3000', '\n', '\u200b', '\u202e']);
    case 6:
      return Array.from({ length: 1 + int(rng, 40) }, () => String.fromCharCode(int(rng, 0x10000))).join('');
    case 7:
      return base.split('').reverse().join('') + '\u202e' + base;
    default:
      return `${base}${'\u0301'.repeat(1 + int(rng, 200))}`;
  }
}

function hugeNumber(rng: Rng): unknown {
  return pick(rng, [
    1e308,
    -1e308,
    2 ** 53 + 1,
    -(2 ** 53) - 1,
    2 ** 31,
    -(2 ** 31) - 1,
    -0,
    0,
    -1,
    0.5,
    Number.MIN_VALUE,
    'NaN',
    'Infinity',
    '-0',
    '1e308',
    '9007199254740993',
    '0x10',
    '',
  ]);
}

function malformedId(rng: Rng): unknown {
  const id = randomUUID();
  return pick(rng, [
    '',
    ' ',
    'not-a-uuid',
    id.toUpperCase(),
    `${id}\u0000`,
    `{${id}}`,
    id.replace(/-/g, ''),
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    id,
    ` ${id}`,
    `${id} `,
    "' OR 1=1 --",
    id.slice(0, 35),
    `${id}0`,
    '1',
    1,
    -1,
    `\ud800${id.slice(1)}`,
    id.replace(/[0-9a-f]/, 'g'),
    id.replace(/-/g, '\u2010'),
  ]);
}

function wrongType(rng: Rng): unknown {
  return pick(rng, [
    42,
    -1,
    1.5,
    true,
    false,
    {},
    { a: 1 },
    [],
    ['x'],
    [[]],
    [null],
    null,
    { $ne: null },
    JSON.parse('{"__proto__":{"polluted":true}}'),
    'true',
    '{}',
    '[]',
  ]);
}

function hostileDate(rng: Rng): unknown {
  return pick(rng, [
    '2026-13-45T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00Z',
    '1970-01-01',
    'yesterday',
    '2026-02-30T25:61:61Z',
    8.64e15,
    -1,
    '',
  ]);
}

/** A value meant to hurt a field of `type`, mostly of its own kind, sometimes of any kind. */
function hostileValue(rng: Rng, type: GraphQLInputType | undefined, base: unknown, longAllowed: boolean): unknown {
  if (rng() < 0.2 || !type) return pick(rng, [wrongType, hugeNumber, malformedId] as const)(rng);
  const named = getNamedType(type);
  if (isListType(isNonNullType(type) ? type.ofType : type) && rng() < 0.3) {
    return Array.from({ length: longAllowed && rng() < 0.1 ? 500 : 1 + int(rng, 5) }, () => hostileValue(rng, named as GraphQLInputType, undefined, false));
  }
  if (isEnumType(named)) return pick(rng, [String(base ?? 'X').toLowerCase(), '', 'ADMIN', '__proto__', hostileString(rng, String(base ?? 'X'), false), 0]);
  if (isScalarType(named)) {
    switch (named.name) {
      case 'ID':
        return malformedId(rng);
      case 'Int':
      case 'Float':
        return hugeNumber(rng);
      case 'Boolean':
        return pick(rng, ['true', 1, 0, 'yes', null]);
      case 'DateTime':
        return hostileDate(rng);
      default:
        return hostileString(rng, typeof base === 'string' ? base : 'text', longAllowed);
    }
  }
  return wrongType(rng);
}

// ---------------------------------------------------------------------------------------------
// Documents and paths from the schema.

interface Path {
  keys: Array<string | number>;
  type: GraphQLInputType;
}

/** Every place in a mutation's arguments a value can go: arguments, input fields (nested), first list entries. */
function pathsOf(field: GraphQLField<unknown, unknown>): Path[] {
  const paths: Path[] = [];
  const walk = (type: GraphQLInputType, keys: Array<string | number>, depth: number) => {
    paths.push({ keys, type });
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) walk(inner.ofType, [...keys, 0], depth + 1);
    else if (isInputObjectType(inner) && depth < 4) for (const f of Object.values(inner.getFields())) walk(f.type, [...keys, f.name], depth + 1);
  };
  for (const arg of field.args) walk(arg.type, [arg.name], 0);
  return paths;
}

function documentOf(field: GraphQLField<unknown, unknown>): string {
  const definitions = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `mutation${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

function setAt(root: Variables, keys: Array<string | number>, value: unknown): void {
  let node: any = root;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = typeof key === 'number' ? [] : {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
}

function getAt(root: Variables, keys: Array<string | number>): unknown {
  let node: any = root;
  for (const key of keys) node = node === null || typeof node !== 'object' ? undefined : node[key];
  return node;
}

interface Case {
  variables: unknown;
  what: string;
}

/** `count` variations of `valid`: one to three hostile values at schema paths, or a broken shape. */
function casesFor(name: string, field: GraphQLField<unknown, unknown>, valid: (n: number) => Variables, count: number): Case[] {
  const rng = mulberry32(seedOf(name));
  const paths = pathsOf(field);
  const cases: Case[] = [];
  for (let n = 0; n < count; n++) {
    const variables = structuredClone(valid(n)) as Variables;
    const roll = rng();
    if (roll < 0.03) {
      cases.push({ variables: pick(rng, [null, [], 'variables', 42, [variables]]), what: 'variables of the wrong type' });
      continue;
    }
    if (roll < 0.08) {
      const path = pick(rng, paths);
      setAt(variables, path.keys, undefined);
      cases.push({ variables, what: `without ${path.keys.join('.')}` });
      continue;
    }
    if (roll < 0.12) {
      const path = pick(rng, paths);
      setAt(variables, [...path.keys.slice(0, -1), pick(rng, ['extra', '__proto__', 'constructor', 'id', 'userId', 'role'])], hostileString(rng, 'x', false));
      cases.push({ variables, what: `an unknown field beside ${path.keys.join('.')}` });
      continue;
    }
    const changes = 1 + int(rng, 3);
    const what: string[] = [];
    let longAllowed = true;
    for (let i = 0; i < changes; i++) {
      const path = pick(rng, paths);
      const value = hostileValue(rng, path.type, getAt(variables, path.keys), longAllowed);
      // One big value per request: the HTTP body limit is 100 kB.
      if ((JSON.stringify(value) ?? '').length > 10_000) longAllowed = false;
      setAt(variables, path.keys, value);
      what.push(path.keys.join('.'));
    }
    cases.push({ variables, what: what.join(', ') });
  }
  return cases;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** Why an answer is not acceptable, or undefined when it is. */
function problemOf(status: number, body: any): string | undefined {
  if (status >= 500) return `HTTP ${status}`;
  if (!body || typeof body !== 'object') return `HTTP ${status} with a body that is not GraphQL`;
  const errors: any[] = body.errors ?? [];
  if (errors.length === 0) return body.data ? undefined : 'neither data nor errors';
  for (const error of errors) {
    const code = error?.extensions?.code;
    if (!DESIGN_CODES.has(code)) return `code ${code}: ${error?.message}`;
    if (code === 'BAD_USER_INPUT') {
      const fields = error.extensions.fields;
      if (!fields || typeof fields !== 'object' || Object.keys(fields).length === 0) return `BAD_USER_INPUT without fields: ${error.message}`;
    }
  }
  return undefined;
}

const shorten = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v));

describe('hostile input to every mutation a person can call', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  let f: Fixtures;

  beforeAll(async () => {
    t = await startTestApp();
    schema = t.app.get(GraphQLSchemaHost).schema;
    const w = await createWorld(t);
    const [event, draftEvent, doomedEvent] = await Promise.all([0, 1, 2].map(() => createEvent(t, w.organiser, w.chapterA.id)));
    await Promise.all([publishEvent(t, w.organiser, event.id), publishEvent(t, w.organiser, doomedEvent.id)]);
    const [petition, draftPetition, doomedPetition] = await Promise.all([0, 1, 2].map(() => createPetition(t, w.organiser, w.org.id, w.chapterA.id)));
    await Promise.all([openPetition(t, w.organiser, petition.id), openPetition(t, w.organiser, doomedPetition.id)]);
    const [list, doomedList] = await Promise.all([createReadingList(t, w.organiser, w.chapterA.id), createReadingList(t, w.organiser, w.chapterA.id)]);
    const [item, doomedItem] = [await addReadingListItem(t, w.organiser, list.id), await addReadingListItem(t, w.organiser, list.id)];
    const invitation = ok(
      await t.gql(
        'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }',
        { input: { chapterId: w.chapterA.id, email: w.stranger.email } },
        w.organiser.token,
      ),
    );
    const adminInvitation = ok(
      await t.gql(
        'mutation($o: ID!, $e: String!) { inviteOrganisationAdmin(organisationId: $o, email: $e) { token invitation { id } } }',
        { o: w.org.id, e: w.stranger.email },
        w.admin.token,
      ),
    ).inviteOrganisationAdmin;
    const apiKey = await createApiKey(t, w.admin, w.org.id, ['EVENTS_READ']);
    const createEndpoint = `mutation($o: ID!) { createWebhookEndpoint(input: { organisationId: $o, url: "https://example.org/hook", eventTypes: [PING] }) { endpoint { id } } }`;
    const webhookEndpointId = ok(await t.gql(createEndpoint, { o: w.org.id }, w.admin.token)).createWebhookEndpoint.endpoint.id;
    const doomedWebhookEndpointId = ok(await t.gql(createEndpoint, { o: w.org.id }, w.admin.token)).createWebhookEndpoint.endpoint.id;
    const webhookDeliveryId = ok(await t.gql('mutation($id: ID!) { sendTestWebhook(id: $id) { id } }', { id: webhookEndpointId }, w.admin.token))
      .sendTestWebhook.id;
    const [joiner, leaver, session] = await Promise.all([registerUser(t, 'Jo Joiner'), registerUser(t, 'Lea Leaver'), registerUser(t, 'Sam Session')]);
    const membershipId = await joinChapter(t, joiner, w.chapterA.id);
    await joinChapter(t, leaver, w.chapterB.id);
    const member = ok(
      await t.gql('mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id } } }', { input: { eventId: event.id } }, w.memberA.token),
    );
    // Emailed link tokens as the jobs would issue them (jobs do not run here).
    const tokens = t.app.get(EmailTokensService);
    const [guestRsvpToken, unsubscribeToken] = await inTransaction(t.app.get(DataSource), async (manager) => [
      await tokens.issue(manager, {
        kind: 'rsvp',
        email: 'gus@example.org',
        data: { eventId: event.id, name: 'Gus Guest', contactConsent: false, consentWordingId: null, consentedAt: null },
        expiresAt: new Date(future(8)),
      }),
      await tokens.issue(manager, { kind: 'unsubscribe', email: 'gus@example.org', expiresAt: new Date(future(3650)) }),
    ]);
    const series = ok(
      await t.gql(
        'mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id } }',
        {
          input: {
            event: { chapterId: w.chapterA.id, title: 'Study circle', startsAt: future(7), endsAt: future(7.1), timeZone: 'Europe/London' },
            rrule: 'FREQ=WEEKLY;COUNT=4',
          },
        },
        w.organiser.token,
      ),
    ).createEventSeries;
    f = {
      series,
      w,
      event,
      draftEvent,
      doomedEvent,
      petition,
      draftPetition,
      doomedPetition,
      list,
      doomedList,
      item,
      doomedItem,
      invitationToken: invitation.inviteMember.token,
      adminInvitation: { id: adminInvitation.invitation.id, token: adminInvitation.token },
      apiKeyId: apiKey.id,
      membershipId,
      leaver,
      session,
      attendanceId: member.rsvp.attendance.id,
      webhookEndpointId,
      doomedWebhookEndpointId,
      webhookDeliveryId,
      guestRsvpToken,
      unsubscribeToken,
    };
  });
  afterAll(() => t?.close());

  it('covers every mutation of the schema (add a line to TARGETS for a new one)', () => {
    const served = Object.keys(schema.getMutationType()!.getFields()).filter((name) => !NO_ARGUMENTS.has(name));
    expect(served.filter((name) => !(name in TARGETS))).toEqual([]);
    expect(Object.keys(TARGETS).filter((name) => !served.includes(name))).toEqual([]);
  });

  it(`answers ${CASES_PER_PUBLIC_MUTATION} hostile variations of each public mutation (${CASES_PER_ROLE_MUTATION} of the others) with a success or a DESIGN.md code, never INTERNAL_SERVER_ERROR or HTTP 5xx`, async () => {
    const mutations = schema.getMutationType()!.getFields();
    const tokenOf = (caller: Caller) => (caller === 'anonymous' ? undefined : caller === 'stranger' ? f.w.stranger.token : f.w[caller].token);
    const runs: Array<{ name: string; label: string; caller: Caller; valid: (n: number) => Variables }> = Object.entries(TARGETS).map(
      ([name, [caller, valid]]) => ({
        name,
        label: name,
        caller,
        valid: (n) => valid(f, n),
      }),
    );

    const failures: string[] = [];
    const answered = new Map<string, { total: number; ok: number; codes: Set<string> }>();
    for (const run of runs.filter((r) => mutations[r.name])) {
      const field = mutations[run.name];
      const query = documentOf(field);
      const cases = casesFor(run.label, field, run.valid, caseCount(run.caller));
      const tally = { total: 0, ok: 0, codes: new Set<string>() };
      const started = Date.now();
      answered.set(run.label, tally);
      await inPool(cases, CONCURRENCY, async ({ variables, what }) => {
        const response = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(tokenOf(run.caller) ? { authorization: `Bearer ${tokenOf(run.caller)}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const text = await response.text();
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        tally.total += 1;
        if (!body?.errors && body?.data) tally.ok += 1;
        for (const error of body?.errors ?? []) tally.codes.add(error?.extensions?.code);
        const problem = problemOf(response.status, body);
        if (problem) failures.push(`${run.label} (${what}) → ${problem}\n  variables: ${shorten(variables)}`);
      });
      if (process.env.HOSTILE_TIMING) process.stderr.write(`${run.label}: ${Date.now() - started} ms, ${tally.ok} ok, ${[...tally.codes].join(' ')}\n`);
    }

    failures.sort((a, b) => Number(b.includes('INTERNAL')) - Number(a.includes('INTERNAL')));
    expect(failures.slice(0, 20)).toEqual([]);
    for (const run of runs)
      expect({ mutation: run.label, answered: answered.get(run.label)?.total }).toEqual({ mutation: run.label, answered: caseCount(run.caller) });
    expect(runs.filter((run) => caseCount(run.caller) === CASES_PER_PUBLIC_MUTATION).length).toBeGreaterThanOrEqual(13);
    // The generator reaches both the input checks and the work behind them.
    expect([...answered.values()].every((tally) => tally.codes.has('BAD_USER_INPUT'))).toBe(true);
    expect([...answered.values()].filter((tally) => tally.ok > 0).length).toBeGreaterThan(runs.length / 2);
  }, 300_000);

  it('refuses dates PostgreSQL cannot store with BAD_USER_INPUT naming the field (found by the generator)', async () => {
    const petition = await t.gql(
      'mutation($id: ID!, $input: UpdatePetitionInput!) { updatePetition(id: $id, input: $input) { id } }',
      { id: f.petition.id, input: { closesAt: '-271821-04-20T00:00:00Z' } },
      f.w.organiser.token,
    );
    expect(petition.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { closesAt: expect.any(String) } });
    const event = await t.gql(
      'mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }',
      { id: f.event.id, input: { startsAt: '+275760-09-13T00:00:00.000Z', endsAt: '+275760-09-13T00:00:00.000Z' } },
      f.w.organiser.token,
    );
    expect(event.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { startsAt: expect.any(String), endsAt: expect.any(String) } });
  });

  it('answers concurrent removals, approvals and role changes of one membership with NOT_FOUND once it is gone (found by the generator)', async () => {
    const joiner = await registerUser(t, 'Rita Racer');
    const membershipId = await joinChapter(t, joiner, f.w.chapterA.id);
    const documents = [
      'mutation($id: ID!) { removeMembership(membershipId: $id) }',
      'mutation($id: ID!) { approveMembership(membershipId: $id) { id } }',
      'mutation($id: ID!) { setMembershipRole(membershipId: $id, role: MEMBER) { id } }',
    ];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => t.gql(documents[i % 3], { id: membershipId }, f.w.organiser.token)));
    expect(answers.filter((res) => res.data?.removeMembership === true)).toHaveLength(1);
    for (const res of answers) expect([undefined, 'NOT_FOUND']).toContain(res.errors?.[0]?.extensions.code);
  });
});
