import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { fails, ok } from './support/expectations';
import { login, PASSWORD, registerUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { linkIn, Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

import { REGISTER } from './support/documents';
const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) { accessToken refreshToken user { id email displayName emailVerified } } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken user { id } } }`;
const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { accessToken refreshToken user { id emailVerified } } }`;
const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken } }`;
const REQUEST_CHANGE = `mutation($newEmail: String!, $password: String!) { requestEmailChange(newEmail: $newEmail, password: $password) }`;
const CONFIRM_CHANGE = `mutation($token: String!) { confirmEmailChange(token: $token) { id email emailVerified } }`;
const ME = `{ me { id email displayName emailVerified } }`;

const unique = () => randomBytes(4).toString('hex');
const address = (label: string) => `${label}-${unique()}@example.org`;
/** Headers that differ between any two responses whatever they answer. */
const VOLATILE = new Set(['date', 'x-request-id', 'request-id', 'x-correlation-id']);

interface RawAnswer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

describe('accounts (verified by email)', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    t = await startTestApp({}, { mailbox });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await mailbox?.close();
  });

  /** The whole HTTP answer, as bytes and headers, for comparisons. */
  async function raw(query: string, variables: Record<string, unknown>): Promise<RawAnswer> {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const headers = [...response.headers.entries()].filter(([name]) => !VOLATILE.has(name)).sort();
    return { status: response.status, headers, body: await response.text() };
  }

  /** An account that registered and never followed its link; returns that link's token. */
  async function unverified(email: string, name = 'Pending Person'): Promise<string> {
    ok(await t.gql(REGISTER, { input: { email, password: PASSWORD, displayName: name } }));
    return linkIn(await mailbox.next(email, (m) => m.text.includes('/l/verify-email/')), 'verify-email').token;
  }

  describe('register', () => {
    it('answers byte for byte the same for a new, an unverified and a verified address, and mails each owner what fits', async () => {
      const fresh = address('new');
      const pending = address('pending');
      await unverified(pending);
      const verified = await registerUser(t, 'Verified Person');

      const answers = [];
      for (const email of [fresh, pending, verified.email]) {
        answers.push(await raw(REGISTER, { input: { email, password: 'another long password', displayName: 'Someone' } }));
      }
      expect(answers[0].status).toBe(200);
      expect(answers[0].body).toBe('{"data":{"register":true}}\n');
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);

      const toNew = await mailbox.next(fresh);
      expect(toNew.subject).toBe('Confirm your email address for Marea');
      linkIn(toNew, 'verify-email');
      const toPending = await mailbox.next(pending);
      expect(toPending.subject).toBe('Confirm your email address for Marea');
      const toVerified = await mailbox.next(verified.email);
      expect(toVerified.subject).toBe('You already have a Marea account');
      linkIn(toVerified, 'reset-password');
      // Nothing changed for the verified account: its password still signs in, and it is still one account.
      ok(await t.gql(LOGIN, { input: { email: verified.email, password: PASSWORD } }));
      expect((await db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [verified.email])).rows[0].n).toBe(1);
    });

    it('every message has a plain-text part and an HTML part, from MAIL_FROM', async () => {
      const email = address('parts');
      ok(await t.gql(REGISTER, { input: { email, password: PASSWORD, displayName: 'Ana & <Bea>' } }));
      const mail = await mailbox.next(email);
      expect(mail.text).toContain('Hello Ana & <Bea>,');
      expect(mail.html).toContain('Hello Ana &amp; &lt;Bea&gt;,');
      expect(mail.from.address).toBe('no-reply@marea.localhost');
      expect(mail.html).toContain(`href="${linkIn(mail, 'verify-email').url}"`);
    });

    it('is rate limited per client IP like signing', async () => {
      const limited = await startTestApp({ RATE_LIMIT_REGISTER_PER_MINUTE: '2' });
      try {
        for (let i = 0; i < 2; i++) ok(await limited.gql(REGISTER, { input: { email: address('limit'), password: PASSWORD, displayName: 'L' } }));
        const third = await limited.gql(REGISTER, { input: { email: address('limit'), password: PASSWORD, displayName: 'L' } });
        expect(fails(third, 'RATE_LIMITED').extensions.retryAfterSeconds).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });

  describe('verifyEmail', () => {
    it('verifies the address, applies the registration the link was sent for, and signs in; once', async () => {
      const email = address('verify');
      ok(await t.gql(REGISTER, { input: { email, password: 'first password 123', displayName: 'First Try' } }));
      const first = linkIn(await mailbox.next(email), 'verify-email');
      ok(await t.gql(REGISTER, { input: { email, password: 'second password 123', displayName: 'Second Try' } }));
      const second = linkIn(await mailbox.next(email), 'verify-email');

      const res = ok(await t.gql(VERIFY, { token: second.token })).verifyEmail;
      expect(res.user).toMatchObject({ email, displayName: 'Second Try', emailVerified: true });
      expect(ok(await t.gql(ME, {}, res.accessToken)).me).toMatchObject({ id: res.user.id, emailVerified: true });
      // The owner chose the second registration: its password signs in, the first one does not.
      fails(await t.gql(LOGIN, { input: { email, password: 'first password 123' } }), 'UNAUTHENTICATED');
      ok(await t.gql(LOGIN, { input: { email, password: 'second password 123' } }));
      // Spent, and the older link with it.
      fails(await t.gql(VERIFY, { token: second.token }), 'BAD_USER_INPUT');
      fails(await t.gql(VERIFY, { token: first.token }), 'BAD_USER_INPUT');
    });

    it('refuses an unknown token with BAD_USER_INPUT', async () => {
      fails(await t.gql(VERIFY, { token: randomBytes(32).toString('base64url') }), 'BAD_USER_INPUT');
    });
  });

  describe('login', () => {
    it('refuses an unverified account with the very answer a wrong password gets, and mails its owner a new link', async () => {
      const email = address('unverified');
      await unverified(email);
      const wrongPassword = await raw(LOGIN, { input: { email, password: 'not the password' } });
      const rightPassword = await raw(LOGIN, { input: { email, password: PASSWORD } });
      const unknown = await raw(LOGIN, { input: { email: address('nobody'), password: PASSWORD } });
      expect(JSON.parse(rightPassword.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(rightPassword).toEqual(wrongPassword);
      expect(unknown).toEqual(wrongPassword);

      const { token } = linkIn(await mailbox.next(email), 'verify-email');
      await jobsSettled(t);
      // Only the right password sent a link.
      expect(mailbox.to(email)).toHaveLength(2);
      ok(await t.gql(VERIFY, { token }));
      ok(await t.gql(LOGIN, { input: { email, password: PASSWORD } }));
    });
  });

  describe('password reset', () => {
    it('requestPasswordReset answers byte for byte the same for a new, an unverified and a verified address', async () => {
      const fresh = address('reset-new');
      const pending = address('reset-pending');
      await unverified(pending);
      const verified = await registerUser(t);
      const answers = [];
      for (const email of [fresh, pending, verified.email]) answers.push(await raw(REQUEST_RESET, { email }));
      expect(answers[0]).toMatchObject({ status: 200, body: '{"data":{"requestPasswordReset":true}}\n' });
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);

      expect((await mailbox.next(verified.email)).subject).toBe('Choose a new Marea password');
      expect((await mailbox.next(pending)).subject).toBe('Choose a new Marea password');
      await jobsSettled(t);
      expect(mailbox.to(fresh)).toHaveLength(0);
    });

    it('resetPassword sets the password, ends every other session, verifies the address and signs in', async () => {
      const user = await registerUser(t);
      const otherSession = await login(t, user.email);
      await db.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 99, 9999999999999)`, [`login-failures:${sha256(user.email)}`]);
      ok(await t.gql(REQUEST_RESET, { email: user.email }));
      const { token } = linkIn(await mailbox.next(user.email), 'reset-password');

      fails(await t.gql(RESET, { token, password: 'short' }), 'BAD_USER_INPUT');
      const res = ok(await t.gql(RESET, { token, password: 'a brand new password' })).resetPassword;
      expect(res.user).toEqual({ id: user.id, emailVerified: true });
      // The per-email failure limit is cleared (checked before the wrong password below counts a new failure).
      expect((await db.query('SELECT count(*)::int AS n FROM rate_limits WHERE key = $1', [`login-failures:${sha256(user.email)}`])).rows[0].n).toBe(0);
      fails(await t.gql(REFRESH, { token: user.refreshToken }), 'UNAUTHENTICATED');
      fails(await t.gql(REFRESH, { token: otherSession.refreshToken }), 'UNAUTHENTICATED');
      ok(await t.gql(REFRESH, { token: res.refreshToken }));
      fails(await t.gql(LOGIN, { input: { email: user.email, password: PASSWORD } }), 'UNAUTHENTICATED');
      ok(await t.gql(LOGIN, { input: { email: user.email, password: 'a brand new password' } }));
      // Single use.
      fails(await t.gql(RESET, { token, password: 'yet another password' }), 'BAD_USER_INPUT');
    });

    it('a reset link verifies an unverified account (the link proved the address)', async () => {
      const email = address('reset-verifies');
      await unverified(email);
      ok(await t.gql(REQUEST_RESET, { email }));
      const { token } = linkIn(await mailbox.next(email), 'reset-password');
      expect(ok(await t.gql(RESET, { token, password: 'chosen by the owner' })).resetPassword.user.emailVerified).toBe(true);
    });
  });

  describe('email change', () => {
    it('needs the password, mails the new address, and when followed changes it and tells the old one', async () => {
      const user = await registerUser(t, 'Mover');
      const newEmail = address('moved');
      fails(await t.gql(REQUEST_CHANGE, { newEmail, password: 'wrong password!' }, user.token), 'BAD_USER_INPUT');
      fails(await t.gql(REQUEST_CHANGE, { newEmail, password: PASSWORD }), 'UNAUTHENTICATED');
      expect(ok(await t.gql(REQUEST_CHANGE, { newEmail: ` ${newEmail.toUpperCase()}`, password: PASSWORD }, user.token)).requestEmailChange).toBe(true);

      const { token } = linkIn(await mailbox.next(newEmail), 'change-email');
      expect(ok(await t.gql(ME, {}, user.token)).me.email).toBe(user.email);
      expect(ok(await t.gql(CONFIRM_CHANGE, { token })).confirmEmailChange).toEqual({ id: user.id, email: newEmail, emailVerified: true });
      const notice = await mailbox.next(user.email);
      expect(notice.subject).toBe('Your Marea email address was changed');
      expect(notice.text).not.toContain(newEmail);
      ok(await t.gql(LOGIN, { input: { email: newEmail, password: PASSWORD } }));
      fails(await t.gql(LOGIN, { input: { email: user.email, password: PASSWORD } }), 'UNAUTHENTICATED');
      fails(await t.gql(CONFIRM_CHANGE, { token }), 'BAD_USER_INPUT');
    });

    it('a taken address is answered the same and handled by mail to its owner', async () => {
      const user = await registerUser(t);
      const owner = await registerUser(t);
      expect(ok(await t.gql(REQUEST_CHANGE, { newEmail: owner.email, password: PASSWORD }, user.token)).requestEmailChange).toBe(true);
      expect((await mailbox.next(owner.email)).subject).toBe('Someone tried to use your email address on Marea');
      expect(ok(await t.gql(ME, {}, user.token)).me.email).toBe(user.email);
    });
  });

  describe('what was done with an address', () => {
    it('an RSVP made with an address shows to an account with that address only once it is verified', async () => {
      const admin = await registerUser(t);
      const org = ok(await t.gql(`mutation { createOrganisation(input: { name: "Friends ${unique()}" }) { id } }`, {}, admin.token)).createOrganisation;
      const chapter = ok(
        await t.gql(
          `mutation($o: ID!) { createChapter(input: { organisationId: $o, name: "Leeds", timeZone: "Europe/London" }) { id } }`,
          { o: org.id },
          admin.token,
        ),
      ).createChapter;
      const startsAt = new Date(Date.now() + 86_400_000);
      const event = ok(
        await t.gql(
          `mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`,
          {
            input: {
              chapterId: chapter.id,
              title: 'Vigil',
              startsAt: startsAt.toISOString(),
              endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
              timeZone: 'Europe/London',
              onlineUrl: 'https://meet.example.org/secret',
            },
          },
          admin.token,
        ),
      ).createEvent;
      ok(await t.gql(`mutation($id: ID!) { publishEvent(id: $id) { id } }`, { id: event.id }, admin.token));
      const guestEmail = address('guest');
      ok(
        await t.gql(`mutation($input: GuestRsvpInput!) { rsvpAsGuest(input: $input) { event { id } } }`, {
          input: { eventId: event.id, guest: { name: 'Guest', email: guestEmail } },
        }),
      );
      const rsvpLink = linkIn(await mailbox.next(guestEmail, (m) => m.text.includes('/l/rsvp/')), 'rsvp');
      ok(await t.gql(`mutation($t: String!) { confirmGuestRsvp(token: $t) { id } }`, { t: rsvpLink.token }));
      await mailbox.next(guestEmail, (m) => m.subject.startsWith('You are going'));
      const VIEW = `query($id: ID!) { event(id: $id) { viewerAttendance { id } onlineUrl } }`;

      // Registering the guest's address gives no session and shows nothing until the link is followed.
      const token = await unverified(guestEmail, 'Impostor');
      fails(await t.gql(LOGIN, { input: { email: guestEmail, password: PASSWORD } }), 'UNAUTHENTICATED');
      await mailbox.next(guestEmail); // the new link that sign-in attempt sent
      const owner = ok(await t.gql(VERIFY, { token })).verifyEmail;
      const seen = ok(await t.gql(VIEW, { id: event.id }, owner.accessToken)).event;
      expect(seen.viewerAttendance).not.toBeNull();
      expect(seen.onlineUrl).toBe('https://meet.example.org/secret');
    });
  });
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
