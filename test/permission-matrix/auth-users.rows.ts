import { ANY_USER, gql, login, NULL, OK, PASSWORD, PUBLIC_ROW, Row, setup, UNAUTH, unique, w } from '../support/permission-matrix';

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
