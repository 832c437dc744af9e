import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { fails, ok } from './support/expectations';
import { createChapter, createOrganisation, PASSWORD, registerUser, TestUser } from './support/factories';
import { linkIn, Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token invitation { id } } }`;
const ACCEPT = `mutation($token: String!) { acceptInvitation(token: $token) { status role } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken user { emailVerified memberships { status role chapter { id } } } } }`;
const address = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.org`;

describe('chapter invitations by email', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let admin: TestUser;
  let org: { id: string };
  let chapter: { id: string };
  let orgName: string;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    t = await startTestApp({}, { mailbox });
    admin = await registerUser(t, 'Olga Organiser');
    orgName = `Friends of Bolivia ${randomBytes(3).toString('hex')}`;
    org = await createOrganisation(t, admin, orgName);
    chapter = await createChapter(t, admin, org.id);
  });
  afterAll(async () => {
    await t?.close();
    await mailbox?.close();
  });

  const pathOf = (url: string) => new URL(url).pathname;
  const get = (path: string) => fetch(`${t.url}${path}`);
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

  it('emails the invitee, from the organisation, a link whose page registers a new address (verified) and accepts', async () => {
    const email = address('invitee');
    ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email, role: 'ORGANISER' } }, admin.token));
    const mail = await mailbox.next(email);
    expect(mail.from.name).toBe(`${orgName} (via Marea)`);
    expect(mail.subject).toContain(orgName);
    expect(mail.text).toContain('Olga Organiser invites you to join');
    expect(mail.text).toContain(`Sent for ${orgName} by Marea.`);
    const path = pathOf(linkIn(mail, 'invitation').url);

    // A scanner's GET shows the form and changes nothing.
    const page = await get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="displayName">');
    expect(html).toContain('<label for="password">');
    expect((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]))[0].n).toBe(0);

    const short = await post(path, { displayName: 'Nina', password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('10 to 200 characters');
    const done = await post(path, { displayName: 'Nina Invited', password: PASSWORD });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You have accepted the invitation');

    const signedIn = ok(await t.gql(LOGIN, { input: { email, password: PASSWORD } })).login;
    expect(signedIn.user.emailVerified).toBe(true);
    expect(signedIn.user.memberships).toEqual([{ status: 'ACTIVE', role: 'ORGANISER', chapter: { id: chapter.id } }]);
    expect((await post(path, { displayName: 'Again', password: PASSWORD })).status).toBe(410);
  });

  it('for an address with an account the page asks for its password and accepts with it', async () => {
    const invitee = await registerUser(t, 'Existing Person');
    ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token));
    const path = pathOf(linkIn(await mailbox.next(invitee.email, (m) => m.text.includes('/l/invitation/')), 'invitation').url);
    const html = await (await get(path)).text();
    expect(html).toContain('<label for="password">');
    expect(html).not.toContain('displayName');

    const wrong = await post(path, { password: 'not my password' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That password is not right.');
    expect((await post(path, { password: PASSWORD })).status).toBe(200);
    const me = ok(await t.gql(`{ me { memberships { status chapter { id } } } }`, {}, invitee.token)).me;
    expect(me.memberships).toEqual([{ status: 'ACTIVE', chapter: { id: chapter.id } }]);
  });

  it('the organiser’s token does not open the page (only the emailed link proves the address), but still works in acceptInvitation', async () => {
    const invitee = await registerUser(t);
    const { token } = ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token)).inviteMember;
    expect((await get(`/l/invitation/${encodeURIComponent(token)}`)).status).toBe(410);
    expect((await post(`/l/invitation/${encodeURIComponent(token)}`, { password: PASSWORD })).status).toBe(410);
    expect(ok(await t.gql(ACCEPT, { token }, invitee.token)).acceptInvitation.status).toBe('ACTIVE');
  });

  it('the emailed token works in acceptInvitation for the invited account (front ends behind LINK_URL)', async () => {
    const invitee = await registerUser(t);
    const other = await registerUser(t);
    ok(await t.gql(INVITE, { input: { chapterId: chapter.id, email: invitee.email } }, admin.token));
    const { token } = linkIn(await mailbox.next(invitee.email, (m) => m.text.includes('/l/invitation/')), 'invitation');
    fails(await t.gql(ACCEPT, { token }, other.token), 'FORBIDDEN');
    expect(ok(await t.gql(ACCEPT, { token }, invitee.token)).acceptInvitation.status).toBe('ACTIVE');
  });
});

