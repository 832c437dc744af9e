import { createApiKey } from '../support/factories';
import { ADMIN_ONLY, FORBID, gql, NOTFND, OK, Row, t, UNAUTH, w } from '../support/permission-matrix';

/** The permission matrix rows of aPI keys of an organisation. */
export const apiKeyRows: Row[] = [
  {
    name: 'Query.apiKeys',
    covers: 'Query.apiKeys',
    perform: async (a) => ({ res: await gql(`query($o: ID!) { apiKeys(organisationId: $o) { id prefix } }`, { o: w.orgA.id }, a), pick: (d) => d.apiKeys }),
    expected: ADMIN_ONLY,
  },
  {
    name: 'Mutation.createApiKey',
    covers: 'Mutation.createApiKey',
    perform: async (a) => ({
      res: await gql(
        `mutation($o: ID!) { createApiKey(input: { organisationId: $o, name: "Matrix", scopes: [EVENTS_READ] }) { secret apiKey { id } } }`,
        { o: w.orgA.id },
        a,
      ),
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
];
