import { createOrganisation, makeAdmin, registerUser } from '../support/factories';
import {
  ADMIN_ONLY,
  ANY_USER,
  chapterFor,
  enrol,
  FORBID,
  gql,
  leaveAgain,
  MANAGE_MEMBERS,
  MEMBERS,
  NOTFND,
  NULL,
  OK,
  ORGANISERS,
  pendingMembershipFor,
  PUBLIC_ROW,
  Row,
  setup,
  t,
  UNAUTH,
  unique,
  w,
} from '../support/permission-matrix';

/** The permission matrix rows of organisations, chapters and memberships, their settings, and the members' personal data. */
export const organisationRows: Row[] = [
  // ---------------------------------------------------------------- queries
  {
    name: 'Query.organisation',
    covers: 'Query.organisation',
    perform: async (a) => ({ res: await gql(`query($s: String!) { organisation(slug: $s) { id name } }`, { s: w.orgA.slug }, a), pick: (d) => d.organisation }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.organisations',
    covers: 'Query.organisations',
    perform: async (a) => ({
      res: await gql(`{ organisations { totalCount edges { node { id } } } }`, {}, a),
      pick: (d) => (d.organisations.totalCount >= 2 ? d.organisations : null),
    }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.chapter',
    covers: 'Query.chapter',
    perform: async (a) => ({
      res: await gql(`query($id: ID!) { chapter(id: $id) { id name memberCount joinPolicy organisation { id } } }`, { id: w.a1.id }, a),
      pick: (d) => d.chapter,
    }),
    expected: PUBLIC_ROW,
  },

  // ---------------------------------------------------------------- organisations
  {
    name: 'Mutation.createOrganisation',
    covers: 'Mutation.createOrganisation',
    perform: async (a) => ({
      res: await gql(
        `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id viewerIsAdmin } }`,
        { input: { name: `Matrix ${unique()}` } },
        a,
      ),
      pick: (d) => (d.createOrganisation.viewerIsAdmin ? d.createOrganisation : null),
    }),
    expected: ANY_USER,
  },
  {
    name: 'Mutation.inviteOrganisationAdmin',
    covers: 'Mutation.inviteOrganisationAdmin',
    perform: async (a) => ({
      res: await gql(
        `mutation($o: ID!, $e: String!) { inviteOrganisationAdmin(organisationId: $o, email: $e) { token invitation { id } } }`,
        { o: w.orgA.id, e: `invitee-${unique()}@example.org` },
        a,
      ),
      pick: (d) => d.inviteOrganisationAdmin.token,
    }),
    expected: ADMIN_ONLY,
  },
  {
    name: "Mutation.acceptAdminInvitation (an invitation to the actor's own address, of a fresh organisation)",
    covers: 'Mutation.acceptAdminInvitation',
    perform: async (a) => {
      const org = await createOrganisation(t, w.founder);
      const email = a.user?.email ?? `nobody-${unique()}@example.org`;
      const { token } = (
        await setup(`mutation($o: ID!, $e: String!) { inviteOrganisationAdmin(organisationId: $o, email: $e) { token } }`, { o: org.id, e: email })
      ).inviteOrganisationAdmin;
      return {
        res: await gql(`mutation($t: String!) { acceptAdminInvitation(token: $t) { id viewerIsAdmin } }`, { t: token }, a),
        pick: (d) => (d.acceptAdminInvitation.viewerIsAdmin ? d.acceptAdminInvitation : null),
      };
    },
    expected: ANY_USER,
  },
  {
    name: 'Mutation.revokeAdminInvitation',
    covers: 'Mutation.revokeAdminInvitation',
    perform: async (a) => {
      const { invitation } = (
        await setup(`mutation($o: ID!, $e: String!) { inviteOrganisationAdmin(organisationId: $o, email: $e) { invitation { id } } }`, {
          o: w.orgA.id,
          e: `revoked-${unique()}@example.org`,
        })
      ).inviteOrganisationAdmin;
      return {
        res: await gql(`mutation($id: ID!) { revokeAdminInvitation(id: $id) }`, { id: invitation.id }, a),
        pick: (d) => d.revokeAdminInvitation || null,
      };
    },
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, NOTFND, NOTFND, NOTFND, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Organisation.admins',
    covers: 'Organisation.admins',
    perform: async (a) => ({
      res: await gql(`query($s: String!) { organisation(slug: $s) { id admins { id email } } }`, { s: w.orgA.slug }, a),
      pick: (d) => (d.organisation.admins?.some((u: any) => u.id === w.founder.id && u.email === w.founder.email) ? d.organisation.admins : null),
      fieldPath: ['organisation', 'admins'],
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Organisation.adminInvitations',
    covers: 'Organisation.adminInvitations',
    perform: async (a) => {
      const email = `open-${unique()}@example.org`;
      await setup(`mutation($o: ID!, $e: String!) { inviteOrganisationAdmin(organisationId: $o, email: $e) { token } }`, { o: w.orgA.id, e: email });
      return {
        res: await gql(`query($s: String!) { organisation(slug: $s) { id adminInvitations { id email } } }`, { s: w.orgA.slug }, a),
        pick: (d) => d.organisation.adminInvitations?.find((i: any) => i.email === email),
        fieldPath: ['organisation', 'adminInvitations'],
      };
    },
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.removeOrganisationAdmin',
    covers: 'Mutation.removeOrganisationAdmin',
    perform: async (a) => {
      const target = await registerUser(t, 'Admin To Go');
      await makeAdmin(t, w.founder, target, w.orgA.id);
      return {
        res: await gql(`mutation($o: ID!, $u: ID!) { removeOrganisationAdmin(organisationId: $o, userId: $u) { id } }`, { o: w.orgA.id, u: target.id }, a),
        pick: (d) => d.removeOrganisationAdmin,
      };
    },
    expected: ADMIN_ONLY,
  },
  {
    name: 'Mutation.createChapter',
    covers: 'Mutation.createChapter',
    perform: async (a) => ({
      res: await gql(
        `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id viewerMembership { role } } }`,
        { input: { organisationId: w.orgA.id, name: `Matrix ${unique()}`, timeZone: 'Europe/London' } },
        a,
      ),
      pick: (d) => (d.createChapter.viewerMembership?.role === 'ORGANISER' ? d.createChapter : null),
    }),
    expected: ADMIN_ONLY,
  },
  {
    name: 'Mutation.updateChapter',
    covers: 'Mutation.updateChapter',
    perform: async (a) => ({
      res: await gql(
        `mutation($id: ID!, $d: String) { updateChapter(id: $id, input: { description: $d }) { id description } }`,
        { id: w.a1.id, d: `Edited by ${a.name}` },
        a,
      ),
      pick: (d) => (d.updateChapter.description === `Edited by ${a.name}` ? d.updateChapter : null),
    }),
    expected: ORGANISERS,
  },

  // ---------------------------------------------------------------- memberships
  {
    name: 'Mutation.joinChapter (an OPEN chapter)',
    covers: 'Mutation.joinChapter',
    perform: async (a) => {
      const chapterId = await chapterFor(a);
      const res = await gql(`mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`, { id: chapterId }, a);
      await leaveAgain(a, chapterId, res.data?.joinChapter);
      return { res, pick: (d) => (d.joinChapter.status === 'ACTIVE' ? d.joinChapter : null) };
    },
    expected: ANY_USER,
  },
  {
    name: 'Mutation.leaveChapter (one more organiser remains)',
    covers: 'Mutation.leaveChapter',
    perform: async (a) => {
      const chapterId = await chapterFor(a);
      return { res: await gql(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: chapterId }, a), pick: (d) => d.leaveChapter || null };
    },
    //         anonymous user    member organiser otherOrg admin   otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, NOTFND, OK, OK, NOTFND, NOTFND, NOTFND, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.approveMembership',
    covers: 'Mutation.approveMembership',
    perform: async (a) => {
      const membershipId = await pendingMembershipFor(a);
      return {
        res: await gql(`mutation($id: ID!) { approveMembership(membershipId: $id) { id status } }`, { id: membershipId }, a),
        pick: (d) => (d.approveMembership.status === 'ACTIVE' ? d.approveMembership : null),
      };
    },
    expected: MANAGE_MEMBERS,
  },
  {
    name: 'Mutation.setMembershipRole',
    covers: 'Mutation.setMembershipRole',
    perform: async (a) => {
      const chapterId = await chapterFor(a);
      const membershipId = await enrol(w.applicant, chapterId);
      return {
        res: await gql(`mutation($id: ID!) { setMembershipRole(membershipId: $id, role: ORGANISER) { id role } }`, { id: membershipId }, a),
        pick: (d) => (d.setMembershipRole.role === 'ORGANISER' ? d.setMembershipRole : null),
      };
    },
    expected: MANAGE_MEMBERS,
  },
  {
    name: 'Mutation.removeMembership',
    covers: 'Mutation.removeMembership',
    perform: async (a) => {
      const chapterId = await chapterFor(a);
      const membershipId = await enrol(w.applicant, chapterId);
      return { res: await gql(`mutation($id: ID!) { removeMembership(membershipId: $id) }`, { id: membershipId }, a), pick: (d) => d.removeMembership || null };
    },
    expected: MANAGE_MEMBERS,
  },
  {
    name: 'Mutation.inviteMember',
    covers: 'Mutation.inviteMember',
    perform: async (a) => ({
      res: await gql(
        `mutation($id: ID!, $e: String!) { inviteMember(input: { chapterId: $id, email: $e }) { token invitation { id } } }`,
        { id: w.a1.id, e: `invitee-${unique()}@example.org` },
        a,
      ),
      pick: (d) => d.inviteMember.token,
    }),
    expected: ORGANISERS,
  },
  {
    name: 'Mutation.acceptInvitation (invited to an INVITE_ONLY chapter)',
    covers: 'Mutation.acceptInvitation',
    perform: async (a) => {
      const chapterId = await chapterFor(a, 'INVITE_ONLY');
      const email = a.user?.email ?? `nobody-${unique()}@example.org`;
      const { token } = (
        await setup(`mutation($id: ID!, $e: String!) { inviteMember(input: { chapterId: $id, email: $e }) { token } }`, { id: chapterId, e: email })
      ).inviteMember;
      const res = await gql(`mutation($t: String!) { acceptInvitation(token: $t) { id status } }`, { t: token }, a);
      await leaveAgain(a, chapterId, res.data?.acceptInvitation);
      return { res, pick: (d) => (d.acceptInvitation.status === 'ACTIVE' ? d.acceptInvitation : null) };
    },
    expected: ANY_USER,
  },

  // ---------------------------------------------------------------- organisation settings
  {
    name: 'Mutation.setConsentWording',
    covers: 'Mutation.setConsentWording',
    perform: async (a) => {
      const text = `Contact me about campaigns (${a.name} ${unique()}).`;
      const res = await gql(`mutation($o: ID!, $t: String!) { setConsentWording(organisationId: $o, text: $t) { id text } }`, { o: w.orgA.id, t: text }, a);
      return { res, pick: (d) => (d.setConsentWording.text === text ? d.setConsentWording : null) };
    },
    expected: ADMIN_ONLY,
  },

  // ---------------------------------------------------------------- personal-data fields
  {
    name: 'Chapter.members (ACTIVE)',
    covers: 'Chapter.members',
    perform: async (a) => ({
      res: await gql(MEMBERS('ACTIVE'), { id: w.a1.id }, a),
      pick: (d) => (d.chapter.members?.edges.some((e: any) => e.node.user.id === w.bystander.id) ? d.chapter.members : null),
      fieldPath: ['chapter', 'members'],
    }),
    //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, OK, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'Chapter.members (PENDING)',
    covers: 'Chapter.members',
    perform: async (a) => ({
      res: await gql(MEMBERS('PENDING'), { id: w.a1.id }, a),
      pick: (d) => (d.chapter.members?.edges.some((e: any) => e.node.user.id === w.applicant.id && e.node.status === 'PENDING') ? d.chapter.members : null),
      fieldPath: ['chapter', 'members'],
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: "User.email (another ACTIVE member's, through Chapter.members)",
    covers: 'User.email',
    perform: async (a) => ({
      res: await gql(MEMBERS('ACTIVE'), { id: w.a1.id }, a),
      pick: (d) => {
        const node = d.chapter.members?.edges.find((e: any) => e.node.user.id === w.bystander.id)?.node;
        if (node?.user.email != null) expect(node.user.email).toBe(w.bystander.email);
        return node?.user.email;
      },
      fieldPath: ['chapter', 'members'],
    }),
    //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, NULL, NULL, FORBID, OK, FORBID, NULL, FORBID, UNAUTH],
  },
  {
    name: "User.email (a PENDING applicant's, through Chapter.members)",
    covers: 'User.email',
    perform: async (a) => ({
      res: await gql(MEMBERS('PENDING'), { id: w.a1.id }, a),
      pick: (d) => {
        const node = d.chapter.members?.edges.find((e: any) => e.node.user.id === w.loneApplicant.id)?.node;
        if (node?.user.email != null) expect(node.user.email).toBe(w.loneApplicant.email);
        return node?.user.email;
      },
      fieldPath: ['chapter', 'members'],
    }),
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [FORBID, FORBID, FORBID, NULL, FORBID, NULL, FORBID, NULL, FORBID, UNAUTH],
  },
];
