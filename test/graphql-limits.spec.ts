import { createHash, randomUUID } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { graphqlWsOptions } from '../src/common/graphql/graphql-ws';
import { MAX_QUERY_NODES, queryCost } from '../src/common/graphql/query-cost';
import { PUBLIC_QUERY } from './support/documents';
import { QUERY_LIMITS } from '../src/common/graphql/graphql.config';
import { codeOf, createOrganisation, registerUser } from './support/factories';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

/** `chapter(id: $id) { organisation { chapters { edges { node { organisation { … } } } } } }`, `depth` fields deep. */
function deepQuery(depth: number): string {
  const cycle = ['organisation', 'chapters', 'edges', 'node'];
  const leafOf: Record<string, string> = { organisation: 'id', chapters: 'totalCount', edges: 'cursor', node: 'id' };
  const path = ['chapter(id: $id)'];
  while (path.length < depth - 1) path.push(cycle[(path.length - 1) % cycle.length]);
  const last = path.length === 1 ? 'node' : path[path.length - 1];
  return `query($id: ID!) { ${path.join(' { ')} { ${leafOf[last]} ${' }'.repeat(path.length)} }`;
}

function aliasedQuery(aliases: number): string {
  return `{ ${Array.from({ length: aliases }, (_, i) => `a${i}: organisations(first: 1) { totalCount }`).join(' ')} }`;
}

