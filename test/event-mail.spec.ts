import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ok } from './support/expectations';
import { createApiKey, createChapter, createEvent, createOrganisation, publishEvent, registerUser, TestUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { linkIn, Mailbox, ReceivedMail } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const unique = () => randomBytes(4).toString('hex');
const address = (label: string) => `${label}-${unique()}@example.org`;
const HOUR = 3600_000;
const GUEST_RSVP = `mutation($input: GuestRsvpInput!) { rsvpAsGuest(input: $input) { event { id } } }`;

/** Every header of a message as text, whatever shape mailparser gave it. */
function headerText(mail: ReceivedMail): string {
  return JSON.stringify([...mail.headers.entries()]);
}

/** The one-click unsubscribe URL of a message's List-Unsubscribe header. */
function oneClickUrl(mail: ReceivedMail): string {
  const match = /(https?:\/\/[^"<>\s]+\/unsubscribe\/[A-Za-z0-9_%-]+)/.exec(headerText(mail));
  if (!match) throw new Error(`No List-Unsubscribe URL in "${mail.subject}": ${headerText(mail)}`);
  return match[1];
}

/** A mailed address (on PUBLIC_URL) as served by `app`. */
const served = (app: TestApp, url: string) => `${app.url}${new URL(url).pathname}`;

describe('event mail', () => {
  let mailbox: Mailbox;
  let a: TestApp;
  let b: TestApp;
  let db: Client;
  let organiser: TestUser;
  let chapter: { id: string };
  let key: { secret: string };

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    a = await startTestApp({}, { mailbox });
    // A second instance on the same database, with its own workers.
    b = await startTestApp({}, { mailbox, databaseUrl: a.databaseUrl });
    db = new Client({ connectionString: a.databaseUrl });
    await db.connect();
    organiser = await registerUser(a, 'Olga Organiser');
    const org = await createOrganisation(a, organiser);
    chapter = await createChapter(a, organiser, org.id);
    key = await createApiKey(a, organiser, org.id, ['EVENTS_WRITE']);
  });
  afterAll(async () => {
    await db?.end();
    await b?.close();
    await a?.close();
    await mailbox?.close();
  });

  /** A published PUBLIC event starting `hours` from now. */
  async function eventIn(hours: number, extra: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
    const startsAt = new Date(Date.now() + hours * HOUR);
    const event = await createEvent(a, organiser, chapter.id, {
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * HOUR).toISOString(),
      onlineUrl: 'https://meet.example.org/vigil',
      ...extra,
    });
    await publishEvent(a, organiser, event.id);
    return event;
  }

  /** Guests a partner's key put on the event (confirmed at once), each after their confirmation mail. */
  async function guests(eventId: string, count: number, label = 'guest'): Promise<string[]> {
    const emails = Array.from({ length: count }, () => address(label));
    for (const email of emails) ok(await a.gql(GUEST_RSVP, { input: { eventId, guest: { name: 'Gina Guest', email, contactConsent: true } } }, key.secret));
    for (const email of emails) await mailbox.next(email, (m) => m.subject.startsWith('You are') || m.subject.startsWith('You are on the waitlist'));
    return emails;
  }

  const claimReminders = () => db.query(`SELECT graphile_worker.add_job('events:claim-due-reminders', '{}'::json, max_attempts => 3)`);

  /** Waits until no events job is queued, running or waiting for a retry. */
  async function eventJobsDone(): Promise<void> {
    await jobsSettled([a, b]);
    for (;;) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier LIKE 'events:%'`);
      if (rows[0].n === 0) return;
      await jobsSettled([a, b]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  const remindersTo = (email: string, soon: string) => mailbox.to(email).filter((m) => m.subject.startsWith('Reminder:') && m.subject.endsWith(soon));

  it('sends each reminder exactly once per attendance with two instances and a worker killed mid-batch', async () => {
    const event = await eventIn(23);
    const people = await guests(event.id, 10);
    const [cancelling] = await guests(event.id, 1, 'leaver');
    ok(await a.gql(`mutation($t: String!) { cancelGuestRsvp(token: $t) { id } }`, { t: linkIn(mailbox.to(cancelling)[0], 'rsvp').token }));
    const [last] = (await db.query(`SELECT id FROM attendances WHERE event_id = $1 AND email = $2`, [event.id, people[9]])).rows;

    // Hold one reminder's claim, so the first sweep stops in the middle of its batch.
    const blocker = new Client({ connectionString: a.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO attendance_reminders (attendance_id, kind) VALUES ($1, '24h')`, [last.id]);
      await claimReminders();
      let pid: number | undefined;
      while (!pid) {
        const { rows } = await db.query(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO attendance_reminders%' AND pid <> $1`,
          [(await blocker.query('SELECT pg_backend_pid() AS pid')).rows[0].pid],
        );
        pid = rows[0]?.pid;
      }
      // The worker's connection dies mid-batch: its claims roll back with it.
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    // Both instances sweep at once, and the killed sweep is retried.
    await Promise.all([claimReminders(), claimReminders()]);
    for (const email of people) await mailbox.next(email, (m) => m.subject.startsWith('Reminder:'));
    await eventJobsDone();
    await Promise.all([claimReminders(), claimReminders()]);
    await eventJobsDone();

    for (const email of people) expect(remindersTo(email, 'within a day')).toHaveLength(1);
    expect(mailbox.to(cancelling).filter((m) => m.subject.startsWith('Reminder:'))).toHaveLength(0);
    const claimed = (
      await db.query(
        `SELECT kind, count(*)::int AS n FROM attendance_reminders r JOIN attendances x ON x.id = r.attendance_id WHERE x.event_id = $1 GROUP BY kind`,
        [event.id],
      )
    ).rows;
    expect(claimed).toEqual([{ kind: '24h', n: 10 }]);

    const reminder = remindersTo(people[0], 'within a day')[0];
    expect(reminder.text).toContain('https://meet.example.org/vigil');
    expect(headerText(reminder)).toContain('One-Click');
    oneClickUrl(reminder);

    // An hour before: the 1-hour reminder, once, with both instances sweeping together.
    await db.query(`UPDATE events SET starts_at = now() + interval '50 minutes', ends_at = now() + interval '3 hours' WHERE id = $1`, [event.id]);
    await Promise.all([claimReminders(), claimReminders(), claimReminders()]);
    for (const email of people) await mailbox.next(email, (m) => m.subject.endsWith('within the hour'));
    await eventJobsDone();
    await Promise.all([claimReminders(), claimReminders()]);
    await eventJobsDone();
    for (const email of people) {
      expect(remindersTo(email, 'within the hour')).toHaveLength(1);
      expect(remindersTo(email, 'within a day')).toHaveLength(1);
    }
  });

  it('tells GOING and WAITLISTED people about a change of time or place, and about a cancellation, not about other edits', async () => {
    const event = await eventIn(72, { capacity: 1 });
    const [going] = await guests(event.id, 1, 'going');
    const [waiting] = await guests(event.id, 1, 'waiting');
    const [gone] = await guests(event.id, 1, 'gone');
    ok(await a.gql(`mutation($t: String!) { cancelGuestRsvp(token: $t) { id } }`, { t: linkIn(mailbox.to(gone)[0], 'rsvp').token }));

    ok(await a.gql(`mutation($id: ID!) { updateEvent(id: $id, input: { title: "Renamed vigil" }) { id } }`, { id: event.id }, organiser.token));
    const later = new Date(Date.now() + 96 * HOUR);
    ok(
      await a.gql(
        `mutation($id: ID!, $input: UpdateEventInput!) { updateEvent(id: $id, input: $input) { id } }`,
        { id: event.id, input: { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + HOUR).toISOString() } },
        organiser.token,
      ),
    );
    const toGoing = await mailbox.next(going, (m) => m.subject === 'Changed: Renamed vigil');
    const toWaiting = await mailbox.next(waiting, (m) => m.subject === 'Changed: Renamed vigil');
    expect(toGoing.text).toContain('https://meet.example.org/vigil');
    expect(toWaiting.text).not.toContain('https://meet.example.org/vigil');
    for (const mail of [toGoing, toWaiting]) expect(headerText(mail)).toContain('One-Click');

    ok(await a.gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm warning") { id } }`, { id: event.id }, organiser.token));
    for (const email of [going, waiting]) {
      const notice = await mailbox.next(email, (m) => m.subject === 'Cancelled: Renamed vigil');
      expect(notice.text).toContain('Storm warning');
      oneClickUrl(notice);
    }
    await eventJobsDone();
    // One notice per change: the title edit sent nothing; the person who cancelled got nothing.
    for (const email of [going, waiting]) expect(mailbox.to(email).filter((m) => m.subject.startsWith('Changed:'))).toHaveLength(1);
    expect(mailbox.to(gone).filter((m) => m.subject.startsWith('Changed:') || m.subject.startsWith('Cancelled:'))).toHaveLength(0);
  });

  it('confirms a member’s RSVP by email and tells them when a place frees up for them', async () => {
    const event = await eventIn(48, { capacity: 1 });
    const first = await registerUser(a, 'First Member');
    const second = await registerUser(a, 'Second Member');
    ok(await a.gql(`mutation($e: ID!) { rsvp(input: { eventId: $e }) { attendance { id } } }`, { e: event.id }, first.token));
    ok(await a.gql(`mutation($e: ID!) { rsvp(input: { eventId: $e }) { attendance { id } } }`, { e: event.id }, second.token));
    expect((await mailbox.next(first.email, (m) => m.subject.startsWith('You are going'))).text).not.toContain('/l/rsvp/');
    await mailbox.next(second.email, (m) => m.subject.startsWith('You are on the waitlist'));
    ok(await a.gql(`mutation($e: ID!) { cancelRsvp(eventId: $e) { id } }`, { e: event.id }, first.token));
    const promoted = await mailbox.next(second.email, (m) => m.subject.startsWith('A place freed up'));
    expect(promoted.text).toContain('https://meet.example.org/vigil');
  });

  it('one-click unsubscribe (POST only) stops reminders and updates for the address; a GET changes nothing', async () => {
    const event = await eventIn(70);
    const [leaving, staying] = await guests(event.id, 2, 'unsub');
    await a
      .gql(`mutation($id: ID!) { updateEvent(id: $id, input: { onlineUrl: "https://meet.example.org/moved" }) { id } }`, { id: event.id }, organiser.token)
      .then(ok);
    const notice = await mailbox.next(leaving, (m) => m.subject.startsWith('Changed:'));
    await mailbox.next(staying, (m) => m.subject.startsWith('Changed:'));
    const url = served(a, oneClickUrl(notice));
    const page = { url: served(b, linkIn(notice, 'unsubscribe').url) };
    const preferences = async () => (await db.query(`SELECT count(*)::int AS n FROM email_preferences WHERE event_mail_unsubscribed_at IS NOT NULL`)).rows[0].n;
    const before = await preferences();

    // Scanners: a GET of the one-click address and of the link page unsubscribe nobody.
    expect((await fetch(url)).status).toBe(404);
    const shown = await fetch(page.url);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Unsubscribe');
    expect(await preferences()).toBe(before);

    // RFC 8058: the mail client's POST.
    const posted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(posted.status).toBe(200);
    expect(await preferences()).toBe(before + 1);
    // The contact consent given with the RSVP is withdrawn; the other guest's stays.
    const consent = async (email: string) => (await db.query(`SELECT contact_consent FROM attendances WHERE email = $1`, [email])).rows[0].contact_consent;
    expect([await consent(leaving), await consent(staying)]).toEqual([false, true]);
    // Again, and through the page: harmless.
    expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(200);
    expect((await fetch(page.url, { method: 'POST' })).status).toBe(200);
    expect(await preferences()).toBe(before + 1);

    // Within a day: the sweep claims both reminders, but only the subscribed address is mailed.
    await db.query(`UPDATE events SET starts_at = now() + interval '20 hours', ends_at = now() + interval '22 hours' WHERE id = $1`, [event.id]);
    await claimReminders();
    await mailbox.next(staying, (m) => m.subject.startsWith('Reminder:'));
    ok(await a.gql(`mutation($id: ID!) { cancelEvent(id: $id) { id } }`, { id: event.id }, organiser.token));
    await mailbox.next(staying, (m) => m.subject.startsWith('Cancelled:'));
    await eventJobsDone();
    expect(mailbox.to(leaving).filter((m) => m.subject.startsWith('Reminder:') || m.subject.startsWith('Cancelled:'))).toHaveLength(0);
    // An unknown token is refused and changes nothing.
    expect((await fetch(`${a.url}/unsubscribe/not-a-token`, { method: 'POST' })).status).toBe(404);
  });

  it('runs the reminder sweep on graphile-worker’s cron', async () => {
    const rows = await db.query(`SELECT identifier FROM graphile_worker._private_known_crontabs`);
    expect(rows.rows.map((r: { identifier: string }) => r.identifier)).toContain('events:claim-due-reminders');
  });
});
