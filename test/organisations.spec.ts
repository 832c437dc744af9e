import { randomBytes, randomUUID } from 'node:crypto';
import { withDb } from './support/db';
import { LEAVE_CHAPTER } from './support/documents';
import { createApiKey, createChapter, createOrganisation, joinChapter, makeAdmin, makeOrganiser, registerUser, TestUser } from './support/factories';
import { GqlResponse, startTestApp, TestApp } from './support/test-app';

const unique = () => randomBytes(4).toString('hex');

const CREATE_ORGANISATION = `mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { id slug name description viewerIsAdmin }
}`;
const ORGANISATION = `query($slug: String!) { organisation(slug: $slug) { id slug name viewerIsAdmin chapters { totalCount edges { node { id slug } } } } }`;
const ORGANISATIONS = `query($first: Int, $after: String) {
  organisations(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id slug } } }
}`;
const REMOVE_ADMIN = `mutation($o: ID!, $u: ID!) { removeOrganisationAdmin(organisationId: $o, userId: $u) { id viewerIsAdmin } }`;
const CREATE_CHAPTER = `mutation($input: CreateChapterInput!) {
  createChapter(input: $input) {
    id slug name country timeZone joinPolicy memberCount
    organisation { id }
    viewerMembership { id role status user { id } chapter { id } }
  }
}`;
const UPDATE_CHAPTER = `mutation($id: ID!, $input: UpdateChapterInput!) {
  updateChapter(id: $id, input: $input) { id name description city country timeZone joinPolicy }
}`;
const CHAPTER = `query($id: ID!) {
  chapter(id: $id) { id name slug joinPolicy memberCount viewerMembership { id role status } }
}`;
const JOIN = `mutation($id: ID!) { joinChapter(chapterId: $id) { id role status chapter { id } user { id } } }`;
const APPROVE = `mutation($id: ID!) { approveMembership(membershipId: $id) { id status role } }`;
const SET_ROLE = `mutation($id: ID!, $role: ChapterRole!) { setMembershipRole(membershipId: $id, role: $role) { id role status } }`;
const REMOVE = `mutation($id: ID!) { removeMembership(membershipId: $id) }`;
const INVITE = `mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) { token invitation { id email role expiresAt chapter { id } } }
}`;
const ACCEPT = `mutation($token: String!) { acceptInvitation(token: $token) { id role status chapter { id } user { id } } }`;
const MEMBERS = `query($id: ID!, $status: MembershipStatus) {
  chapter(id: $id) {
    id name memberCount
    members(status: $status) { totalCount edges { node { id role status user { id displayName email memberships { id } } } } }
  }
}`;
const ME = `{ me { id email memberships { id role status chapter { id } } } }`;

/** The data of a response that must have succeeded. */
function ok<T = any>(res: GqlResponse<T>): T {
  expect(res.errors).toBeUndefined();
  return res.data as T;
}

/** Asserts the response failed with exactly one error of `code`, and returns that error. */
function fails(res: GqlResponse, code: string) {
  expect(res.errors?.map((e) => e.extensions.code)).toEqual([code]);
  return res.errors![0];
}

