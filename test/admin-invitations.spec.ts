import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  createApiKey,
  createChapter,
  createEvent,
  createOrganisation,
  joinChapter,
  makeAdmin,
  publishEvent,
  registerUser,
  revokeApiKey,
  TestUser,
} from './support/factories';
import { badInput, fails, ok } from './support/expectations';
import type { TestApp } from './support/test-app';
import { startTestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const INVITE = `mutation($o: ID!, $email: String!) {
  inviteOrganisationAdmin(organisationId: $o, email: $email) { token invitation { id email expiresAt organisation { id } } }
}`;
const ACCEPT = `mutation($token: String!) { acceptAdminInvitation(token: $token) { id viewerIsAdmin } }`;
const REVOKE = `mutation($id: ID!) { revokeAdminInvitation(id: $id) }`;
const ADMINS = `query($slug: String!) { organisation(slug: $slug) { id name admins { id displayName email } adminInvitations { id email expiresAt organisation { id } } } }`;
const ONLY_ADMINS = `query($slug: String!) { organisation(slug: $slug) { id name admins { id } } }`;
const ONLY_INVITATIONS = `query($slug: String!) { organisation(slug: $slug) { id name adminInvitations { id } } }`;
const MEMBERS = `query($id: ID!, $status: MembershipStatus) {
  chapter(id: $id) { id members(status: $status, first: 100) { edges { node { status user { id email } } } } }
}`;
const JOIN = `mutation($id: ID!) { joinChapter(chapterId: $id) { id status } }`;
const APPROVE = `mutation($id: ID!) { approveMembership(membershipId: $id) { id status } }`;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const DAY = 86_400_000;

describe('admin invitations', () => {
  let t: TestApp;
  let db: Client;
  let w: World;
  let key: { id: string; secret: string };
  let revokedKey: { id: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    w = await createWorld(t);
    key = await createApiKey(t, w.admin, w.org.id, ['MEMBERS_READ', 'EVENTS_READ', 'ATTENDEES_READ', 'PETITIONS_WRITE']);
    revokedKey = await createApiKey(t, w.admin, w.org.id, ['MEMBERS_READ']);
    await revokeApiKey(t, w.admin, revokedKey.id);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const invite = async (email: string, by: TestUser = w.admin, organisationId = w.org.id) =>
    ok(await t.gql(INVITE, { o: organisationId, email }, by.token)).inviteOrganisationAdmin as {
      token: string;
      invitation: { id: string; email: string; expiresAt: string };
    };
  const invitationCount = async (organisationId = w.org.id) =>
    (await db.query(`SELECT count(*)::int AS n FROM admin_invitations WHERE organisation_id = $1`, [organisationId])).rows[0].n as number;
  const isAdmin = async (user: TestUser, organisationId = w.org.id) =>
    (await db.query(`SELECT 1 FROM organisation_admins WHERE organisation_id = $1 AND user_id = $2`, [organisationId, user.id])).rowCount === 1;
  const openInvitationIds = async () =>
    ok(await t.gql(ADMINS, { slug: w.org.slug }, w.admin.token)).organisation.adminInvitations.map((i: { id: string }) => i.id);
  /** The message of the one NOT_FOUND a response carries. */
  const notFound = (res: Awaited<ReturnType<TestApp['gql']>>) => fails(res, 'NOT_FOUND').message;

  describe('inviteOrganisationAdmin', () => {
    it('returns a 32-byte base64url token once, stores only its SHA-256, normalises the email and expires in 7 days', async () => {
      const invitee = await registerUser(t);
      const before = Date.now();
      const created = await invite(`  ${invitee.email.toUpperCase()} `);
      expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(created.token, 'base64url')).toHaveLength(32);
      expect(created.invitation).toMatchObject({ email: invitee.email, organisation: { id: w.org.id } });
      const expiresAt = new Date(created.invitation.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * DAY - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * DAY + 1000);
      const { rows } = await db.query(`SELECT token_hash, email, created_by_id FROM admin_invitations WHERE id = $1`, [created.invitation.id]);
      expect(rows).toEqual([{ token_hash: sha256(created.token), email: invitee.email, created_by_id: w.admin.id }]);
      // An id in capitals is the same id.
      expect(
        ok(await t.gql(INVITE, { o: w.org.id.toUpperCase(), email: invitee.email }, w.admin.token)).inviteOrganisationAdmin.invitation.organisation.id,
      ).toBe(w.org.id);
      // The invitee is not an admin until they accept.
      expect(await isAdmin(invitee)).toBe(false);
      expect(await openInvitationIds()).toContain(created.invitation.id);
    });

    it('is for admins of the organisation only, and creates nothing when refused', async () => {
      const before = await invitationCount();
      const input = { o: w.org.id, email: 'friend@example.org' };
      fails(await t.gql(INVITE, input), 'UNAUTHENTICATED');
      for (const who of [w.stranger, w.memberA, w.organiser, w.outsider]) fails(await t.gql(INVITE, input, who.token), 'FORBIDDEN');
      fails(await t.gql(INVITE, input, key.secret), 'FORBIDDEN');
      fails(await t.gql(INVITE, input, revokedKey.secret), 'UNAUTHENTICATED');
      fails(await t.gql(INVITE, { o: randomUUID(), email: 'friend@example.org' }, w.admin.token), 'NOT_FOUND');
      badInput(await t.gql(INVITE, { o: w.org.id, email: 'not-an-email' }, w.admin.token), 'email');
      badInput(await t.gql(INVITE, { o: 'abc', email: 'friend@example.org' }, w.admin.token), 'organisationId');
      expect(await invitationCount()).toBe(before);
    });
  });

  describe('acceptAdminInvitation', () => {
    it('makes the account with the invited address an ADMIN, who then sees and is among the admins', async () => {
      const invitee = await registerUser(t, 'Inés Invitee');
      const { token, invitation } = await invite(invitee.email);
      fails(await t.gql(ONLY_ADMINS, { slug: w.org.slug }, invitee.token), 'FORBIDDEN');
      expect(ok(await t.gql(ACCEPT, { token }, invitee.token)).acceptAdminInvitation).toEqual({ id: w.org.id, viewerIsAdmin: true });
      expect(await isAdmin(invitee)).toBe(true);
      const seen = ok(await t.gql(ADMINS, { slug: w.org.slug }, invitee.token)).organisation;
      expect(seen.admins).toEqual(expect.arrayContaining([{ id: invitee.id, displayName: 'Inés Invitee', email: invitee.email }]));
      expect(seen.adminInvitations.map((i: { id: string }) => i.id)).not.toContain(invitation.id);
      // And can act as one.
      await createChapter(t, invitee, w.org.id);
    });

    it('refuses another account (FORBIDDEN) and leaves the invitation for its invitee', async () => {
      const invitee = await registerUser(t);
      const { token, invitation } = await invite(invitee.email);
      fails(await t.gql(ACCEPT, { token }, w.stranger.token), 'FORBIDDEN');
      fails(await t.gql(ACCEPT, { token }, w.memberA.token), 'FORBIDDEN');
      expect(await isAdmin(w.stranger)).toBe(false);
      expect(await openInvitationIds()).toContain(invitation.id);
      ok(await t.gql(ACCEPT, { token }, invitee.token));
    });

    it('needs a signed-in user: anonymous UNAUTHENTICATED, API keys FORBIDDEN', async () => {
      const invitee = await registerUser(t);
      const { token, invitation } = await invite(invitee.email);
      fails(await t.gql(ACCEPT, { token }), 'UNAUTHENTICATED');
      fails(await t.gql(ACCEPT, { token }, key.secret), 'FORBIDDEN');
      expect(await openInvitationIds()).toContain(invitation.id);
    });

    it('is single use, and an unknown, spent, revoked or expired token gets the same NOT_FOUND', async () => {
      const unknown = notFound(await t.gql(ACCEPT, { token: randomBytes(32).toString('base64url') }, w.stranger.token));

      const spentBy = await registerUser(t);
      const spent = await invite(spentBy.email);
      ok(await t.gql(ACCEPT, { token: spent.token }, spentBy.token));
      expect(notFound(await t.gql(ACCEPT, { token: spent.token }, spentBy.token))).toBe(unknown);

      const revokedFor = await registerUser(t);
      const revoked = await invite(revokedFor.email);
      expect(ok(await t.gql(REVOKE, { id: revoked.invitation.id }, w.admin.token)).revokeAdminInvitation).toBe(true);
      expect(notFound(await t.gql(ACCEPT, { token: revoked.token }, revokedFor.token))).toBe(unknown);
      expect(await isAdmin(revokedFor)).toBe(false);

      const expiredFor = await registerUser(t);
      const expired = await invite(expiredFor.email);
      const { rowCount } = await db.query(`UPDATE admin_invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.invitation.id]);
      expect(rowCount).toBe(1);
      expect(notFound(await t.gql(ACCEPT, { token: expired.token }, expiredFor.token))).toBe(unknown);
      expect(await isAdmin(expiredFor)).toBe(false);
      // Expired invitations are no longer listed as open.
      expect(await openInvitationIds()).not.toContain(expired.invitation.id);
    });

    it('accepted twice at once: one succeeds, the other is NOT_FOUND', async () => {
      const invitee = await registerUser(t);
      const { token } = await invite(invitee.email);
      const results = await Promise.all([t.gql(ACCEPT, { token }, invitee.token), t.gql(ACCEPT, { token }, invitee.token)]);
      expect(results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort()).toEqual(['NOT_FOUND', 'OK']);
      expect(await isAdmin(invitee)).toBe(true);
    });

    it('accepting as someone who is already an admin is harmless', async () => {
      const org = await createOrganisation(t, w.admin);
      const second = await registerUser(t);
      await makeAdmin(t, w.admin, second, org.id);
      const again = await invite(second.email, w.admin, org.id);
      expect(ok(await t.gql(ACCEPT, { token: again.token }, second.token)).acceptAdminInvitation.viewerIsAdmin).toBe(true);
    });
  });

  describe('revokeAdminInvitation', () => {
    it('admins revoke an open invitation; revoking again is harmless; an accepted one is CONFLICT', async () => {
      const invitee = await registerUser(t);
      const { invitation } = await invite(invitee.email);
      expect(ok(await t.gql(REVOKE, { id: invitation.id }, w.admin.token)).revokeAdminInvitation).toBe(true);
      expect(await openInvitationIds()).not.toContain(invitation.id);
      expect(ok(await t.gql(REVOKE, { id: invitation.id }, w.admin.token)).revokeAdminInvitation).toBe(true);

      const acceptedBy = await registerUser(t);
      const accepted = await invite(acceptedBy.email);
      ok(await t.gql(ACCEPT, { token: accepted.token }, acceptedBy.token));
      fails(await t.gql(REVOKE, { id: accepted.invitation.id }, w.admin.token), 'CONFLICT');
      expect(await isAdmin(acceptedBy)).toBe(true);
    });

    it('anyone but an admin of its organisation gets the NOT_FOUND of an unknown id, and the invitation stays open', async () => {
      const invitee = await registerUser(t);
      const { token, invitation } = await invite(invitee.email);
      const unknown = notFound(await t.gql(REVOKE, { id: randomUUID() }, w.admin.token));
      for (const who of [w.stranger, w.memberA, w.organiser, w.outsider, invitee]) {
        expect(notFound(await t.gql(REVOKE, { id: invitation.id }, who.token))).toBe(unknown);
      }
      fails(await t.gql(REVOKE, { id: invitation.id }), 'UNAUTHENTICATED');
      fails(await t.gql(REVOKE, { id: invitation.id }, key.secret), 'FORBIDDEN');
      fails(await t.gql(REVOKE, { id: invitation.id }, revokedKey.secret), 'UNAUTHENTICATED');
      badInput(await t.gql(REVOKE, { id: 'abc' }, w.admin.token), 'id');
      expect(await openInvitationIds()).toContain(invitation.id);
      ok(await t.gql(ACCEPT, { token }, invitee.token));
    });
  });

  describe('Organisation.admins and Organisation.adminInvitations', () => {
    it('admins see every admin with their email, oldest first, and the open invitations', async () => {
      const org = await createOrganisation(t, w.admin);
      const second = await registerUser(t, 'Segunda Admin');
      await makeAdmin(t, w.admin, second, org.id);
      const pending = await invite('later@example.org', second, org.id);
      const seen = ok(await t.gql(ADMINS, { slug: org.slug }, second.token)).organisation;
      expect(seen.admins).toEqual([
        { id: w.admin.id, displayName: 'Carmen Admin', email: w.admin.email },
        { id: second.id, displayName: 'Segunda Admin', email: second.email },
      ]);
      expect(seen.adminInvitations).toEqual([
        { id: pending.invitation.id, email: 'later@example.org', expiresAt: pending.invitation.expiresAt, organisation: { id: org.id } },
      ]);
    });

    it.each([
      ['admins', ONLY_ADMINS],
      ['adminInvitations', ONLY_INVITATIONS],
    ])('%s is null with FORBIDDEN at its path for anyone else, the rest intact', async (field, query) => {
      await invite(`pending-${field}@example.org`);
      const others: Array<[actor: string, token: string | undefined]> = [
        ['anonymous', undefined],
        ['user', w.stranger.token],
        ['member', w.memberA.token],
        ['organiser', w.organiser.token],
        ["other organisation's admin", w.outsider.token],
        ['API key', key.secret],
      ];
      for (const [, token] of others) {
        const res = await t.gql(query, { slug: w.org.slug }, token);
        expect(fails(res, 'FORBIDDEN').path).toEqual(['organisation', field]);
        expect(res.data.organisation).toEqual({ id: w.org.id, name: expect.any(String), [field]: null });
      }
      fails(await t.gql(query, { slug: w.org.slug }, revokedKey.secret), 'UNAUTHENTICATED');
      const own = ok(await t.gql(query, { slug: w.org.slug }, w.admin.token)).organisation[field];
      expect(own.length).toBeGreaterThan(0);
      // The other organisation's admin sees their own organisation's, not this one's.
      expect(ok(await t.gql(query, { slug: w.otherOrg.slug }, w.outsider.token)).organisation[field]).toEqual(expect.any(Array));
    });
  });

  describe('User.email', () => {
    /** The email of `user` as `viewer` sees it among the chapter's members of `status`. */
    const emailAmongMembers = async (viewer: TestUser | string, chapterId: string, user: TestUser, status: 'ACTIVE' | 'PENDING' = 'ACTIVE') => {
      const members = ok(await t.gql(MEMBERS, { id: chapterId, status }, typeof viewer === 'string' ? viewer : viewer.token)).chapter.members;
      const node = members.edges.find((e: any) => e.node.user.id === user.id)?.node;
      expect(node).toBeDefined();
      return node.user.email as string | null;
    };

    it("an ACTIVE member's is visible to the organisation's admins, not to organisers, members, other admins or keys", async () => {
      expect(await emailAmongMembers(w.admin, w.chapterA.id, w.memberA)).toBe(w.memberA.email);
      expect(await emailAmongMembers(w.organiser, w.chapterA.id, w.memberA)).toBeNull();
      expect(await emailAmongMembers(w.memberA, w.chapterA.id, w.organiser)).toBeNull();
      expect(await emailAmongMembers(key.secret, w.chapterA.id, w.memberA)).toBeNull();
      // The other organisation's admin, as an ACTIVE member of chapter A, sees nobody's but their own.
      const membership = await joinChapter(t, w.outsider, w.chapterA.id);
      try {
        expect(await emailAmongMembers(w.outsider, w.chapterA.id, w.memberA)).toBeNull();
        expect(await emailAmongMembers(w.outsider, w.chapterA.id, w.outsider)).toBe(w.outsider.email);
        // ...and the admins of this organisation see theirs only while that membership lasts.
        expect(await emailAmongMembers(w.admin, w.chapterA.id, w.outsider)).toBe(w.outsider.email);
      } finally {
        ok(await t.gql(`mutation($id: ID!) { removeMembership(membershipId: $id) }`, { id: membership }, w.admin.token));
      }
    });

    it("a PENDING applicant's is hidden from admins until the membership is approved", async () => {
      const chapter = await createChapter(t, w.admin, w.org.id, { joinPolicy: 'APPROVAL' });
      const applicant = await registerUser(t);
      const membershipId = ok(await t.gql(JOIN, { id: chapter.id }, applicant.token)).joinChapter.id;
      expect(await emailAmongMembers(w.admin, chapter.id, applicant, 'PENDING')).toBeNull();
      expect(ok(await t.gql(`{ me { email } }`, {}, applicant.token)).me.email).toBe(applicant.email);
      ok(await t.gql(APPROVE, { id: membershipId }, w.admin.token));
      expect(await emailAmongMembers(w.admin, chapter.id, applicant)).toBe(applicant.email);
    });

    it("an invited admin's is hidden until they accept (an unaccepted invitation is no role)", async () => {
      const chapter = await createChapter(t, w.admin, w.org.id, { joinPolicy: 'APPROVAL' });
      const invitee = await registerUser(t);
      ok(await t.gql(JOIN, { id: chapter.id }, invitee.token));
      const { token } = await invite(invitee.email);
      expect(await emailAmongMembers(w.admin, chapter.id, invitee, 'PENDING')).toBeNull();
      ok(await t.gql(ACCEPT, { token }, invitee.token));
      expect(await emailAmongMembers(w.admin, chapter.id, invitee, 'PENDING')).toBe(invitee.email);
      // The new admin sees the admins who invited them, and they see the new admin.
      const admins = ok(await t.gql(ADMINS, { slug: w.org.slug }, invitee.token)).organisation.admins;
      expect(admins.find((a: { id: string }) => a.id === w.admin.id).email).toBe(w.admin.email);
    });

    it("an attendee's account is reachable through Attendance.user, with its email only as the rule says", async () => {
      const event = await createEvent(t, w.organiser, w.chapterA.id);
      await publishEvent(t, w.organiser, event.id);
      const attendee = await registerUser(t);
      ok(await t.gql(`mutation($id: ID!) { rsvp(input: { eventId: $id }) { attendance { id } } }`, { id: event.id }, attendee.token));
      ok(await t.gql(`mutation($id: ID!) { rsvp(input: { eventId: $id }) { attendance { id } } }`, { id: event.id }, w.memberA.token));
      const ATTENDEES = `query($id: ID!) { event(id: $id) { attendees(first: 100) { edges { node { user { id email } } } } } }`;
      const emails = async (token: string) =>
        Object.fromEntries(ok(await t.gql(ATTENDEES, { id: event.id }, token)).event.attendees.edges.map((e: any) => [e.node.user.id, e.node.user.email]));
      // The admin sees the ACTIVE member's account email, not that of an attendee with no membership.
      expect(await emails(w.admin.token)).toEqual({ [attendee.id]: null, [w.memberA.id]: w.memberA.email });
      expect(await emails(w.organiser.token)).toEqual({ [attendee.id]: null, [w.memberA.id]: null });
    });

    it('the user themself always sees it: me, login and register payloads', async () => {
      expect(ok(await t.gql(`{ me { id email } }`, {}, w.stranger.token)).me).toEqual({ id: w.stranger.id, email: w.stranger.email });
      const login = ok(
        await t.gql(`mutation($input: LoginInput!) { login(input: $input) { user { id email } } }`, {
          input: { email: w.stranger.email, password: 'correct horse battery' },
        }),
      );
      expect(login.login.user).toEqual({ id: w.stranger.id, email: w.stranger.email });
    });
  });
});
