import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { badInput, ok } from './support/expectations';
import { createChapter, createOrganisation, createReadingList, registerUser, registerUserWithEmail, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Text that is not text: unpaired UTF-16 surrogates (which email validators and encoders choke on)
 * and NUL (which PostgreSQL refuses) are BAD_USER_INPUT naming the field, in every argument at every
 * depth, checked once before any resolver runs.
 */
const LONE_HIGH = '\ud800';
const LONE_LOW = '\udfff';
const NUL = '\u0000';

const REGISTER = 'mutation($input: RegisterInput!) { register(input: $input) }';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }';
const CREATE_ORGANISATION = 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }';

const unique = () => randomBytes(4).toString('hex');

describe('malformed text in any input', () => {
  let t: TestApp;
  let db: Client;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    user = await registerUser(t);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const count = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  it('refuses an unpaired surrogate anywhere in a register email, naming email, and creates nothing', async () => {
    const before = await count('users');
    for (const email of [`${LONE_HIGH}a@example.org`, `a${LONE_LOW}@example.org`, `a@example.org${LONE_HIGH}`, `${LONE_LOW}${LONE_HIGH}@example.org`]) {
      const res = await t.gql(REGISTER, { input: { email, password: 'long enough password', displayName: 'Ana' } });
      expect(res.status).toBeLessThan(500);
      badInput(res, 'email');
    }
    expect(await count('users')).toBe(before);
  });

  it('refuses NUL in a login email and a refresh token', async () => {
    badInput(await t.gql(LOGIN, { input: { email: `${user.email}${NUL}`, password: 'whatever password' } }), 'email');
    badInput(await t.gql(LOGIN, { input: { email: user.email, password: `x${NUL}` } }), 'password');
    badInput(await t.gql('mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }', { t: `${user.refreshToken}${NUL}` }), 'refreshToken');
    badInput(await t.gql('mutation($t: String!) { logout(refreshToken: $t) }', { t: LONE_HIGH }), 'refreshToken');
  });

  it('refuses NUL and unpaired surrogates in slugs and names', async () => {
    const before = await count('organisations');
    badInput(await t.gql(CREATE_ORGANISATION, { input: { name: 'River Solidarity', slug: `river${NUL}` } }, user.token), 'slug');
    badInput(await t.gql(CREATE_ORGANISATION, { input: { name: `River ${LONE_LOW}` } }, user.token), 'name');
    badInput(await t.gql('query($slug: String!) { organisation(slug: $slug) { id } }', { slug: `a${NUL}b` }), 'slug');
    expect(await count('organisations')).toBe(before);
  });

  it('names nested input fields and list entries by their path inside the input', async () => {
    const org = await createOrganisation(t, user);
    const chapter = await createChapter(t, user, org.id);
    const startsAt = new Date(Date.now() + 86_400_000);
    const event = {
      chapterId: chapter.id,
      title: 'Vigil',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      timeZone: 'Europe/London',
      location: { venue: `Hall${NUL}`, city: 'London' },
    };
    badInput(await t.gql('mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }', { input: event }, user.token), 'location.venue');

    const list = await createReadingList(t, user, chapter.id);
    const item = { kind: 'BOOK', title: 'Open Veins', authors: ['Eduardo Galeano', `Someone ${LONE_HIGH}`] };
    badInput(
      await t.gql(
        'mutation($listId: ID!, $input: ReadingListItemInput!) { addReadingListItem(listId: $listId, input: $input) { id } }',
        { listId: list.id, input: item },
        user.token,
      ),
      'authors.1',
    );
  });

  it('checks literals in the document and variable defaults too', async () => {
    badInput(await t.gql('mutation { logout(refreshToken: "a\\u0000b") }'), 'refreshToken');
    badInput(await t.gql('mutation($t: String = "\\u0000") { logout(refreshToken: $t) }'), 'refreshToken');
    badInput(await t.gql(`mutation { createOrganisation(input: { name: "River", slug: "r\\u0000r" }) { id } }`, {}, user.token), 'slug');
    badInput(await t.gql('query($after: String) { organisations(after: $after) { totalCount } }', { after: `${NUL}` }), 'after');
  });

  it('answers with HTTP 400 and no data, like other input the request itself gets wrong', async () => {
    const res = await t.gql(REGISTER, { input: { email: `${LONE_HIGH}@example.org`, password: 'long enough password', displayName: 'Ana' } });
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors![0].extensions.fields.email).toMatch(/Unicode/);
  });

  it('accepts surrogate pairs (emoji, astral scripts), and RTL text (control)', async () => {
    const res = await t.gql(REGISTER, { input: { email: `ana-${unique()}@example.org`, password: 'long enough password 🌊', displayName: 'Ana 🌊 𝔘 عربى' } });
    expect(ok(res).register).toBe(true);
    const ana = await registerUserWithEmail(t, `ana-${unique()}@example.org`, 'Ana 🌊 𝔘 عربى');
    expect(ok(await t.gql('{ me { displayName } }', {}, ana.token)).me.displayName).toBe('Ana 🌊 𝔘 عربى');
  });

  it('applies over graphql-ws too', async () => {
    const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const errors = await new Promise<any>((resolve, reject) => {
        client.subscribe(
          { query: 'subscription($id: ID!) { signatureCountChanged(petitionId: $id) { signatureCount } }', variables: { id: `${randomUUID()}${NUL}` } },
          { next: (result) => resolve(result.errors), error: (error) => resolve(error), complete: () => reject(new Error('completed without an error')) },
        );
      });
      expect(Array.isArray(errors)).toBe(true);
      // The text check's message, not the id pipe's: the check ran before the resolver.
      expect(errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { petitionId: expect.stringMatching(/NUL/) } });
    } finally {
      await client.dispose();
    }
  });
});