describe('organisations, chapters and memberships', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const chapterOf = async (id: string, token?: string) => ok(await t.gql(CHAPTER, { id }, token)).chapter;
  const membershipIdOf = async (chapterId: string, user: TestUser) => (await chapterOf(chapterId, user.token)).viewerMembership?.id as string | undefined;

  describe('createOrganisation', () => {
    it('makes the creator its first ADMIN; others and anonymous are not', async () => {
      const creator = await registerUser(t);
      const other = await registerUser(t);
      const created = ok(
        await t.gql(CREATE_ORGANISATION, { input: { name: `Solidaridad ${unique()}`, description: 'Hola' } }, creator.token),
      ).createOrganisation;
      expect(created).toMatchObject({ viewerIsAdmin: true, description: 'Hola' });
      expect(ok(await t.gql(ORGANISATION, { slug: created.slug }, creator.token)).organisation.viewerIsAdmin).toBe(true);
      expect(ok(await t.gql(ORGANISATION, { slug: created.slug }, other.token)).organisation.viewerIsAdmin).toBe(false);
      expect(ok(await t.gql(ORGANISATION, { slug: created.slug })).organisation.viewerIsAdmin).toBe(false);
      // Being its admin lets the creator create chapters.
      await createChapter(t, creator, created.id);
    });

    it('derives the slug from the name with accents folded, and suffixes -2 when it is taken', async () => {
      const a = await registerUser(t);
      const b = await registerUser(t);
      const name = 'Amigos de Bolivia — Córdoba';
      const first = ok(await t.gql(CREATE_ORGANISATION, { input: { name } }, a.token)).createOrganisation;
      expect(first).toMatchObject({ slug: 'amigos-de-bolivia-cordoba', name });
      const second = ok(await t.gql(CREATE_ORGANISATION, { input: { name } }, b.token)).createOrganisation;
      expect(second.slug).toBe('amigos-de-bolivia-cordoba-2');
      expect(second.id).not.toBe(first.id);
      // b is admin of the second only.
      expect(ok(await t.gql(ORGANISATION, { slug: first.slug }, b.token)).organisation.viewerIsAdmin).toBe(false);
      expect(ok(await t.gql(ORGANISATION, { slug: second.slug }, b.token)).organisation.viewerIsAdmin).toBe(true);
    });

    it('keeps an explicit slug, and refuses an explicit slug that is taken with CONFLICT', async () => {
      const user = await registerUser(t);
      const slug = `friends-${unique()}`;
      expect(ok(await t.gql(CREATE_ORGANISATION, { input: { name: 'Friends', slug } }, user.token)).createOrganisation.slug).toBe(slug);
      fails(await t.gql(CREATE_ORGANISATION, { input: { name: 'Other friends', slug } }, user.token), 'CONFLICT');
      expect(ok(await t.gql(ORGANISATION, { slug })).organisation.name).toBe('Friends');
    });

    it.each(['Not A Slug', 'ab', 'double--hyphen', '-leading', 'trailing-', 'acentuó', 'x'.repeat(61)])(
      'refuses the invalid slug %j with BAD_USER_INPUT fields.slug',
      async (slug) => {
        const user = await registerUser(t);
        const error = fails(await t.gql(CREATE_ORGANISATION, { input: { name: 'Valid name', slug } }, user.token), 'BAD_USER_INPUT');
        expect(Object.keys(error.extensions.fields)).toEqual(['slug']);
        expect(typeof error.extensions.fields.slug).toBe('string');
      },
    );

    it('refuses an empty name with BAD_USER_INPUT fields.name', async () => {
      const user = await registerUser(t);
      const error = fails(await t.gql(CREATE_ORGANISATION, { input: { name: '' } }, user.token), 'BAD_USER_INPUT');
      expect(error.extensions.fields).toHaveProperty('name');
    });
  });

  describe('organisation(slug) and organisations', () => {
    it('finds an organisation by slug (case-insensitively) with its chapters, and null for an unknown slug', async () => {
      const admin = await registerUser(t);
      const org = await createOrganisation(t, admin);
      const chapter = await createChapter(t, admin, org.id);
      const found = ok(await t.gql(ORGANISATION, { slug: org.slug.toUpperCase() })).organisation;
      expect(found).toMatchObject({ id: org.id, slug: org.slug });
      expect(found.chapters.totalCount).toBe(1);
      expect(found.chapters.edges[0].node).toEqual({ id: chapter.id, slug: chapter.slug });
      expect(ok(await t.gql(ORGANISATION, { slug: `no-such-${unique()}` })).organisation).toBeNull();
    });

    it('lists organisations as a connection that pages with first/after', async () => {
      const admin = await registerUser(t);
      const created = [await createOrganisation(t, admin), await createOrganisation(t, admin), await createOrganisation(t, admin)];
      const all = ok(await t.gql(ORGANISATIONS, { first: 100 })).organisations;
      expect(all.totalCount).toBe(all.edges.length);
      const ids = all.edges.map((e: any) => e.node.id);
      for (const o of created) expect(ids).toContain(o.id);

      const page1 = ok(await t.gql(ORGANISATIONS, { first: 1 })).organisations;
      expect(page1.edges).toHaveLength(1);
      expect(page1.totalCount).toBe(all.totalCount);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = ok(await t.gql(ORGANISATIONS, { first: 1, after: page1.pageInfo.endCursor })).organisations;
      expect(page2.edges).toHaveLength(1);
      expect(page2.edges[0].node.id).toBe(ids[1]);
      expect(page2.edges[0].node.id).not.toBe(page1.edges[0].node.id);
    });
  });

  describe('organisation admins', () => {
    it('an invited admin who accepted can act as admin (invitations themselves: admin-invitations.spec.ts)', async () => {
      const admin = await registerUser(t);
      const newcomer = await registerUser(t);
      const org = await createOrganisation(t, admin);
      expect(ok(await t.gql(ORGANISATION, { slug: org.slug }, newcomer.token)).organisation.viewerIsAdmin).toBe(false);
      fails(await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Leeds', timeZone: 'Europe/London' } }, newcomer.token), 'FORBIDDEN');
      await makeAdmin(t, admin, newcomer, org.id);
      expect(ok(await t.gql(ORGANISATION, { slug: org.slug }, newcomer.token)).organisation.viewerIsAdmin).toBe(true);
      ok(await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Leeds', timeZone: 'Europe/London' } }, newcomer.token));
    });

    it('removeOrganisationAdmin: FORBIDDEN to non-admins, NOT_FOUND for an unknown organisation', async () => {
      const admin = await registerUser(t);
      const outsider = await registerUser(t);
      const org = await createOrganisation(t, admin);
      fails(await t.gql(REMOVE_ADMIN, { o: org.id, u: admin.id }, outsider.token), 'FORBIDDEN');
      fails(await t.gql(REMOVE_ADMIN, { o: randomUUID(), u: admin.id }, admin.token), 'NOT_FOUND');
      expect(ok(await t.gql(ORGANISATION, { slug: org.slug }, outsider.token)).organisation.viewerIsAdmin).toBe(false);
      expect(ok(await t.gql(ORGANISATION, { slug: org.slug }, admin.token)).organisation.viewerIsAdmin).toBe(true);
    });

    it('never removes the last admin (CONFLICT), but removes one of two', async () => {
      const admin = await registerUser(t);
      const second = await registerUser(t);
      const org = await createOrganisation(t, admin);
      fails(await t.gql(REMOVE_ADMIN, { o: org.id, u: admin.id }, admin.token), 'CONFLICT');
      fails(await t.gql(REMOVE_ADMIN, { o: org.id, u: second.id }, admin.token), 'NOT_FOUND');
      await makeAdmin(t, admin, second, org.id);
      expect(ok(await t.gql(REMOVE_ADMIN, { o: org.id, u: admin.id }, second.token)).removeOrganisationAdmin.id).toBe(org.id);
      expect(ok(await t.gql(ORGANISATION, { slug: org.slug }, admin.token)).organisation.viewerIsAdmin).toBe(false);
      fails(await t.gql(REMOVE_ADMIN, { o: org.id, u: second.id }, admin.token), 'FORBIDDEN');
      fails(await t.gql(REMOVE_ADMIN, { o: org.id, u: second.id }, second.token), 'CONFLICT');
    });
  });

  describe('createChapter', () => {
    let admin: TestUser;
    let org: { id: string; slug: string };
    beforeAll(async () => {
      admin = await registerUser(t);
      org = await createOrganisation(t, admin);
    });

    it('makes the creating admin its first ACTIVE ORGANISER', async () => {
      const chapter = ok(
        await t.gql(
          CREATE_CHAPTER,
          { input: { organisationId: org.id, name: 'La Paz', country: 'bo', timeZone: 'America/La_Paz', joinPolicy: 'APPROVAL' } },
          admin.token,
        ),
      ).createChapter;
      expect(chapter).toMatchObject({ slug: 'la-paz', name: 'La Paz', country: 'BO', timeZone: 'America/La_Paz', joinPolicy: 'APPROVAL', memberCount: 1 });
      expect(chapter.organisation.id).toBe(org.id);
      expect(chapter.viewerMembership).toMatchObject({ role: 'ORGANISER', status: 'ACTIVE', user: { id: admin.id }, chapter: { id: chapter.id } });
      const me = ok(await t.gql(ME, {}, admin.token)).me;
      expect(me.memberships).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: chapter.viewerMembership.id, role: 'ORGANISER', chapter: { id: chapter.id } })]),
      );
    });

    it('defaults joinPolicy to OPEN', async () => {
      const chapter = ok(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: `Oruro ${unique()}`, timeZone: 'America/La_Paz' } }, admin.token),
      ).createChapter;
      expect(chapter.joinPolicy).toBe('OPEN');
    });

    it('is for admins only: FORBIDDEN to other users, even organisers of its chapters; UNAUTHENTICATED anonymously; NOT_FOUND for an unknown organisation', async () => {
      const organiser = await registerUser(t);
      const chapter = await createChapter(t, admin, org.id);
      await makeOrganiser(t, admin, organiser, chapter.id);
      const input = { organisationId: org.id, name: 'Sucre', timeZone: 'America/La_Paz' };
      fails(await t.gql(CREATE_CHAPTER, { input }, organiser.token), 'FORBIDDEN');
      fails(await t.gql(CREATE_CHAPTER, { input }), 'UNAUTHENTICATED');
      fails(await t.gql(CREATE_CHAPTER, { input: { ...input, organisationId: randomUUID() } }, admin.token), 'NOT_FOUND');
      const chapters = ok(await t.gql(ORGANISATION, { slug: org.slug })).organisation.chapters.edges.map((e: any) => e.node.slug);
      expect(chapters).not.toContain('sucre');
    });

    it('refuses an invalid time zone with BAD_USER_INPUT fields.timeZone', async () => {
      const error = fails(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Olympus', timeZone: 'Mars/Olympus' } }, admin.token),
        'BAD_USER_INPUT',
      );
      expect(Object.keys(error.extensions.fields)).toEqual(['timeZone']);
    });

    it.each(['XX', 'GBR', 'G', 'U K'])('refuses the country %j with BAD_USER_INPUT fields.country', async (country) => {
      const error = fails(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Bad country', country, timeZone: 'Europe/London' } }, admin.token),
        'BAD_USER_INPUT',
      );
      expect(Object.keys(error.extensions.fields)).toEqual(['country']);
    });

    it('refuses an invalid organisationId with BAD_USER_INPUT', async () => {
      const error = fails(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: 'abc', name: 'X', timeZone: 'Europe/London' } }, admin.token),
        'BAD_USER_INPUT',
      );
      expect(error.extensions.fields).toHaveProperty('organisationId');
    });

    it('keeps chapter slugs unique within an organisation but not across organisations', async () => {
      const slug = `centro-${unique()}`;
      const first = ok(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Centro', slug, timeZone: 'Europe/Madrid' } }, admin.token),
      ).createChapter;
      expect(first.slug).toBe(slug);
      fails(await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name: 'Centro again', slug, timeZone: 'Europe/Madrid' } }, admin.token), 'CONFLICT');

      const otherAdmin = await registerUser(t);
      const otherOrg = await createOrganisation(t, otherAdmin);
      const elsewhere = ok(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: otherOrg.id, name: 'Centro', slug, timeZone: 'Europe/Madrid' } }, otherAdmin.token),
      ).createChapter;
      expect(elsewhere.slug).toBe(slug);
      expect(elsewhere.id).not.toBe(first.id);
    });

    it('suffixes a derived chapter slug that is taken in the organisation, but not one taken only elsewhere', async () => {
      const name = `Cochabamba ${unique()}`;
      const base = name.toLowerCase().replace(' ', '-');
      const first = ok(await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name, timeZone: 'America/La_Paz' } }, admin.token)).createChapter;
      const second = ok(await t.gql(CREATE_CHAPTER, { input: { organisationId: org.id, name, timeZone: 'America/La_Paz' } }, admin.token)).createChapter;
      expect(first.slug).toBe(base);
      expect(second.slug).toBe(`${base}-2`);
      const otherAdmin = await registerUser(t);
      const otherOrg = await createOrganisation(t, otherAdmin);
      const third = ok(
        await t.gql(CREATE_CHAPTER, { input: { organisationId: otherOrg.id, name, timeZone: 'America/La_Paz' } }, otherAdmin.token),
      ).createChapter;
      expect(third.slug).toBe(base);
    });
  });

  describe('updateChapter', () => {
    let admin: TestUser;
    let organiser: TestUser;
    let member: TestUser;
    let chapter: { id: string; slug: string };
    beforeAll(async () => {
      admin = await registerUser(t);
      organiser = await registerUser(t);
      member = await registerUser(t);
      const org = await createOrganisation(t, admin);
      chapter = await createChapter(t, admin, org.id);
      await makeOrganiser(t, admin, organiser, chapter.id);
      await joinChapter(t, member, chapter.id);
    });

    it('lets an organiser of the chapter edit it, and null clears optional fields', async () => {
      const updated = ok(
        await t.gql(
          UPDATE_CHAPTER,
          { id: chapter.id, input: { name: 'Londres', description: 'Solidarity', city: 'London', country: 'gb', timeZone: 'Europe/Lisbon' } },
          organiser.token,
        ),
      ).updateChapter;
      expect(updated).toEqual({
        id: chapter.id,
        name: 'Londres',
        description: 'Solidarity',
        city: 'London',
        country: 'GB',
        timeZone: 'Europe/Lisbon',
        joinPolicy: 'OPEN',
      });
      const cleared = ok(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { description: null, city: null } }, organiser.token)).updateChapter;
      expect(cleared).toMatchObject({ name: 'Londres', description: null, city: null, country: 'GB' });
      expect((await chapterOf(chapter.id)).name).toBe('Londres');
    });

    it('lets an admin of the organisation edit it', async () => {
      expect(ok(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { joinPolicy: 'APPROVAL' } }, admin.token)).updateChapter.joinPolicy).toBe('APPROVAL');
      expect(ok(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { joinPolicy: 'OPEN' } }, admin.token)).updateChapter.joinPolicy).toBe('OPEN');
    });

    it('refuses a plain member and an outsider with FORBIDDEN and anonymous callers with UNAUTHENTICATED, changing nothing', async () => {
      const outsider = await registerUser(t);
      const before = await chapterOf(chapter.id);
      fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { name: 'Hijacked' } }, member.token), 'FORBIDDEN');
      fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { name: 'Hijacked' } }, outsider.token), 'FORBIDDEN');
      fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { name: 'Hijacked' } }), 'UNAUTHENTICATED');
      expect((await chapterOf(chapter.id)).name).toBe(before.name);
    });

    it('answers NOT_FOUND for an unknown id and BAD_USER_INPUT fields.id for a malformed one', async () => {
      fails(await t.gql(UPDATE_CHAPTER, { id: randomUUID(), input: { name: 'Ghost' } }, admin.token), 'NOT_FOUND');
      const error = fails(await t.gql(UPDATE_CHAPTER, { id: 'abc', input: { name: 'Ghost' } }, admin.token), 'BAD_USER_INPUT');
      expect(Object.keys(error.extensions.fields)).toEqual(['id']);
    });

    it('validates the input: time zone, country, empty name', async () => {
      expect(
        Object.keys(
          fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { timeZone: 'Mars/Olympus' } }, organiser.token), 'BAD_USER_INPUT').extensions.fields,
        ),
      ).toEqual(['timeZone']);
      expect(
        Object.keys(fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { country: 'GBR' } }, organiser.token), 'BAD_USER_INPUT').extensions.fields),
      ).toEqual(['country']);
      expect(
        Object.keys(fails(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { name: '' } }, organiser.token), 'BAD_USER_INPUT').extensions.fields),
      ).toEqual(['name']);
    });
  });

  describe('joining, approving and leaving', () => {
    let admin: TestUser;
    let orgId: string;
    beforeAll(async () => {
      admin = await registerUser(t);
      orgId = (await createOrganisation(t, admin)).id;
    });

    it('OPEN: a user joins ACTIVE as MEMBER at once; joining twice returns the same membership', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'OPEN' });
      const user = await registerUser(t);
      const joined = ok(await t.gql(JOIN, { id: chapter.id }, user.token)).joinChapter;
      expect(joined).toMatchObject({ role: 'MEMBER', status: 'ACTIVE', chapter: { id: chapter.id }, user: { id: user.id } });
      const again = ok(await t.gql(JOIN, { id: chapter.id }, user.token)).joinChapter;
      expect(again.id).toBe(joined.id);
      const seen = await chapterOf(chapter.id, user.token);
      expect(seen.memberCount).toBe(2);
      expect(seen.viewerMembership).toEqual({ id: joined.id, role: 'MEMBER', status: 'ACTIVE' });
    });

    it('APPROVAL: a user is PENDING (not counted) until an organiser approves', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const organiser = await registerUser(t);
      const organiserMembership = ok(await t.gql(JOIN, { id: chapter.id }, organiser.token)).joinChapter.id;
      ok(await t.gql(APPROVE, { id: organiserMembership }, admin.token));
      ok(await t.gql(SET_ROLE, { id: organiserMembership, role: 'ORGANISER' }, admin.token));

      const user = await registerUser(t);
      const pending = ok(await t.gql(JOIN, { id: chapter.id }, user.token)).joinChapter;
      expect(pending).toMatchObject({ role: 'MEMBER', status: 'PENDING' });
      expect(ok(await t.gql(JOIN, { id: chapter.id }, user.token)).joinChapter).toMatchObject({ id: pending.id, status: 'PENDING' });
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
      // Pending members cannot read the member list.
      fails(await t.gql(MEMBERS, { id: chapter.id }, user.token), 'FORBIDDEN');

      const approved = ok(await t.gql(APPROVE, { id: pending.id }, organiser.token)).approveMembership;
      expect(approved).toEqual({ id: pending.id, status: 'ACTIVE', role: 'MEMBER' });
      expect((await chapterOf(chapter.id)).memberCount).toBe(3);
      expect((await chapterOf(chapter.id, user.token)).viewerMembership.status).toBe('ACTIVE');
      // Approving again is harmless.
      expect(ok(await t.gql(APPROVE, { id: pending.id }, organiser.token)).approveMembership.status).toBe('ACTIVE');
    });

    it('INVITE_ONLY: joining is FORBIDDEN and creates nothing', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'INVITE_ONLY' });
      const user = await registerUser(t);
      fails(await t.gql(JOIN, { id: chapter.id }, user.token), 'FORBIDDEN');
      const seen = await chapterOf(chapter.id, user.token);
      expect(seen.viewerMembership).toBeNull();
      expect(seen.memberCount).toBe(1);
    });

    it('refuses to join an unknown chapter (NOT_FOUND) or anonymously (UNAUTHENTICATED)', async () => {
      const user = await registerUser(t);
      fails(await t.gql(JOIN, { id: randomUUID() }, user.token), 'NOT_FOUND');
      const chapter = await createChapter(t, admin, orgId);
      fails(await t.gql(JOIN, { id: chapter.id }), 'UNAUTHENTICATED');
    });

    it('memberCount counts ACTIVE memberships only', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const a = await registerUser(t);
      const b = await registerUser(t);
      const c = await registerUser(t);
      const ma = ok(await t.gql(JOIN, { id: chapter.id }, a.token)).joinChapter.id;
      ok(await t.gql(JOIN, { id: chapter.id }, b.token));
      ok(await t.gql(JOIN, { id: chapter.id }, c.token));
      expect((await chapterOf(chapter.id)).memberCount).toBe(1);
      ok(await t.gql(APPROVE, { id: ma }, admin.token));
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
      // Switching to OPEN does not activate the pending ones.
      ok(await t.gql(UPDATE_CHAPTER, { id: chapter.id, input: { joinPolicy: 'OPEN' } }, admin.token));
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
    });

    it('leaveChapter removes the membership; leaving again is NOT_FOUND', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const user = await registerUser(t);
      await joinChapter(t, user, chapter.id);
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
      expect(ok(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, user.token)).leaveChapter).toBe(true);
      const seen = await chapterOf(chapter.id, user.token);
      expect(seen.memberCount).toBe(1);
      expect(seen.viewerMembership).toBeNull();
      fails(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, user.token), 'NOT_FOUND');
      fails(await t.gql(LEAVE_CHAPTER, { id: chapter.id }), 'UNAUTHENTICATED');
    });

    it('a PENDING member may withdraw by leaving', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const user = await registerUser(t);
      ok(await t.gql(JOIN, { id: chapter.id }, user.token));
      expect(ok(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, user.token)).leaveChapter).toBe(true);
      expect((await chapterOf(chapter.id, user.token)).viewerMembership).toBeNull();
    });

    it('the last organiser cannot leave (CONFLICT) but can once another organiser exists', async () => {
      const chapter = await createChapter(t, admin, orgId);
      fails(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, admin.token), 'CONFLICT');
      expect((await chapterOf(chapter.id, admin.token)).viewerMembership).toMatchObject({ role: 'ORGANISER', status: 'ACTIVE' });
      // A plain member does not count as an organiser.
      const member = await registerUser(t);
      await joinChapter(t, member, chapter.id);
      fails(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, admin.token), 'CONFLICT');

      const second = await registerUser(t);
      await makeOrganiser(t, admin, second, chapter.id);
      expect(ok(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, admin.token)).leaveChapter).toBe(true);
      expect((await chapterOf(chapter.id, admin.token)).viewerMembership).toBeNull();
      // Now `second` is the last one.
      fails(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, second.token), 'CONFLICT');
    });
  });

  describe('managing memberships', () => {
    let admin: TestUser;
    let orgId: string;
    beforeAll(async () => {
      admin = await registerUser(t);
      orgId = (await createOrganisation(t, admin)).id;
    });

    it('setMembershipRole promotes and demotes, but never demotes the last organiser (CONFLICT)', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const adminMembership = (await membershipIdOf(chapter.id, admin))!;
      fails(await t.gql(SET_ROLE, { id: adminMembership, role: 'MEMBER' }, admin.token), 'CONFLICT');
      expect((await chapterOf(chapter.id, admin.token)).viewerMembership.role).toBe('ORGANISER');

      const user = await registerUser(t);
      const membership = await joinChapter(t, user, chapter.id);
      expect(ok(await t.gql(SET_ROLE, { id: membership, role: 'ORGANISER' }, admin.token)).setMembershipRole).toEqual({
        id: membership,
        role: 'ORGANISER',
        status: 'ACTIVE',
      });
      // The new organiser can now manage, including demoting the first one.
      expect(ok(await t.gql(SET_ROLE, { id: adminMembership, role: 'MEMBER' }, user.token)).setMembershipRole.role).toBe('MEMBER');
      fails(await t.gql(SET_ROLE, { id: membership, role: 'MEMBER' }, user.token), 'CONFLICT');
      // Setting the role it already has is harmless.
      expect(ok(await t.gql(SET_ROLE, { id: membership, role: 'ORGANISER' }, user.token)).setMembershipRole.role).toBe('ORGANISER');
    });

    it('removeMembership removes a member, but never the last organiser (CONFLICT)', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const user = await registerUser(t);
      const membership = await joinChapter(t, user, chapter.id);
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
      expect(ok(await t.gql(REMOVE, { id: membership }, admin.token)).removeMembership).toBe(true);
      expect((await chapterOf(chapter.id)).memberCount).toBe(1);
      expect((await chapterOf(chapter.id, user.token)).viewerMembership).toBeNull();
      fails(await t.gql(REMOVE, { id: membership }, admin.token), 'NOT_FOUND');
      const adminMembership = (await membershipIdOf(chapter.id, admin))!;
      fails(await t.gql(REMOVE, { id: adminMembership }, admin.token), 'CONFLICT');
      expect((await chapterOf(chapter.id)).memberCount).toBe(1);
    });

    it('a plain member gets FORBIDDEN, a non-member NOT_FOUND, for approve, set role and remove', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const member = await registerUser(t);
      const memberMembership = ok(await t.gql(JOIN, { id: chapter.id }, member.token)).joinChapter.id;
      ok(await t.gql(APPROVE, { id: memberMembership }, admin.token));
      const applicant = await registerUser(t);
      const pending = ok(await t.gql(JOIN, { id: chapter.id }, applicant.token)).joinChapter.id;
      const outsider = await registerUser(t);
      const adminMembership = (await membershipIdOf(chapter.id, admin))!;

      for (const [who, code] of [
        [member, 'FORBIDDEN'],
        [outsider, 'NOT_FOUND'],
        // A PENDING applicant is not a member yet.
        [applicant, 'NOT_FOUND'],
      ] as const) {
        fails(await t.gql(APPROVE, { id: pending }, who.token), code);
        fails(await t.gql(SET_ROLE, { id: pending, role: 'ORGANISER' }, who.token), code);
        fails(await t.gql(SET_ROLE, { id: memberMembership, role: 'ORGANISER' }, who.token), code);
        fails(await t.gql(SET_ROLE, { id: adminMembership, role: 'MEMBER' }, who.token), code);
        fails(await t.gql(REMOVE, { id: pending }, who.token), code);
        fails(await t.gql(REMOVE, { id: adminMembership }, who.token), code);
      }
      // Nothing changed.
      const members = ok(await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, admin.token)).chapter.members;
      expect(members.edges.map((e: any) => e.node.id)).toEqual([pending]);
      expect((await chapterOf(chapter.id, member.token)).viewerMembership).toMatchObject({ role: 'MEMBER', status: 'ACTIVE' });
      expect((await chapterOf(chapter.id, admin.token)).viewerMembership).toMatchObject({ role: 'ORGANISER', status: 'ACTIVE' });
    });

    it('an organiser of another chapter of the organisation cannot manage this one (NOT_FOUND)', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const other = await createChapter(t, admin, orgId);
      const otherOrganiser = await registerUser(t);
      await makeOrganiser(t, admin, otherOrganiser, other.id);
      const user = await registerUser(t);
      const membership = await joinChapter(t, user, chapter.id);
      fails(await t.gql(REMOVE, { id: membership }, otherOrganiser.token), 'NOT_FOUND');
      fails(await t.gql(INVITE, { input: { chapterId: chapter.id, email: 'x@example.org' } }, otherOrganiser.token), 'FORBIDDEN');
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
    });

    it('unknown and malformed membership ids are NOT_FOUND and BAD_USER_INPUT', async () => {
      fails(await t.gql(APPROVE, { id: randomUUID() }, admin.token), 'NOT_FOUND');
      fails(await t.gql(REMOVE, { id: randomUUID() }, admin.token), 'NOT_FOUND');
      expect(fails(await t.gql(SET_ROLE, { id: 'abc', role: 'MEMBER' }, admin.token), 'BAD_USER_INPUT').extensions.fields).toHaveProperty('membershipId');
    });
  });

  describe('invitations', () => {
    let admin: TestUser;
    let orgId: string;
    beforeAll(async () => {
      admin = await registerUser(t);
      orgId = (await createOrganisation(t, admin)).id;
    });

    it('returns the token once; the invited account joins an INVITE_ONLY chapter ACTIVE with the invited role', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'INVITE_ONLY' });
      const invitee = await registerUser(t);
      const created = ok(
        await t.gql(INVITE, { input: { chapterId: chapter.id, email: `  ${invitee.email.toUpperCase()} `, role: 'ORGANISER' } }, admin.token),
      ).inviteMember;
      expect(created.token).toEqual(expect.any(String));
      expect(created.token.length).toBeGreaterThanOrEqual(20);
      expect(created.invitation).toMatchObject({ email: invitee.email, role: 'ORGANISER', chapter: { id: chapter.id } });
      const days = (Date.parse(created.invitation.expiresAt) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);

      // The token is not stored as such, and no field gives it out again.
      const { rows } = await withDb(t.databaseUrl, (db) =>
        db.query(`SELECT row_to_json(i)::text AS row FROM invitations i WHERE id = $1`, [created.invitation.id]),
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].row).not.toContain(created.token);
      fails(
        await t.gql(
          `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id token } } }`,
          { input: { chapterId: chapter.id, email: invitee.email } },
          admin.token,
        ),
        'GRAPHQL_VALIDATION_FAILED',
      );

      fails(await t.gql(JOIN, { id: chapter.id }, invitee.token), 'FORBIDDEN');
      const accepted = ok(await t.gql(ACCEPT, { token: created.token }, invitee.token)).acceptInvitation;
      expect(accepted).toMatchObject({ role: 'ORGANISER', status: 'ACTIVE', chapter: { id: chapter.id }, user: { id: invitee.id } });
      expect((await chapterOf(chapter.id, invitee.token)).viewerMembership).toMatchObject({ id: accepted.id, role: 'ORGANISER', status: 'ACTIVE' });
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
      // As an organiser now, the admin (creator) may leave.
      ok(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, admin.token));
    });

    it('defaults the role to MEMBER, and activates a PENDING applicant', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const invitee = await registerUser(t);
      const pending = ok(await t.gql(JOIN, { id: chapter.id }, invitee.token)).joinChapter;
      expect(pending.status).toBe('PENDING');
      const { token, invitation } = ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token)).inviteMember;
      expect(invitation.role).toBe('MEMBER');
      const accepted = ok(await t.gql(ACCEPT, { token }, invitee.token)).acceptInvitation;
      expect(accepted).toMatchObject({ id: pending.id, role: 'MEMBER', status: 'ACTIVE' });
    });

    it('is single use (CONFLICT), for the invited email only (FORBIDDEN), and unknown tokens are NOT_FOUND', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'INVITE_ONLY' });
      const invitee = await registerUser(t);
      const intruder = await registerUser(t);
      const { token } = ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token)).inviteMember;

      fails(await t.gql(ACCEPT, { token }, intruder.token), 'FORBIDDEN');
      expect((await chapterOf(chapter.id, intruder.token)).viewerMembership).toBeNull();
      fails(await t.gql(ACCEPT, { token }), 'UNAUTHENTICATED');
      // The intruder's attempt did not spend it.
      expect(ok(await t.gql(ACCEPT, { token }, invitee.token)).acceptInvitation.status).toBe('ACTIVE');
      fails(await t.gql(ACCEPT, { token }, invitee.token), 'CONFLICT');
      fails(await t.gql(ACCEPT, { token }, intruder.token), 'CONFLICT');
      fails(await t.gql(ACCEPT, { token: `mi_${randomBytes(32).toString('base64url')}` }, invitee.token), 'NOT_FOUND');
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
    });

    it('only organisers and admins invite: members and outsiders FORBIDDEN, anonymous UNAUTHENTICATED, unknown chapter NOT_FOUND, bad email BAD_USER_INPUT', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const member = await registerUser(t);
      await joinChapter(t, member, chapter.id);
      const outsider = await registerUser(t);
      const organiser = await registerUser(t);
      await makeOrganiser(t, admin, organiser, chapter.id);
      const input = { chapterId: chapter.id, email: 'friend@example.org' };
      fails(await t.gql(INVITE, { input }, member.token), 'FORBIDDEN');
      fails(await t.gql(INVITE, { input }, outsider.token), 'FORBIDDEN');
      fails(await t.gql(INVITE, { input }), 'UNAUTHENTICATED');
      fails(await t.gql(INVITE, { input: { ...input, chapterId: randomUUID() } }, admin.token), 'NOT_FOUND');
      expect(fails(await t.gql(INVITE, { input: { ...input, email: 'not-an-email' } }, organiser.token), 'BAD_USER_INPUT').extensions.fields).toHaveProperty(
        'email',
      );
      expect(ok(await t.gql(INVITE, { input }, organiser.token)).inviteMember.token).toEqual(expect.any(String));
    });
  });

  describe('chapter.members and personal data', () => {
    let admin: TestUser;
    let organiser: TestUser;
    let member: TestUser;
    let applicant: TestUser;
    let outsider: TestUser;
    let orgId: string;
    let chapter: { id: string; slug: string };

    beforeAll(async () => {
      admin = await registerUser(t, 'Admin Person');
      organiser = await registerUser(t, 'Olga Organiser');
      member = await registerUser(t, 'Mario Member');
      applicant = await registerUser(t, 'Ana Applicant');
      outsider = await registerUser(t, 'Oscar Outsider');
      orgId = (await createOrganisation(t, admin)).id;
      chapter = await createChapter(t, admin, orgId, { joinPolicy: 'APPROVAL' });
      const organiserMembership = ok(await t.gql(JOIN, { id: chapter.id }, organiser.token)).joinChapter.id;
      ok(await t.gql(APPROVE, { id: organiserMembership }, admin.token));
      ok(await t.gql(SET_ROLE, { id: organiserMembership, role: 'ORGANISER' }, admin.token));
      const memberMembership = ok(await t.gql(JOIN, { id: chapter.id }, member.token)).joinChapter.id;
      ok(await t.gql(APPROVE, { id: memberMembership }, organiser.token));
      ok(await t.gql(JOIN, { id: chapter.id }, applicant.token));
    });

    const namesOf = (members: any) => members.edges.map((e: any) => e.node.user.displayName).sort();

    it('members see ACTIVE members; their own email only', async () => {
      const data = ok(await t.gql(MEMBERS, { id: chapter.id }, member.token)).chapter;
      expect(data.members.totalCount).toBe(3);
      expect(namesOf(data.members)).toEqual(['Admin Person', 'Mario Member', 'Olga Organiser']);
      for (const { node } of data.members.edges) {
        expect(node.status).toBe('ACTIVE');
        expect(node.user.email).toBe(node.user.id === member.id ? member.email : null);
      }
    });

    it('a member asking for PENDING gets members: null with FORBIDDEN at ["chapter","members"], the rest intact', async () => {
      const res = await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, member.token);
      const error = fails(res, 'FORBIDDEN');
      expect(error.path).toEqual(['chapter', 'members']);
      expect(res.data.chapter).toEqual({ id: chapter.id, name: expect.any(String), memberCount: 3, members: null });
    });

    it('organisers and admins see PENDING members too', async () => {
      for (const who of [organiser, admin]) {
        const pending = ok(await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, who.token)).chapter.members;
        expect(pending.totalCount).toBe(1);
        expect(pending.edges[0].node).toMatchObject({ status: 'PENDING', role: 'MEMBER', user: { id: applicant.id, displayName: 'Ana Applicant' } });
      }
    });

    it('outsiders, pending applicants and anonymous callers get members: null with FORBIDDEN', async () => {
      for (const token of [outsider.token, applicant.token, undefined]) {
        for (const status of ['ACTIVE', 'PENDING']) {
          const res = await t.gql(MEMBERS, { id: chapter.id, status }, token);
          expect(fails(res, 'FORBIDDEN').path).toEqual(['chapter', 'members']);
          expect(res.data.chapter).toMatchObject({ id: chapter.id, memberCount: 3, members: null });
        }
      }
    });

    it('an admin of the organisation sees the emails of its ACTIVE members but not of PENDING applicants; an organiser sees none', async () => {
      const active = ok(await t.gql(MEMBERS, { id: chapter.id }, admin.token)).chapter.members;
      const emails = Object.fromEntries(active.edges.map((e: any) => [e.node.user.id, e.node.user.email]));
      expect(emails).toEqual({ [admin.id]: admin.email, [organiser.id]: organiser.email, [member.id]: member.email });
      const pending = ok(await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, admin.token)).chapter.members;
      expect(pending.edges[0].node.user).toMatchObject({ id: applicant.id, email: null });

      const byOrganiser = ok(await t.gql(MEMBERS, { id: chapter.id }, organiser.token)).chapter.members;
      for (const { node } of byOrganiser.edges) expect(node.user.email).toBe(node.user.id === organiser.id ? organiser.email : null);
      const pendingByOrganiser = ok(await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, organiser.token)).chapter.members;
      expect(pendingByOrganiser.edges[0].node.user.email).toBeNull();
    });

    it("an admin of another organisation sees a member's email only while that member is ACTIVE in their organisation", async () => {
      const otherAdmin = await registerUser(t, 'Beatriz Admin');
      const otherOrg = await createOrganisation(t, otherAdmin);
      const otherChapter = await createChapter(t, otherAdmin, otherOrg.id, { joinPolicy: 'APPROVAL' });
      // The other admin joins this chapter as a plain member (after approval), so they can list it.
      const m = ok(await t.gql(JOIN, { id: chapter.id }, otherAdmin.token)).joinChapter.id;
      ok(await t.gql(APPROVE, { id: m }, organiser.token));
      const emailOf = async (userId: string) => {
        const members = ok(await t.gql(MEMBERS, { id: chapter.id }, otherAdmin.token)).chapter.members;
        return members.edges.find((e: any) => e.node.user.id === userId).node.user.email;
      };
      expect(await emailOf(member.id)).toBeNull();
      // A PENDING membership in the other organisation is not enough; once approved it is.
      const applied = ok(await t.gql(JOIN, { id: otherChapter.id }, member.token)).joinChapter.id;
      expect(await emailOf(member.id)).toBeNull();
      ok(await t.gql(APPROVE, { id: applied }, otherAdmin.token));
      expect(await emailOf(member.id)).toBe(member.email);
      expect(await emailOf(organiser.id)).toBeNull();
      // Leaving it hides the email again.
      ok(await t.gql(LEAVE_CHAPTER, { id: otherChapter.id }, member.token));
      expect(await emailOf(member.id)).toBeNull();
      ok(await t.gql(LEAVE_CHAPTER, { id: chapter.id }, otherAdmin.token));
    });

    it('API keys with MEMBERS_READ list members without emails; a key of another organisation gets FORBIDDEN', async () => {
      const key = await createApiKey(t, admin, orgId, ['MEMBERS_READ']);
      const members = ok(await t.gql(MEMBERS, { id: chapter.id, status: 'PENDING' }, key.secret)).chapter.members;
      expect(members.edges.map((e: any) => e.node.user.email)).toEqual([null]);
      const otherAdmin = await registerUser(t);
      const otherOrg = await createOrganisation(t, otherAdmin);
      const foreignKey = await createApiKey(t, otherAdmin, otherOrg.id, ['MEMBERS_READ']);
      const res = await t.gql(MEMBERS, { id: chapter.id }, foreignKey.secret);
      expect(fails(res, 'FORBIDDEN').path).toEqual(['chapter', 'members']);
      expect(res.data.chapter.members).toBeNull();
    });

    it("me shows the caller's own email and memberships; anonymous me is null", async () => {
      const me = ok(await t.gql(ME, {}, member.token)).me;
      expect(me).toMatchObject({ id: member.id, email: member.email });
      expect(me.memberships).toEqual([expect.objectContaining({ role: 'MEMBER', status: 'ACTIVE', chapter: { id: chapter.id } })]);
      const pending = ok(await t.gql(ME, {}, applicant.token)).me;
      expect(pending.memberships).toEqual([expect.objectContaining({ status: 'PENDING', chapter: { id: chapter.id } })]);
      expect(ok(await t.gql(ME, {})).me).toBeNull();
    });

    it('User.memberships is empty when looking at someone else, filled when looking at oneself', async () => {
      for (const who of [member, organiser, admin]) {
        const edges = ok(await t.gql(MEMBERS, { id: chapter.id }, who.token)).chapter.members.edges;
        expect(edges.length).toBeGreaterThanOrEqual(3);
        for (const { node } of edges) {
          if (node.user.id === who.id) expect(node.user.memberships.length).toBeGreaterThanOrEqual(1);
          else expect(node.user.memberships).toEqual([]);
        }
      }
    });
  });
  describe('under concurrency', () => {
    /** Exactly one of two racing requests won; the other was refused by the state the winner left. */
    const expectOneWinner = (results: GqlResponse[]) =>
      expect(results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort()).toEqual([expect.stringMatching(/^(CONFLICT|FORBIDDEN)$/), 'OK']);
    let admin: TestUser;
    let orgId: string;
    beforeAll(async () => {
      admin = await registerUser(t);
      orgId = (await createOrganisation(t, admin)).id;
    });

    it('organisations created at once with the same name all get distinct derived slugs', async () => {
      const users = await Promise.all([registerUser(t), registerUser(t), registerUser(t), registerUser(t)]);
      const name = `Simultánea ${unique()}`;
      const results = await Promise.all(users.map((u) => t.gql(CREATE_ORGANISATION, { input: { name } }, u.token)));
      const slugs = results.map((r) => ok(r).createOrganisation.slug).sort();
      const base = name
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(' ', '-');
      expect(slugs).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`]);
    });

    it('chapters created at once with the same name all get distinct derived slugs', async () => {
      const name = `Paralelo ${unique()}`;
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => t.gql(CREATE_CHAPTER, { input: { organisationId: orgId, name, timeZone: 'Europe/London' } }, admin.token)),
      );
      const slugs = results.map((r) => ok(r).createChapter.slug).sort();
      const base = name.toLowerCase().replace(' ', '-');
      expect(slugs).toEqual([base, `${base}-2`, `${base}-3`, `${base}-4`]);
    });

    it('joining twice at once yields one membership', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const user = await registerUser(t);
      const [a, b] = await Promise.all([t.gql(JOIN, { id: chapter.id }, user.token), t.gql(JOIN, { id: chapter.id }, user.token)]);
      expect(ok(a).joinChapter.id).toBe(ok(b).joinChapter.id);
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
    });

    it('two organisers demoting each other at once: exactly one succeeds, one organiser remains', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const other = await registerUser(t);
      const otherMembership = await makeOrganiser(t, admin, other, chapter.id);
      const adminMembership = (await membershipIdOf(chapter.id, admin))!;
      const results = await Promise.all([
        t.gql(SET_ROLE, { id: otherMembership, role: 'MEMBER' }, admin.token),
        t.gql(SET_ROLE, { id: adminMembership, role: 'MEMBER' }, other.token),
      ]);
      // The loser either saw the other demotion committed (CONFLICT) or was already demoted when it asked (FORBIDDEN).
      expectOneWinner(results);
      const roles = [(await chapterOf(chapter.id, admin.token)).viewerMembership.role, (await chapterOf(chapter.id, other.token)).viewerMembership.role].sort();
      expect(roles).toEqual(['MEMBER', 'ORGANISER']);
    });

    it('two organisers leaving at once: exactly one leaves', async () => {
      const chapter = await createChapter(t, admin, orgId);
      const other = await registerUser(t);
      await makeOrganiser(t, admin, other, chapter.id);
      const results = await Promise.all([t.gql(LEAVE_CHAPTER, { id: chapter.id }, admin.token), t.gql(LEAVE_CHAPTER, { id: chapter.id }, other.token)]);
      expect(results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
      expect((await chapterOf(chapter.id)).memberCount).toBe(1);
    });

    it('two admins removing each other at once: exactly one succeeds', async () => {
      const first = await registerUser(t);
      const second = await registerUser(t);
      const org = await createOrganisation(t, first);
      await makeAdmin(t, first, second, org.id);
      const results = await Promise.all([
        t.gql(REMOVE_ADMIN, { o: org.id, u: second.id }, first.token),
        t.gql(REMOVE_ADMIN, { o: org.id, u: first.id }, second.token),
      ]);
      expectOneWinner(results);
      const admins = [
        ok(await t.gql(ORGANISATION, { slug: org.slug }, first.token)).organisation.viewerIsAdmin,
        ok(await t.gql(ORGANISATION, { slug: org.slug }, second.token)).organisation.viewerIsAdmin,
      ];
      expect(admins.filter(Boolean)).toHaveLength(1);
    });

    it('an invitation accepted twice at once is used once', async () => {
      const chapter = await createChapter(t, admin, orgId, { joinPolicy: 'INVITE_ONLY' });
      const invitee = await registerUser(t);
      const { token } = ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token)).inviteMember;
      const results = await Promise.all([t.gql(ACCEPT, { token }, invitee.token), t.gql(ACCEPT, { token }, invitee.token)]);
      expect(results.map((r) => r.errors?.[0]?.extensions.code ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
      expect((await chapterOf(chapter.id)).memberCount).toBe(2);
    });
  });

  it('an expired invitation is refused with CONFLICT', async () => {
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    const chapter = await createChapter(t, admin, org.id, { joinPolicy: 'INVITE_ONLY' });
    const invitee = await registerUser(t);
    const { token, invitation } = ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token)).inviteMember;
    const { rowCount } = await withDb(t.databaseUrl, (db) =>
      db.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [invitation.id]),
    );
    expect(rowCount).toBe(1);
    fails(await t.gql(ACCEPT, { token }, invitee.token), 'CONFLICT');
    expect((await chapterOf(chapter.id, invitee.token)).viewerMembership).toBeNull();
  });
});
