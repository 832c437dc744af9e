import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { fails, ok } from './support/expectations';
import { PASSWORD, registerUser } from './support/factories';
import { linkIn, Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const address = (label: string) => `${label}-${randomBytes(4).toString('hex')}@example.org`;

describe('link pages (/l/<kind>/<token>)', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let sql: DataSource;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    t = await startTestApp({ PUBLIC_URL: 'http://marea.test' }, { mailbox });
    sql = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
    await mailbox?.close();
  });

  /** The page at a link's path on this app (links name PUBLIC_URL, the app listens elsewhere). */
  const pathOf = (url: string) => new URL(url).pathname;
  const get = (path: string) => fetch(`${t.url}${path}`, { redirect: 'manual' });
  const post = (path: string, form: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  const verifiedAt = async (email: string) => (await sql.query(`SELECT email_verified_at FROM users WHERE email = $1`, [email]))[0]?.email_verified_at ?? null;

  /** Plain, accessible, safe: one form posting to itself with one button, labelled fields, strict headers, no cookie. */
  async function expectPage(response: Response, path: string, fields: string[]): Promise<string> {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('set-cookie')).toBeNull();
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toContain('<script');
    expect(html.match(/<form method="post" action="([^"]+)">/)?.[1]).toBe(path);
    expect(html.match(/<button/g)).toHaveLength(1);
    for (const field of fields) expect(html).toContain(`<label for="${field}">`);
    expect(html.match(/<input /g)?.length ?? 0).toBe(fields.length);
    return html;
  }

  it('verify-email: a GET (a mail scanner) changes nothing; the button verifies', async () => {
    const email = address('page-verify');
    ok(await t.gql(REGISTER, { input: { email, password: PASSWORD, displayName: 'Page Person' } }));
    const link = linkIn(await mailbox.next(email), 'verify-email');
    expect(link.url.startsWith('http://marea.test/l/verify-email/')).toBe(true);
    const path = pathOf(link.url);

    await expectPage(await get(path), path, []);
    await expectPage(await get(path), path, []);
    expect(await verifiedAt(email)).toBeNull();

    const done = await post(path);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Your address is confirmed');
    expect(await verifiedAt(email)).not.toBeNull();
    expect((await sql.query(`SELECT count(*)::int AS n FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE u.email = $1`, [email]))[0].n).toBe(0);
    ok(await t.gql(LOGIN, { input: { email, password: PASSWORD } }));
    // Spent: the same link now says so.
    expect((await get(path)).status).toBe(410);
    expect((await post(path)).status).toBe(410);
  });

  it('reset-password: a GET changes nothing; the form asks for the new password and the POST sets it', async () => {
    const user = await registerUser(t);
    ok(await t.gql(`mutation($email: String!) { requestPasswordReset(email: $email) }`, { email: user.email }));
    const path = pathOf(linkIn(await mailbox.next(user.email, (m) => m.text.includes('/l/reset-password/')), 'reset-password').url);

    await expectPage(await get(path), path, ['password']);
    expect(
      (await sql.query(`SELECT count(*)::int AS n FROM email_tokens WHERE email = $1 AND kind = 'reset-password' AND used_at IS NULL`, [user.email]))[0].n,
    ).toBe(1);
    ok(await t.gql(LOGIN, { input: { email: user.email, password: PASSWORD } }));

    const tooShort = await post(path, { password: 'short' });
    expect(tooShort.status).toBe(400);
    expect(await tooShort.text()).toContain('role="alert"');
    const done = await post(path, { password: 'chosen on the page' });
    expect(done.status).toBe(200);
    // Every session ended, and the page (which keeps none) started none.
    expect((await sql.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL`, [user.id]))[0].n).toBe(0);
    fails(await t.gql(LOGIN, { input: { email: user.email, password: PASSWORD } }), 'UNAUTHENTICATED');
    ok(await t.gql(LOGIN, { input: { email: user.email, password: 'chosen on the page' } }));
  });

  it('change-email: a GET changes nothing; the button moves the account', async () => {
    const user = await registerUser(t);
    const newEmail = address('page-moved');
    ok(await t.gql(`mutation($e: String!, $p: String!) { requestEmailChange(newEmail: $e, password: $p) }`, { e: newEmail, p: PASSWORD }, user.token));
    const path = pathOf(linkIn(await mailbox.next(newEmail), 'change-email').url);

    await expectPage(await get(path), path, []);
    expect((await sql.query(`SELECT email FROM users WHERE id = $1`, [user.id]))[0].email).toBe(user.email);
    expect((await post(path)).status).toBe(200);
    expect((await sql.query(`SELECT email FROM users WHERE id = $1`, [user.id]))[0].email).toBe(newEmail);
    expect((await mailbox.next(user.email, (m) => m.subject.includes('was changed'))).text).toContain('no longer used');
  });

  it('answers unknown tokens with one expired page that echoes nothing, and unknown kinds with 404', async () => {
    const unknownToken = await get(`/l/verify-email/${randomBytes(32).toString('base64url')}`);
    expect(unknownToken.status).toBe(410);
    expect(await unknownToken.text()).toContain('This link has expired');
    const wrongKind = await get(`/l/verify-email/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(await wrongKind.text()).not.toContain('<script>');
    expect((await get(`/l/no-such-kind/abc`)).status).toBe(404);
    expect((await post(`/l/no-such-kind/abc`)).status).toBe(404);
  });

  it('LINK_URL sends links to a deployment’s own front end', async () => {
    const own = await startTestApp({ LINK_URL: 'https://front.example.org/links/{kind}?t={token}' }, { mailbox });
    try {
      const email = address('front');
      ok(await own.gql(REGISTER, { input: { email, password: PASSWORD, displayName: 'Front' } }));
      const mail = await mailbox.next(email);
      const match = /https:\/\/front\.example\.org\/links\/verify-email\?t=([A-Za-z0-9_-]{43})/.exec(mail.text);
      expect(match).not.toBeNull();
      ok(await own.gql(`mutation($token: String!) { verifyEmail(token: $token) { accessToken } }`, { token: match![1] }));
    } finally {
      await own.close();
    }
  });
});