/** Raw HTTP against /graphql, for what `t.gql` cannot send. */
async function raw(t: TestApp, init: RequestInit & { search?: string } = {}): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${t.url}/graphql${init.search ?? ''}`, init);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Nothing of the server's insides: no stack traces, no SQL, no file paths. */
function expectNoInternals(body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect(text).not.toMatch(/stacktrace/i);
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/\bat \S+ \(?\S+:\d+:\d+\)?/); // a stack frame
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|\bFROM "|QueryFailedError|syntax for type|relation "/);
  expect(text).not.toMatch(/node_modules|\/src\/|\.ts:\d+/);
}

function expectValidationFailed(res: { status: number; json?: any } | GqlResponse, pattern?: RegExp): void {
  const errors = 'json' in res ? res.json?.errors : (res as GqlResponse).errors;
  expect(res.status).toBe(400);
  expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  if (pattern) expect(errors.map((e: { message: string }) => e.message).join('\n')).toMatch(pattern);
  expect('json' in res ? res.json?.data : (res as GqlResponse).data).toBeUndefined();
}

describe('GraphQL limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  describe('document limits', () => {
    it('accepts a query within the depth limit (control)', async () => {
      const res = await t.gql(deepQuery(QUERY_LIMITS.maxDepth - 2), { id: randomUUID() });
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ chapter: null });
    });

    it('refuses a query deeper than the limit with HTTP 400 GRAPHQL_VALIDATION_FAILED', async () => {
      const res = await t.gql(deepQuery(QUERY_LIMITS.maxDepth + 4), { id: randomUUID() });
      expectValidationFailed(res, /depth/i);
    });

    it('counts depth through fragments too', async () => {
      const depth = QUERY_LIMITS.maxDepth + 4;
      const inner = deepQuery(depth)
        .replace(/^query\(\$id: ID!\) \{ chapter\(id: \$id\) /, '')
        .replace(/ \}$/, '');
      const query = `query($id: ID!) { chapter(id: $id) { ...Deep } } fragment Deep on Chapter ${inner}`;
      const res = await t.gql(query, { id: randomUUID() });
      expectValidationFailed(res, /depth/i);
    });

    it(`accepts a few aliases but refuses more than ${QUERY_LIMITS.maxAliases}`, async () => {
      const few = await t.gql(aliasedQuery(3));
      expect(few.status).toBe(200);
      expect(few.errors).toBeUndefined();
      expect(Object.keys(few.data)).toHaveLength(3);

      const many = await t.gql(aliasedQuery(20));
      expectValidationFailed(many, /alias/i);
    });

    // `query Qn { __typename }` is 5 tokens: many small operations reach any size without tripping another limit.
    const operations = (n: number) => Array.from({ length: n }, (_, i) => `query Q${i} { __typename }`).join('\n');
    const postDocument = (query: string) =>
      raw(t, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, operationName: 'Q0' }) });

    it('refuses a document over the token limit with HTTP 400', async () => {
      const res = await postDocument(operations(Math.floor(QUERY_LIMITS.maxTokens / 5) + 1));
      expectValidationFailed(res, /tokens/i);
      expectNoInternals(res.text);
    });

    it('accepts a document just under the token limit (control)', async () => {
      const res = await postDocument(operations(Math.floor(QUERY_LIMITS.maxTokens / 5) - 1));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses a syntax error with HTTP 400 GRAPHQL_VALIDATION_FAILED, never 500', async () => {
      for (const query of ['{ organisations { ', '{ organisations { totalCount } } }', 'query {', '}']) {
        const res = await t.gql(query);
        expectValidationFailed(res, /Syntax Error/);
        expectNoInternals(res);
      }
    });

    it('refuses a document with an unknown field with HTTP 400', async () => {
      const res = await t.gql('{ organisations { totalCount secretField } }');
      expectValidationFailed(res, /secretField/);
    });
  });

  describe('query cost (nodes a document can return)', () => {
    const ATTENDEES = `query($id: ID!) { event(id: $id) { id title attendees(first: 100) { totalCount edges { cursor node {
      id name email status waitlistPosition checkedInAt createdAt user { id displayName } } } pageInfo { hasNextPage endCursor } } } }`;
    const MEMBERS = `query($id: ID!) { chapter(id: $id) { id members(first: 100) { totalCount edges { node {
      id role status createdAt user { id displayName email createdAt } } } } } }`;
    const SIGNATURES = `query($id: ID!) { petition(id: $id) { id title signatureCount signatures(first: 100) { totalCount edges { cursor node {
      id fullName email postcode country comment displayPublicly contactConsent source createdAt } } pageInfo { hasNextPage endCursor } } } }`;
    const CHAPTER_PAGE = `query($id: ID!) { chapter(id: $id) { id name slug city description timeZone memberCount organisation { id name slug }
      events(first: 20) { totalCount edges { node { id title description startsAt endsAt timeZone status visibility capacity goingCount waitlistCount spotsLeft
        location { venue city country latitude longitude } chapter { id name slug organisation { id name } } } } }
      petitions(first: 5) { totalCount edges { node { id title slug target status signatureCount goal closesAt } } } } }`;
    /** Four nested connections of 100, asking only counts at the bottom: within depth, aliases and tokens. */
    const FOUR_NESTED = `{ organisations(first: 100) { edges { node { chapters(first: 100) { edges { node {
      events(first: 100) { edges { node { attendees(first: 100) { totalCount } } } } } } } } } } }`;
    const NESTED_BY_VARIABLE = `query($n: Int) { organisations(first: $n) { edges { node { chapters(first: $n) { edges { node {
      events(first: $n) { edges { node { id } } } } } } } } } }`;

    for (const [what, query] of [
      ['an organiser’s page of 100 attendees with every field and their user', ATTENDEES],
      ['a chapter’s 100 members with their users', MEMBERS],
      ['a petition’s page of 100 signatures with every field', SIGNATURES],
      ['a chapter page with 20 events (with their chapter) and 5 petitions', CHAPTER_PAGE],
    ] as const) {
      it(`allows ${what}`, async () => {
        const res = await t.gql(query, { id: randomUUID() });
        expect(res.status).toBe(200);
        expect(res.errors).toBeUndefined();
        expect(Object.values(res.data)).toEqual([null]);
      });
    }

    it('counts nodes: each connection by its first, each object once, scalars free', () => {
      const schema = t.app.get(GraphQLSchemaHost).schema;
      // event (1) + attendees (1 + 100 × (node 1 + user 1)).
      expect(queryCost(schema, parse(ATTENDEES), { id: randomUUID() })).toBe(1 + 1 + 100 * 2);
      // Without first, a connection counts its default page of 20.
      expect(queryCost(schema, parse('{ organisations { edges { node { id } } } }'), {})).toBe(1 + 20);
      expect(queryCost(schema, parse(NESTED_BY_VARIABLE), { n: 100 })).toBeGreaterThan(MAX_QUERY_NODES);
    });

    it('refuses four nested first: 100 connections with HTTP 400 GRAPHQL_VALIDATION_FAILED saying "Query cost"', async () => {
      const res = await t.gql(FOUR_NESTED);
      expectValidationFailed(res, /^Query cost [\d,]+ is over the limit of 25,000 nodes/);
      expect(res.errors![0].message).not.toMatch(/Syntax Error/);
    });

    it('measures first given in variables', async () => {
      const few = await t.gql(NESTED_BY_VARIABLE, { n: 10 });
      expect(few.status).toBe(200);
      expect(few.errors).toBeUndefined();
      const many = await t.gql(NESTED_BY_VARIABLE, { n: 100 });
      expectValidationFailed(many, /^Query cost/);
    });

    it('applies to subscriptions over graphql-ws, with their variables', async () => {
      // The served subscriptions return a few scalars; a schema with a nested one shows the check wired into graphql-ws.
      const schema = buildSchema(`type Query { ok: Boolean } type Subscription { items(first: Int = 20): ItemConnection }
        type ItemConnection { edges: [ItemEdge] } type ItemEdge { node: Item } type Item { id: ID children(first: Int = 20): ItemConnection }`);
      const options = graphqlWsOptions({
        path: '/graphql',
        production: false,
        maxTokens: 2000,
        validationRules: [],
        schema: () => schema,
        format: (f) => f,
        trustProxy: false,
        maxSubscriptionsPerSocket: 20,
        maxSocketsPerIp: 50,
        apiKeyRecheckMs: 5000,
        authenticate: () => Promise.reject(new Error('not used')),
        liveApiKeys: async (ids) => new Set(ids),
      });
      const subscribe = (variables: Record<string, unknown>) =>
        options.onSubscribe!({ subscriptions: {} } as never, 'id', {
          query:
            'subscription($n: Int) { items(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { edges { node { id } } } } } } } } } }',
          variables,
        }) as GraphQLError[] | undefined;
      expect(subscribe({ n: 10 })).toBeUndefined();
      const refused = subscribe({ n: 100 });
      expect(refused?.map((e) => [e.message.slice(0, 10), e.extensions.code])).toEqual([['Query cost', 'GRAPHQL_VALIDATION_FAILED']]);
    });

    it('counts fragments and aliases like the fields they stand for', async () => {
      const query = `{ a: organisations(first: 100) { ...Deep } b: organisations(first: 100) { ...Deep } }
        fragment Deep on OrganisationConnection { edges { node { chapters(first: 100) { edges { node { events(first: 100) { totalCount edges { node { id } } } } } } } } }`;
      expectValidationFailed(await t.gql(query), /^Query cost/);
    });
  });

  describe('request errors', () => {
    it('answers an operationName that names no operation with HTTP 400 BAD_REQUEST', async () => {
      const res = await raw(t, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
      });
      expect(res.status).toBe(400);
      expect(res.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(res.json.errors[0].message).toMatch(/C/);
      expect(res.json.data).toBeUndefined();
      expectNoInternals(res.text);
      // Several operations and none named is the same mistake; naming one works (control).
      const unnamed = await raw(t, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query A { __typename } query B { __typename }' }),
      });
      expect(unnamed.status).toBe(400);
      expect(unnamed.json.errors[0].extensions.code).toBe('BAD_REQUEST');
      const named = await raw(t, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'B' }),
      });
      expect(named.json).toEqual({ data: { __typename: 'Query' } });
    });

    it('answers any persisted-query hash with HTTP 400 PERSISTED_QUERY_NOT_SUPPORTED', async () => {
      const sha256Hash = createHash('sha256').update(PUBLIC_QUERY).digest('hex');
      for (const body of [
        { extensions: { persistedQuery: { version: 1, sha256Hash } } },
        { query: PUBLIC_QUERY, extensions: { persistedQuery: { version: 1, sha256Hash } } },
        { query: PUBLIC_QUERY, extensions: { persistedQuery: { version: 2, sha256Hash: 'nonsense' } } },
      ]) {
        const res = await raw(t, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(res.status).toBe(400);
        expect(res.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
        expect(res.json.data).toBeUndefined();
        expectNoInternals(res.text);
      }
    });
  });

  describe('HTTP transport', () => {
    it('refuses a batched request body', async () => {
      const res = await raw(t, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: PUBLIC_QUERY }, { query: '{ me { id } }' }]),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json?.data).toBeUndefined();
      expect(Array.isArray(res.json)).toBe(false);
      expect(res.json?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expectNoInternals(res.text);
    });

    it('blocks a GET without a preflight-forcing header (CSRF prevention)', async () => {
      const res = await raw(t, { search: `?query=${encodeURIComponent(PUBLIC_QUERY)}` });
      expect(res.status).toBe(400);
      expect(res.json?.data).toBeUndefined();
      expect(res.json?.errors?.[0]?.message).toMatch(/CSRF/);
      expect(res.json?.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expectNoInternals(res.text);
    });

    it('blocks simple-request POSTs (text/plain, form-encoded)', async () => {
      const plain = await raw(t, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: PUBLIC_QUERY }) });
      expect(plain.status).toBe(400);
      expect(plain.json?.data).toBeUndefined();
      const form = await raw(t, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `query=${encodeURIComponent(PUBLIC_QUERY)}`,
      });
      expect(form.status).toBe(400);
      expect(form.json?.data).toBeUndefined();
    });

    it('serves a GET query that carries apollo-require-preflight (control)', async () => {
      const res = await raw(t, { search: `?query=${encodeURIComponent(PUBLIC_QUERY)}`, headers: { 'apollo-require-preflight': 'true' } });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ data: { organisations: { totalCount: expect.any(Number) } } });
    });

    it('never runs a mutation sent by GET', async () => {
      const user = await registerUser(t);
      const res = await raw(t, {
        search: `?query=${encodeURIComponent('mutation($t: String!) { logout(refreshToken: $t) }')}&variables=${encodeURIComponent(JSON.stringify({ t: user.refreshToken }))}`,
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json?.data).toBeUndefined();
      // The session is still live.
      const refresh = await t.gql(`mutation($t: String!) { refreshSession(refreshToken: $t) { refreshToken } }`, { t: user.refreshToken });
      expect(refresh.errors).toBeUndefined();
    });
  });

  describe('pagination arguments', () => {
    it('refuses first above 100 with BAD_USER_INPUT naming first', async () => {
      const res = await t.gql('{ organisations(first: 101) { totalCount } }');
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions.fields).toEqual({ first: expect.any(String) });
      expect(res.data).toBeNull();
    });

    it('refuses a negative first', async () => {
      const res = await t.gql('query($n: Int) { organisations(first: $n) { totalCount } }', { n: -1 });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions.fields).toHaveProperty('first');
    });

    it('refuses cursors that are not from the list with BAD_USER_INPUT, never an internal error', async () => {
      const cursors = [
        'zzz',
        'not a cursor at all!',
        cursorOf({ a: 1 }),
        cursorOf(['2020-01-01T00:00:00.000Z', 'not-a-uuid']),
        cursorOf(['not a date', randomUUID()]),
        cursorOf([{ nested: true }, randomUUID()]),
        cursorOf([null, randomUUID()]),
      ];
      for (const after of cursors) {
        const res = await t.gql('query($after: String) { organisations(first: 2, after: $after) { totalCount edges { node { id } } } }', { after });
        expect({ after, code: codeOf(res) }).toEqual({ after, code: 'BAD_USER_INPUT' });
        expect(res.errors![0].extensions.fields).toHaveProperty('after');
        expectNoInternals(res);
      }
    });
  });

  describe('error responses', () => {
    it('never carry stack traces, SQL or source paths', async () => {
      const responses: unknown[] = [
        await t.gql('{ organisations { '),
        await t.gql(deepQuery(QUERY_LIMITS.maxDepth + 4), { id: randomUUID() }),
        await t.gql(aliasedQuery(20)),
        await t.gql('{ organisations(first: 101) { totalCount } }'),
        await t.gql('query($after: String) { organisations(after: $after) { totalCount } }', { after: cursorOf(['x', 'y']) }),
        await t.gql('query($id: ID!) { chapter(id: $id) { id } }', { id: 'not-a-uuid' }),
        await t.gql('query($id: ID!) { chapter(id: $id) { id } }', { id: { $ne: null } }),
        await t.gql('mutation($input: RegisterInput!) { register(input: $input) }', { input: { email: 'x', password: 'y', displayName: '' } }),
        await t.gql(PUBLIC_QUERY, {}, 'garbage-token'),
        await t.gql(PUBLIC_QUERY, {}, 'mk_garbage'),
        (await raw(t, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' })).text,
        (await raw(t, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 42 }) })).text,
      ];
      for (const res of responses) expectNoInternals(res);
      // Every one of them is an error of some kind (the checks above ran against real error bodies).
      for (const res of responses) expect(JSON.stringify(res)).toMatch(/error/i);
    });
  });
});

describe('pagination', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const PAGE = `query($first: Int, $after: String) {
    organisations(first: $first, after: $after) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
  }`;

  it('pages through organisations with first/after: no duplicates, no gaps, stable under inserts', async () => {
    const admin = await registerUser(t);
    const created: string[] = [];
    for (const name of ['Alpha Solidarity', 'Beta Solidarity', 'Gamma Solidarity']) created.push((await createOrganisation(t, admin, name)).id);

    const page1 = await t.gql(PAGE, { first: 2 });
    expect(page1.errors).toBeUndefined();
    const c1 = page1.data.organisations;
    expect(c1.totalCount).toBe(3);
    expect(c1.edges).toHaveLength(2);
    expect(c1.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: c1.edges[0].cursor, endCursor: c1.edges[1].cursor });

    // An insert between pages does not shift the next page.
    const late = (await createOrganisation(t, admin, 'Delta Solidarity')).id;

    const page2 = await t.gql(PAGE, { first: 2, after: c1.pageInfo.endCursor });
    expect(page2.errors).toBeUndefined();
    const c2 = page2.data.organisations;
    expect(c2.totalCount).toBe(4);
    expect(c2.edges).toHaveLength(2);
    expect(c2.pageInfo.hasNextPage).toBe(false);
    expect(c2.pageInfo.hasPreviousPage).toBe(true);
    expect(c2.pageInfo.endCursor).toBe(c2.edges[1].cursor);

    const seen = [...c1.edges, ...c2.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...created, late]);

    const page3 = await t.gql(PAGE, { first: 2, after: c2.pageInfo.endCursor });
    expect(page3.data.organisations.edges).toEqual([]);
    expect(page3.data.organisations.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });

  it('exactly one page when first equals the count', async () => {
    const res = await t.gql(PAGE, { first: 4 });
    expect(res.data.organisations.edges).toHaveLength(4);
    expect(res.data.organisations.pageInfo.hasNextPage).toBe(false);
  });

  it('validates page arguments of nested connections too', async () => {
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    const res = await t.gql('query($slug: String!) { organisation(slug: $slug) { id chapters(first: 101) { totalCount } } }', { slug: org.slug });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions.fields).toHaveProperty('first');
    expect(res.errors![0].path).toEqual(['organisation', 'chapters']);
  });
});

describe('production mode', () => {
  let prod: TestApp;
  let dev: TestApp;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([startTestApp({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://127.0.0.1:9' }), startTestApp()]);
  });
  afterAll(async () => {
    await prod?.close();
    await dev?.close();
  });

  it('refuses introspection', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Organisation") { fields { name } } }']) {
      const res = await prod.gql(query);
      expectValidationFailed(res);
      expect(JSON.stringify(res)).not.toContain('"name":"Organisation"');
    }
    // Outside production it is on (control), and __typename stays available everywhere.
    const devRes = await dev.gql('{ __schema { types { name } } }');
    expect(devRes.errors).toBeUndefined();
    expect(devRes.data.__schema.types.map((type: { name: string }) => type.name)).toContain('Organisation');
    expect((await prod.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('gives no field suggestions', async () => {
    const query = '{ organisation(slug: "x") { nam } }';
    const devRes = await dev.gql(query);
    expect(devRes.errors![0].message).toMatch(/Did you mean/); // control: suggestions exist outside production

    const res = await prod.gql(query);
    expectValidationFailed(res, /nam/);
    expect(res.errors![0].message).not.toMatch(/Did you mean/i);
    expect(res.errors![0].message).not.toContain('"name"');
  });

  it('gives no suggestions for arguments, input fields or enum values either', async () => {
    const cases: Array<[string, Record<string, unknown>?]> = [
      ['{ organisations(frist: 1) { totalCount } }'],
      [
        'mutation($input: RegisterInput!) { register(input: $input) }',
        { input: { emial: 'a@example.org', email: 'a@example.org', password: 'long enough password', displayName: 'X' } },
      ],
      [
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
        { input: { organisationId: randomUUID(), name: 'Key', scopes: ['EVENT_READ'] } },
      ],
      ['mutation { createApiKey(input: { organisationId: "x", name: "Key", scopes: [EVENT_READ] }) { secret } }'],
    ];
    for (const [query, variables] of cases) {
      const devRes = await dev.gql(query, variables);
      expect(JSON.stringify(devRes.errors)).toMatch(/Did you mean/); // control
      const res = await prod.gql(query, variables);
      expect(res.status).toBe(400);
      expect(res.errors?.length).toBeGreaterThan(0);
      const text = JSON.stringify(res.errors);
      expect(text).not.toMatch(/Did you mean/i);
      expect(text).not.toMatch(/EVENTS_READ|"first"|"email"/);
    }
  });

  it('answers a syntax error with 400 and nothing internal', async () => {
    const res = await prod.gql('{ organisations { ');
    expectValidationFailed(res);
    expectNoInternals(res);
  });
});
