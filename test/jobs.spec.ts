import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { inTransaction } from '../src/common/database/transaction';
import { enqueue } from '../src/common/jobs/job';
import { MailService, message } from '../src/common/mail/mail.service';
import { sendPasswordResetMail } from '../src/modules/auth/jobs/send-password-reset-mail.job';
import { emailTakenMail } from '../src/modules/auth/mail/email-taken.mail';
import { ok } from './support/expectations';
import { registerUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { linkIn, Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
const RESET_SUBJECT = 'Choose a new Marea password';

describe('background jobs and mail', () => {
  let mailbox: Mailbox;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    a = await startTestApp({}, { mailbox });
    // A second instance on the same database, with its own workers.
    b = await startTestApp({}, { mailbox, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await mailbox?.close();
  });

  const users = (count: number) => Promise.all(Array.from({ length: count }, () => registerUser(a)));

  it('a job enqueued in a transaction that rolls back never runs; one that commits does', async () => {
    const [rolledBack, committed] = await users(2);
    await expect(
      inTransaction(a.app.get(DataSource), async (manager) => {
        await enqueue(manager, sendPasswordResetMail, { email: rolledBack.email });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await inTransaction(a.app.get(DataSource), (manager) => enqueue(manager, sendPasswordResetMail, { email: committed.email }));

    expect((await mailbox.next(committed.email)).subject).toBe(RESET_SUBJECT);
    await jobsSettled([a, b]);
    expect(mailbox.to(rolledBack.email).filter((m) => m.subject === RESET_SUBJECT)).toHaveLength(0);
  });

  it('a send the SMTP server refuses is retried, and the message arrives once', async () => {
    const [user] = await users(1);
    mailbox.failNext(1);
    ok(await a.gql(REQUEST_RESET, { email: user.email }));
    const mail = await mailbox.next(user.email, (m) => m.subject === RESET_SUBJECT, 20_000);
    await jobsSettled([a, b]);
    expect(mailbox.to(user.email).filter((m) => m.subject === RESET_SUBJECT)).toHaveLength(1);
    // The failed attempt's link never left and no longer works: the one live token is the mailed one.
    const tokens = await a.app
      .get(DataSource)
      .query(
        `SELECT token_hash = encode(sha256(convert_to($2, 'UTF8')), 'hex') AS mailed FROM email_tokens WHERE email = $1 AND kind = 'reset-password' AND used_at IS NULL`,
        [user.email, linkIn(mail, 'reset-password').token],
      );
    expect(tokens).toEqual([{ mailed: true }]);
  });

  it('with two instances each message is sent exactly once', async () => {
    const people = await users(12);
    await Promise.all(people.map((p, i) => (i % 2 ? a : b).gql(REQUEST_RESET, { email: p.email }).then(ok)));
    await Promise.all(people.map((p) => mailbox.next(p.email, (m) => m.subject === RESET_SUBJECT)));
    await jobsSettled([a, b]);
    for (const p of people) expect(mailbox.to(p.email).filter((m) => m.subject === RESET_SUBJECT)).toHaveLength(1);
  });

  it('one cause is mailed once even when two instances send it at the same moment', async () => {
    const to = `cause-${randomBytes(4).toString('hex')}@example.org`;
    const cause = `test-cause:${randomBytes(4).toString('hex')}`;
    const outcomes = await Promise.all([a, b].map((t) => t.app.get(MailService).send(cause, to, async () => message(emailTakenMail, {}))));
    expect(outcomes.sort()).toEqual(['duplicate', 'sent']);
    await mailbox.next(to);
    expect(mailbox.to(to)).toHaveLength(1);
  });

  it('sends at most 5 emails an hour about one address, whoever asks; the rest are dropped', async () => {
    const [user] = await users(1);
    for (let i = 0; i < 7; i++) ok(await (i % 2 ? a : b).gql(REQUEST_RESET, { email: user.email }));
    await jobsSettled([a, b]);
    // The sign-up's verification mail counts too: 1 + 4 resets reach the inbox, 3 resets are dropped.
    expect(mailbox.to(user.email)).toHaveLength(5);
    expect(mailbox.to(user.email).filter((m) => m.subject === RESET_SUBJECT)).toHaveLength(4);
    const rows = await a.app
      .get(DataSource)
      .query(
        `SELECT state, count(*)::int AS n FROM sent_emails WHERE address_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex') GROUP BY state ORDER BY state`,
        [user.email],
      );
    expect(rows).toEqual([
      { state: 'dropped', n: 3 },
      { state: 'sent', n: 5 },
    ]);
  });

  it('workers survive their database connections being cut (as in a database restart) and keep sending', async () => {
    const [user] = await users(1);
    const admin = new Client({ connectionString: a.databaseUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) t`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
      // Enqueued from outside the apps (their request pools are not what this is about): the workers must pick it up.
      await admin.query(`SELECT graphile_worker.add_job($1, $2::json)`, [sendPasswordResetMail.name, JSON.stringify({ email: user.email })]);
    } finally {
      await admin.end();
    }
    expect((await mailbox.next(user.email, (m) => m.subject === RESET_SUBJECT, 30_000)).subject).toBe(RESET_SUBJECT);
  });

  it('the token sweep deletes link tokens a day past expiry and keeps live ones', async () => {
    const sql = a.app.get(DataSource);
    const [stale, live] = [`stale-${randomBytes(4).toString('hex')}`, `live-${randomBytes(4).toString('hex')}`];
    await sql.query(
      `INSERT INTO email_tokens (kind, token_hash, email, expires_at) VALUES ('verify-email', $1, 'x@example.org', now() - interval '2 days'), ('verify-email', $2, 'x@example.org', now() + interval '1 hour')`,
      [stale, live],
    );
    await sql.query(`SELECT graphile_worker.add_job('links:sweep-email-tokens', '{}'::json)`);
    await jobsSettled([a, b]);
    const rows = await sql.query(`SELECT token_hash FROM email_tokens WHERE token_hash = ANY($1)`, [[stale, live]]);
    expect(rows).toEqual([{ token_hash: live }]);
  });

  it('installs the token sweep in graphile-worker’s cron', async () => {
    const rows = await a.app.get(DataSource).query(`SELECT identifier FROM graphile_worker._private_known_crontabs ORDER BY identifier`);
    expect(rows.map((r: { identifier: string }) => r.identifier)).toEqual(expect.arrayContaining(['links:sweep-email-tokens', 'mail:sweep-sent-emails']));
  });
});
