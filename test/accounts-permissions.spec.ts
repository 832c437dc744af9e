import { randomBytes } from 'node:crypto';
import { fails, ok } from './support/expectations';
import { createApiKey, createOrganisation, PASSWORD, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Who may call the account mutations of issue 10 (the permission matrix's rows for them live here
 * until the matrix is split). Public forms and link mutations take anyone, API keys included: the
 * token or the address's inbox is the credential. requestEmailChange is for signed-in users only.
 */
describe('account mutations: who may call them', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  const deadToken = () => randomBytes(32).toString('base64url');
  const address = () => `perm-${randomBytes(4).toString('hex')}@example.org`;

  beforeAll(async () => {
    t = await startTestApp();
    user = await registerUser(t);
    const org = await createOrganisation(t, user);
    key = (await createApiKey(t, user, org.id, ['MEMBERS_READ'])).secret;
  });
  afterAll(() => t?.close());

  const callers = () =>
    [
      ['anonymous', undefined],
      ['user', user.token],
      ['API key', key],
    ] as const;

  it.each(['register', 'requestPasswordReset'])('%s answers true to anyone', async (name) => {
    for (const [, token] of callers()) {
      const res =
        name === 'register'
          ? await t.gql(
              `mutation($input: RegisterInput!) { register(input: $input) }`,
              { input: { email: address(), password: PASSWORD, displayName: 'P' } },
              token,
            )
          : await t.gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: address() }, token);
      expect(ok(res)[name]).toBe(true);
    }
  });

  it.each([
    ['verifyEmail', `mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`],
    ['resetPassword', `mutation($t: String!) { resetPassword(token: $t, password: "long enough password") { accessToken } }`],
    ['confirmEmailChange', `mutation($t: String!) { confirmEmailChange(token: $t) { id } }`],
  ])('%s is reached by anyone and refuses a dead token with BAD_USER_INPUT naming it', async (_name, document) => {
    for (const [, token] of callers()) {
      const error = fails(await t.gql(document, { t: deadToken() }, token), 'BAD_USER_INPUT');
      expect(Object.keys(error.extensions.fields)).toEqual(['token']);
    }
  });

  it('requestEmailChange: UNAUTHENTICATED anonymously, FORBIDDEN for API keys, the user’s own otherwise', async () => {
    const document = `mutation($e: String!, $p: String!) { requestEmailChange(newEmail: $e, password: $p) }`;
    fails(await t.gql(document, { e: address(), p: PASSWORD }), 'UNAUTHENTICATED');
    fails(await t.gql(document, { e: address(), p: PASSWORD }, key), 'FORBIDDEN');
    expect(ok(await t.gql(document, { e: address(), p: PASSWORD }, user.token)).requestEmailChange).toBe(true);
  });

  it('User.emailVerified is served to the signed-in user', async () => {
    expect(ok(await t.gql(`{ me { emailVerified } }`, {}, user.token)).me.emailVerified).toBe(true);
  });
});
