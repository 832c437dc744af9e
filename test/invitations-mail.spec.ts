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
