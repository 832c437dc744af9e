import { createHash, createHmac, randomBytes } from 'node:crypto';
import { dbClient, DbClient } from './support/db';
import { PUBLIC_QUERY } from './support/documents';
import { codeOf, registerUser } from './support/factories';
import { AuthService } from '../src/modules/auth/auth.service';
import { startTestApp, TestApp } from './support/test-app';

/** The JWT secret startTestApp hands to the app. */
const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';
const PASSWORD = 'correct horse battery';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken user { id email } } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken refreshToken user { id email } } }`;
const LOGOUT = `mutation($token: String!) { logout(refreshToken: $token) }`;
const ME = `{ me { id email displayName } }`;

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT signed by hand, so expired and forged tokens can be built without a JWT library. */
function signJwt(payload: Record<string, unknown>, secret = TEST_SECRET, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const uniqueEmail = (label = 'user') => `${label}-${randomBytes(4).toString('hex')}@example.org`;

describe('auth', () => {
  let t: TestApp;
  let db: DbClient;

  beforeAll(async () => {
    t = await startTestApp();
    db = await dbClient(t.databaseUrl);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const register = (input: Record<string, unknown>, token?: string) => t.gql(REGISTER, { input }, token);
  const login = (email: string, password: string) => t.gql(LOGIN, { input: { email, password } });
  const usersWithEmail = async (email: string) => (await db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email])).rows[0].n as number;

  describe('register', () => {
    it('answers true and only queues the registration, with the email normalised (accounts.spec.ts follows the mail)', async () => {
      const suffix = randomBytes(3).toString('hex');
      const res = await register({ email: `  Ana.${suffix}@Example.ORG `, password: PASSWORD, displayName: 'Ana Quispe' });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ register: true });
      const expected = `ana.${suffix}@example.org`;
      // Jobs are off in this app: the one durable write of the request path is the job, the account comes with it.
      expect(await usersWithEmail(expected)).toBe(0);
      const { rows } = await db.query(
        `SELECT j.payload->>'email' AS email, j.payload->>'displayName' AS name, j.payload->>'passwordHash' LIKE '$argon2id$%' AS hashed
           FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id
          WHERE k.identifier = 'auth:send-registration-mail' AND j.payload->>'email' = $1`,
        [expected],
      );
      expect(rows).toEqual([{ email: expected, name: 'Ana Quispe', hashed: true }]);
    });

    it('answers a taken email, whatever its case, exactly as a new one and makes no second account', async () => {
      const user = await registerUser(t);
      const res = await register({ email: ` ${user.email.toUpperCase()}`, password: PASSWORD, displayName: 'Second' });
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ register: true });
      expect(await usersWithEmail(user.email)).toBe(1);
    });

    it('refuses a password under 10 characters with BAD_USER_INPUT naming the field', async () => {
      const email = uniqueEmail('short');
      const res = await register({ email, password: '123456789', displayName: 'Short Password' });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions.fields).toEqual({ password: expect.any(String) });
      expect(await usersWithEmail(email)).toBe(0);
    });

    it('refuses a malformed email with BAD_USER_INPUT naming the field', async () => {
      const res = await register({ email: 'not-an-email', password: PASSWORD, displayName: 'Bad Email' });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions.fields).toEqual({ email: expect.any(String) });
      expect(await usersWithEmail('not-an-email')).toBe(0);
    });

    it('names a missing required field in fields', async () => {
      const res = await register({ password: PASSWORD, displayName: 'No Email' });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions.fields).toEqual({ email: expect.any(String) });
    });

    it('refuses an unknown input field and creates nothing', async () => {
      const email = uniqueEmail('extra');
      const res = await register({ email, password: PASSWORD, displayName: 'Extra Field', isAdmin: true });
      expect(res.errors).toHaveLength(1);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toContain('isAdmin');
      expect(res.errors![0].extensions.fields).toEqual({ isAdmin: expect.any(String) });
      expect(res.data).toBeUndefined();
      expect(await usersWithEmail(email)).toBe(0);
    });

    it('refuses an unknown field in an inline input literal and creates nothing', async () => {
      const email = uniqueEmail('inline');
      const res = await t.gql(`mutation { register(input: { email: "${email}", password: "${PASSWORD}", displayName: "Inline", isAdmin: true }) }`);
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0].message).toContain('isAdmin');
      expect(res.data).toBeUndefined();
      expect(await usersWithEmail(email)).toBe(0);
    });

    it('stores passwords as argon2id at the chosen parameters, never in clear', async () => {
      const user = await registerUser(t);
      const { rows } = await db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].password_hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
      expect(rows[0].password_hash).not.toContain(PASSWORD);
    });

    it('stores refresh tokens hashed', async () => {
      const user = await registerUser(t);
      const { rows } = await db.query('SELECT token_hash FROM refresh_tokens WHERE user_id = $1', [user.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).not.toBe(user.refreshToken);
      expect(rows[0].token_hash).not.toContain(user.refreshToken);
      expect(rows[0].token_hash).toBe(createHash('sha256').update(user.refreshToken).digest('hex'));
    });
  });

  describe('login', () => {
    it('signs in with the right password and shows the user their email', async () => {
      const user = await registerUser(t, 'Juan Mamani');
      const res = await login(user.email, PASSWORD);
      expect(res.errors).toBeUndefined();
      expect(res.data.login.user).toEqual({ id: user.id, email: user.email });
      const me = await t.gql(ME, {}, res.data.login.accessToken);
      expect(me.data.me.id).toBe(user.id);
    });

    it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
      const user = await registerUser(t);
      const wrongPassword = await login(user.email, 'not the right password');
      const unknownEmail = await login(uniqueEmail('nobody'), PASSWORD);
      expect(codeOf(wrongPassword)).toBe('UNAUTHENTICATED');
      expect(codeOf(unknownEmail)).toBe('UNAUTHENTICATED');
      expect(wrongPassword.errors![0].message).toBe(unknownEmail.errors![0].message);
      expect(wrongPassword.errors![0].extensions).toEqual(unknownEmail.errors![0].extensions);
      expect(wrongPassword.data).toBeNull();
      expect(unknownEmail.data).toBeNull();
    });
  });

  describe('me', () => {
    it('is null anonymously', async () => {
      const res = await t.gql(ME);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ me: null });
    });

    it('is the signed-in user, with their email', async () => {
      const user = await registerUser(t, 'Rosa Choque');
      const res = await t.gql(ME, {}, user.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.me).toEqual({ id: user.id, email: user.email, displayName: 'Rosa Choque' });
    });
  });

  describe('access tokens', () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    beforeAll(async () => {
      user = await registerUser(t);
    });

    const expectWholeRequestUnauthenticated = async (token: string) => {
      const res = await t.gql(PUBLIC_QUERY, {}, token);
      expect(res.errors).toHaveLength(1);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.data?.organisations).toBeUndefined();
      const me = await t.gql(ME, {}, token);
      expect(codeOf(me)).toBe('UNAUTHENTICATED');
      expect(me.data?.me).toBeUndefined();
    };

    it('a hand-signed token with the app secret is accepted (control for the cases below)', async () => {
      const token = signJwt({ sub: user.id, typ: 'access', iat: nowSeconds(), exp: nowSeconds() + 300 });
      const res = await t.gql(ME, {}, token);
      expect(res.errors).toBeUndefined();
      expect(res.data.me.id).toBe(user.id);
    });

    it('a malformed token is UNAUTHENTICATED for the whole request, even a public query', async () => {
      await expectWholeRequestUnauthenticated('not-a-jwt');
      await expectWholeRequestUnauthenticated('a.b.c');
    });

    it('an expired token is UNAUTHENTICATED, not anonymous', async () => {
      const token = signJwt({ sub: user.id, typ: 'access', iat: nowSeconds() - 3600, exp: nowSeconds() - 60 });
      await expectWholeRequestUnauthenticated(token);
    });

    it('a tampered token is refused', async () => {
      const other = await registerUser(t);
      const [header, , signature] = user.token.split('.');
      const forgedPayload = b64url(JSON.stringify({ sub: other.id, typ: 'access', iat: nowSeconds(), exp: nowSeconds() + 300 }));
      await expectWholeRequestUnauthenticated(`${header}.${forgedPayload}.${signature}`);
      // A flipped character in the signature.
      const last = user.token.at(-2) === 'A' ? 'B' : 'A';
      await expectWholeRequestUnauthenticated(`${user.token.slice(0, -2)}${last}${user.token.at(-1)}`);
      // Signed with another secret.
      await expectWholeRequestUnauthenticated(signJwt({ sub: user.id, typ: 'access', exp: nowSeconds() + 300 }, 'another-secret-another-secret-another-0'));
    });

    it('a token with alg none is refused', async () => {
      const unsigned = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: user.id, typ: 'access', exp: nowSeconds() + 300 }))}`;
      await expectWholeRequestUnauthenticated(`${unsigned}.`);
      await expectWholeRequestUnauthenticated(unsigned);
    });

    it('a correctly signed token that is not an access token is refused', async () => {
      await expectWholeRequestUnauthenticated(signJwt({ sub: user.id, typ: 'refresh', exp: nowSeconds() + 300 }));
      await expectWholeRequestUnauthenticated(signJwt({ sub: user.id, exp: nowSeconds() + 300 }));
    });

    it('a valid token of a deleted user is UNAUTHENTICATED for queries and mutations, never an internal error', async () => {
      const user = await registerUser(t);
      expect((await t.gql(ME, {}, user.token)).data.me.id).toBe(user.id); // control
      await db.query('DELETE FROM users WHERE id = $1', [user.id]);
      for (const [query, variables] of [
        [ME, {}],
        [PUBLIC_QUERY, {}],
        ['mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }', { input: { name: 'Ghost Solidarity' } }],
      ] as const) {
        const res = await t.gql(query, variables, user.token);
        expect(res.status).toBe(401);
        expect(codeOf(res)).toBe('UNAUTHENTICATED');
        expect(res.data).toBeUndefined();
      }
      expect((await db.query("SELECT count(*)::int AS n FROM organisations WHERE name = 'Ghost Solidarity'")).rows[0].n).toBe(0);
    });

    it('a valid token works for the same public query (control)', async () => {
      const res = await t.gql(PUBLIC_QUERY, {}, user.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.organisations.totalCount).toEqual(expect.any(Number));
    });
  });

  describe('refresh tokens', () => {
    it('refreshSession returns a new working pair for the same user', async () => {
      const user = await registerUser(t);
      const res = await t.gql(REFRESH, { token: user.refreshToken });
      expect(res.errors).toBeUndefined();
      const pair = res.data.refreshSession;
      expect(pair.user).toEqual({ id: user.id, email: user.email });
      expect(pair.refreshToken).not.toBe(user.refreshToken);
      const me = await t.gql(ME, {}, pair.accessToken);
      expect(me.data.me.id).toBe(user.id);
      // The new refresh token rotates again.
      const next = await t.gql(REFRESH, { token: pair.refreshToken });
      expect(next.errors).toBeUndefined();
      expect(next.data.refreshSession.user.id).toBe(user.id);
    });

    it('a spent refresh token is refused, and replaying it revokes the whole family', async () => {
      const user = await registerUser(t);
      const rotated = await t.gql(REFRESH, { token: user.refreshToken });
      expect(rotated.errors).toBeUndefined();
      const newToken: string = rotated.data.refreshSession.refreshToken;

      const replay = await t.gql(REFRESH, { token: user.refreshToken });
      expect(codeOf(replay)).toBe('UNAUTHENTICATED');
      expect(replay.data).toBeNull();

      // The token from the rotation was never used, but belongs to the replayed family.
      const afterReplay = await t.gql(REFRESH, { token: newToken });
      expect(codeOf(afterReplay)).toBe('UNAUTHENTICATED');

      const { rows } = await db.query('SELECT count(*)::int AS live FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
      expect(rows[0].live).toBe(0);
    });

    it('a replay in one session leaves the user’s other sessions alone', async () => {
      const user = await registerUser(t);
      const other = await login(user.email, PASSWORD);
      expect(other.errors).toBeUndefined();
      await t.gql(REFRESH, { token: user.refreshToken });
      expect(codeOf(await t.gql(REFRESH, { token: user.refreshToken }))).toBe('UNAUTHENTICATED');
      const res = await t.gql(REFRESH, { token: other.data.login.refreshToken });
      expect(res.errors).toBeUndefined();
    });

    it('an unknown refresh token is UNAUTHENTICATED', async () => {
      const res = await t.gql(REFRESH, { token: `mr_${randomBytes(32).toString('base64url')}` });
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
    });

    it('logout revokes the session', async () => {
      const user = await registerUser(t);
      const res = await t.gql(LOGOUT, { token: user.refreshToken });
      expect(res.errors).toBeUndefined();
      expect(res.data.logout).toBe(true);
      const refresh = await t.gql(REFRESH, { token: user.refreshToken });
      expect(codeOf(refresh)).toBe('UNAUTHENTICATED');
      expect(refresh.data).toBeNull();
    });

    it('logout after a rotation revokes the rotated token too', async () => {
      const user = await registerUser(t);
      const rotated = await t.gql(REFRESH, { token: user.refreshToken });
      const newToken: string = rotated.data.refreshSession.refreshToken;
      expect((await t.gql(LOGOUT, { token: newToken })).data.logout).toBe(true);
      expect(codeOf(await t.gql(REFRESH, { token: newToken }))).toBe('UNAUTHENTICATED');
    });
  });
});

