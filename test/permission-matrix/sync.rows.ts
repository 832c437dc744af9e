import { FORBID, gql, OK, Row, UNAUTH, w } from '../support/permission-matrix';

/** The permission matrix rows of incremental sync for partners. */
export const syncRows: Row[] = [
  {
    name: 'Query.deletions (admins; any key of the organisation, narrowed to the kinds its scopes read)',
    covers: 'Query.deletions',
    perform: async (a) => ({
      res: await gql(
        `query($o: ID!) { deletions(organisationId: $o, since: "2000-01-01T00:00:00Z") { totalCount edges { node { kind id } } } }`,
        { o: w.orgA.id },
        a,
      ),
      pick: (d) => d.deletions,
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, OK, UNAUTH],
  },
];
