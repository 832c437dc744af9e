import { Actor, ANY_USER, gql, login, NULL, OK, PASSWORD, PUBLIC_ROW, Row, setup, UNAUTH, unique, w } from '../support/permission-matrix';

const BAD = 'BAD_USER_INPUT' as const;

/** The permission matrix rows of signing up and in, sessions, the caller's own account and calendar tokens. */
export const authUserRows: Row[] = [
  {
    name: 'Query.me (null for anonymous and API keys)',
    covers: 'Query.me',
    perform: async (a) => ({ res: await gql(`{ me { id } }`, {}, a), pick: (d) => d.me }),
    //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NULL, OK, OK, OK, OK, OK, OK, NULL, NULL, UNAUTH],
  },

  // ---------------------------------------------------------------- auth flows: anyone
  {
    name: 'Mutation.register',
    covers: 'Mutation.register',
    perform: async (a) => ({
      res: await gql(
        `mutation($input: RegisterInput!) { register(input: $input) }`,
        { input: { email: `matrix-${unique()}@example.org`, password: PASSWORD, displayName: 'New Person' } },
        a,
      ),
      pick: (d) => d.register || null,
    }),
    expected: PUBLIC_ROW,
  },
  // Link mutations: the token is the credential, so anyone reaches them; a dead token is BAD_USER_INPUT for all.
  ...(
    [
      ['verifyEmail', `mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`],
      ['resetPassword', `mutation($t: String!) { resetPassword(token: $t, password: "long enough password") { accessToken } }`],
      ['confirmEmailChange', `mutation($t: String!) { confirmEmailChange(token: $t) { id } }`],
    ] as const
  ).map(([field, document]): Row => ({
    name: `Mutation.${field} (dead token)`,
    covers: `Mutation.${field}`,
    perform: async (a: Actor) => ({ res: await gql(document, { t: `dead-${unique()}` }, a), pick: (d: any) => d[field] }),
    expected: [BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, BAD, UNAUTH],
  })),
  {
    name: 'Mutation.requestPasswordReset',
    covers: 'Mutation.requestPasswordReset',
    perform: async (a) => ({
      res: await gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: w.spare.email }, a),
      pick: (d) => d.requestPasswordReset || null,
    }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Mutation.requestEmailChange',
    covers: 'Mutation.requestEmailChange',
    perform: async (a) => ({
      res: await gql(
        `mutation($e: String!, $p: String!) { requestEmailChange(newEmail: $e, password: $p) }`,
        { e: `matrix-${unique()}@example.org`, p: PASSWORD },
        a,
      ),
      pick: (d) => d.requestEmailChange || null,
    }),
    expected: ANY_USER,
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
      return {
        res: await gql(`mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }`, { r: refreshToken }, a),
        pick: (d) => d.refreshSession.accessToken,
      };
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