describe('admin invitations by email', () => {
  const INVITE_ADMIN = `mutation($o: ID!, $email: String!) { inviteOrganisationAdmin(organisationId: $o, email: $email) { token invitation { id } } }`;
  const ACCEPT_ADMIN = `mutation($token: String!) { acceptAdminInvitation(token: $token) { id viewerIsAdmin } }`;
  const REVOKE_ADMIN = `mutation($id: ID!) { revokeAdminInvitation(id: $id) }`;
  const LOGIN_ONLY = `mutation($input: LoginInput!) { login(input: $input) { accessToken user { id emailVerified } } }`;

  let mailbox: Mailbox;
  let t: TestApp;
  let admin: TestUser;
  let org: { id: string; slug: string };
  let orgName: string;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    t = await startTestApp({}, { mailbox });
    admin = await registerUser(t, 'Ada Admin');
    orgName = `Friends of Chile ${randomBytes(3).toString('hex')}`;
    org = await createOrganisation(t, admin, orgName);
  });
  afterAll(async () => {
    await t?.close();
    await mailbox?.close();
  });

  const pathOf = (url: string) => new URL(url).pathname;
  const get = (path: string) => fetch(`${t.url}${path}`);
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  const inviteAdmin = async (email: string) =>
    ok(await t.gql(INVITE_ADMIN, { o: org.id, email }, admin.token)).inviteOrganisationAdmin as { token: string; invitation: { id: string } };
  const adminMail = (email: string) => mailbox.next(email, (m) => m.text.includes('/l/admin-invitation/'));
  const adminCount = async (email: string) =>
    (
      await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM organisation_admins a JOIN users u ON u.id = a.user_id WHERE a.organisation_id = $1 AND u.email = $2`, [
          org.id,
          email,
        ])
    )[0].n as number;

  it('emails the invitee, from the organisation, an admin-invitation link; a GET changes nothing; the password of the account makes it ADMIN', async () => {
    const invitee = await registerUser(t, 'Existing Admin');
    await inviteAdmin(invitee.email);
    const mail = await adminMail(invitee.email);
    expect(mail.from.name).toBe(`${orgName} (via Marea)`);
    expect(mail.subject).toContain(orgName);
    expect(mail.text).toContain('Ada Admin invites you to become an admin of');
    expect(mail.text).toContain(`Sent for ${orgName} by Marea.`);
    const path = pathOf(linkIn(mail, 'admin-invitation').url);

    // A scanner's GET shows the form and changes nothing.
    const page = await get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="password">');
    expect(html).not.toContain('displayName');
    expect(await adminCount(invitee.email)).toBe(0);
    expect((await get(path)).status).toBe(200);

    const wrong = await post(path, { password: 'not my password' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('That password is not right.');
    expect(await adminCount(invitee.email)).toBe(0);
    const done = await post(path, { password: PASSWORD });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You have accepted the invitation');
    expect(await adminCount(invitee.email)).toBe(1);
    expect(
      ok(await t.gql(`query($slug: String!) { organisation(slug: $slug) { viewerIsAdmin } }`, { slug: org.slug }, invitee.token)).organisation.viewerIsAdmin,
    ).toBe(true);
    expect((await post(path, { password: PASSWORD })).status).toBe(410);
  });

  it('an address without an account registers on the page (verified) and becomes ADMIN', async () => {
    const email = address('new-admin');
    await inviteAdmin(email);
    const path = pathOf(linkIn(await adminMail(email), 'admin-invitation').url);
    const html = await (await get(path)).text();
    expect(html).toContain('<label for="displayName">');
    expect(html).toContain('<label for="password">');
    expect((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]))[0].n).toBe(0);

    const short = await post(path, { displayName: 'Nadia', password: 'short' });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('10 to 200 characters');
    expect((await post(path, { displayName: 'Nadia Newadmin', password: PASSWORD })).status).toBe(200);

    const signedIn = ok(await t.gql(LOGIN_ONLY, { input: { email, password: PASSWORD } })).login;
    expect(signedIn.user.emailVerified).toBe(true);
    expect(await adminCount(email)).toBe(1);
  });

  it('a revoked invitation’s page refuses, and nobody becomes ADMIN', async () => {
    const email = address('revoked-admin');
    const { invitation } = await inviteAdmin(email);
    const path = pathOf(linkIn(await adminMail(email), 'admin-invitation').url);
    expect(ok(await t.gql(REVOKE_ADMIN, { id: invitation.id }, admin.token)).revokeAdminInvitation).toBe(true);
    expect((await get(path)).status).toBe(410);
    expect((await post(path, { displayName: 'Rita Revoked', password: PASSWORD })).status).toBe(410);
    expect((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]))[0].n).toBe(0);
  });

  it('the inviter’s token does not open the page, but the emailed token works in acceptAdminInvitation for the invited account', async () => {
    const invitee = await registerUser(t);
    const other = await registerUser(t);
    const { token: inviterToken } = await inviteAdmin(invitee.email);
    expect((await get(`/l/admin-invitation/${encodeURIComponent(inviterToken)}`)).status).toBe(410);
    expect((await post(`/l/admin-invitation/${encodeURIComponent(inviterToken)}`, { password: PASSWORD })).status).toBe(410);
    const { token } = linkIn(await adminMail(invitee.email), 'admin-invitation');
    fails(await t.gql(ACCEPT_ADMIN, { token }, other.token), 'FORBIDDEN');
    expect(ok(await t.gql(ACCEPT_ADMIN, { token }, invitee.token)).acceptAdminInvitation).toEqual({ id: org.id, viewerIsAdmin: true });
  });
});
