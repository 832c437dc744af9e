import { randomUUID } from 'node:crypto';
import { QUERY_LIMITS } from '../src/common/graphql/graphql.config';
import { codeOf, createOrganisation, registerUser } from './support/factories';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

const PUBLIC_QUERY = '{ organisations { totalCount } }';

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
      const inner = deepQuery(depth).replace(/^query\(\$id: ID!\) \{ chapter\(id: \$id\) /, '').replace(/ \}$/, '');
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