describe('login rate limits', () => {
  /** As DESIGN.md sets them: 10 a minute per client and per (client, email), 100 wrong passwords an hour per email. */
  let t: TestApp;
  /** Small limits (3 a minute, 3 wrong passwords an hour) to reach them quickly. */
  let small: TestApp;
  beforeAll(async () => {
    [t, small] = await Promise.all([
      startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '10' }),
      startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_LOGIN_PER_MINUTE: '3', RATE_LIMIT_LOGIN_FAILURES_PER_HOUR: '3' }),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await small?.close();
  });

  const from = (app: TestApp, ip: string, email: string, password: string) =>
    app.gql(LOGIN, { input: { email, password } }, undefined, { 'x-forwarded-for': ip });

  function expectLimited(res: { errors?: Array<{ extensions: { code: string; [key: string]: any } }>; data?: unknown }, maxSeconds: number): void {
    expect(codeOf(res)).toBe('RATE_LIMITED');
    const retry = res.errors![0].extensions.retryAfterSeconds;
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(maxSeconds);
    expect(res.data).toBeNull();
  }

  it('ten wrong passwords from other addresses do not lock the owner out', async () => {
    const owner = await registerUser(t);
    for (let i = 0; i < 10; i++) expect(codeOf(await from(t, `198.51.100.${i + 1}`, owner.email, 'wrong password here'))).toBe('UNAUTHENTICATED');
    // Ten more from yet other addresses, twice the old per-email limit.
    for (let i = 0; i < 10; i++) expect(codeOf(await from(t, `2001:db8:${i + 1}::1`, owner.email, 'wrong password here'))).toBe('UNAUTHENTICATED');
    const right = await from(t, '203.0.113.50', owner.email, PASSWORD);
    expect(right.errors).toBeUndefined();
    expect(right.data.login.user.id).toBe(owner.id);
  });

  it('the 11th attempt a minute for one email from one client is RATE_LIMITED, even with the right password', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 10; i++) expect(codeOf(await from(t, '203.0.113.60', user.email, 'wrong password here'))).toBe('UNAUTHENTICATED');
    expectLimited(await from(t, '203.0.113.60', user.email, PASSWORD), 60);
    // The same email from another client is not limited (control).
    expect((await from(t, '203.0.113.61', user.email, PASSWORD)).errors).toBeUndefined();
  });

  it('the 11th attempt a minute from one client is RATE_LIMITED whatever the email', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 10; i++) expect(codeOf(await from(t, '203.0.113.70', uniqueEmail('probe'), 'wrong password here'))).toBe('UNAUTHENTICATED');
    expectLimited(await from(t, '203.0.113.70', user.email, PASSWORD), 60);
    expect((await from(t, '203.0.113.71', user.email, PASSWORD)).errors).toBeUndefined();
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 address', async () => {
    for (let i = 0; i < 3; i++) expect(codeOf(await from(small, `2001:db8:aa:bb::${i + 1}`, uniqueEmail('v6'), 'wrong password'))).toBe('UNAUTHENTICATED');
    expectLimited(await from(small, '2001:db8:aa:bb:ffff:1:2:3', uniqueEmail('v6'), 'wrong password'), 60);
    // The neighbouring /64 is another client (control).
    expect(codeOf(await from(small, '2001:db8:aa:bc::1', uniqueEmail('v6'), 'wrong password'))).toBe('UNAUTHENTICATED');

    for (let i = 0; i < 3; i++) expect(codeOf(await from(small, '192.0.2.80', uniqueEmail('v4'), 'wrong password'))).toBe('UNAUTHENTICATED');
    expectLimited(await from(small, '::ffff:192.0.2.80', uniqueEmail('v4'), 'wrong password'), 60);
  });

  it('wrong passwords over the hourly limit refuse that email everywhere until the failures are cleared', async () => {
    const owner = await registerUser(small);
    const other = await registerUser(small);
    for (let i = 0; i < 3; i++) expect(codeOf(await from(small, `192.0.2.${i + 1}`, owner.email, 'wrong password'))).toBe('UNAUTHENTICATED');
    // The 4th, from a fresh client and with the right password, is refused: the hour's failures are spent.
    expectLimited(await from(small, '192.0.2.20', owner.email, PASSWORD), 3600);
    // Other emails are unaffected (control).
    expect((await from(small, '192.0.2.21', other.email, PASSWORD)).errors).toBeUndefined();

    // What a password reset calls: the owner may sign in at once (the email is normalised the same way).
    await small.app.get(AuthService).clearLoginFailures(`  ${owner.email.toUpperCase()} `);
    const right = await from(small, '192.0.2.22', owner.email, PASSWORD);
    expect(right.errors).toBeUndefined();
    expect(right.data.login.user.id).toBe(owner.id);
  });
});
