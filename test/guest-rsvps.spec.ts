import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { badInput, fails, ok } from './support/expectations';
import { createApiKey, createChapter, createEvent, createOrganisation, PASSWORD, publishEvent, registerUser, TestUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { linkIn, Mailbox, ReceivedMail } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const unique = () => randomBytes(4).toString('hex');
const address = (label: string) => `${label}-${unique()}@example.org`;
/** Headers that differ between any two responses whatever they answer. */
const VOLATILE = new Set(['date', 'x-request-id', 'request-id', 'x-correlation-id']);

const GUEST_RSVP = `mutation($input: GuestRsvpInput!) { rsvpAsGuest(input: $input) { event { id title } } }`;
const CONFIRM = `mutation($t: String!) { confirmGuestRsvp(token: $t) { id status waitlistPosition name email } }`;
const CANCEL = `mutation($t: String!) { cancelGuestRsvp(token: $t) { id status waitlistPosition } }`;
const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id status } } }`;
const COUNTS = `query($id: ID!) { event(id: $id) { goingCount waitlistCount } }`;
const VIEW = `query($id: ID!) { event(id: $id) { viewerAttendance { id status } onlineUrl } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) }`;
const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) { accessToken } }`;

const isConfirmLink = (m: ReceivedMail) => m.subject.startsWith('Confirm your place');
const isManageNote = (m: ReceivedMail) => m.subject.startsWith('You already have a place');

describe('guest RSVPs (confirmed by emailed link)', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let db: Client;
  let organiser: TestUser;
  let org: { id: string };
  let chapter: { id: string };

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    t = await startTestApp({}, { mailbox });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    organiser = await registerUser(t, 'Olga Organiser');
    org = await createOrganisation(t, organiser);
    chapter = await createChapter(t, organiser, org.id);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await mailbox?.close();
  });

  async function published(extra: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
    const event = await createEvent(t, organiser, chapter.id, { onlineUrl: 'https://meet.example.org/secret', ...extra });
    await publishEvent(t, organiser, event.id);
    return event;
  }

  /** The whole HTTP answer, as bytes and headers, for comparisons. */
  async function raw(query: string, variables: Record<string, unknown>) {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const headers = [...response.headers.entries()].filter(([name]) => !VOLATILE.has(name)).sort();
    return { status: response.status, headers, body: await response.text() };
  }

  const guestRsvp = (eventId: string, email: string, name = 'Gina Guest', extra: Record<string, unknown> = {}) =>
    t.gql(GUEST_RSVP, { input: { eventId, guest: { name, email, ...extra } } });

  /** RSVPs as a guest and returns the token of the link that arrives. */
  async function rsvpLink(eventId: string, email: string, name = 'Gina Guest'): Promise<string> {
    ok(await guestRsvp(eventId, email, name));
    return linkIn(await mailbox.next(email, isConfirmLink), 'rsvp').token;
  }

  const counts = async (eventId: string) => ok(await t.gql(COUNTS, { id: eventId }, organiser.token)).event;
  const liveRows = async (eventId: string) =>
    (
      await db.query(`SELECT email, status, waitlist_position AS position FROM attendances WHERE event_id = $1 AND status <> 'CANCELLED' ORDER BY created_at`, [
        eventId,
      ])
    ).rows;

  it('answers byte for byte the same for a new, a pending, a confirmed and an account holder’s address, and mails each what fits', async () => {
    const event = await published();
    const fresh = address('new');
    const pending = address('pending');
    const confirmed = address('confirmed');
    const member = await registerUser(t, 'Mara Member');
    await rsvpLink(event.id, pending);
    ok(await t.gql(CONFIRM, { t: await rsvpLink(event.id, confirmed) }));
    await mailbox.next(confirmed, (m) => m.subject.startsWith('You are going'));
    ok(await t.gql(RSVP, { input: { eventId: event.id } }, member.token));
    await mailbox.next(member.email, (m) => m.subject.startsWith('You are going'));
    const before = await liveRows(event.id);

    const answers = [];
    for (const email of [fresh, pending, confirmed, member.email])
      answers.push(await raw(GUEST_RSVP, { input: { eventId: event.id, guest: { name: 'Someone', email } } }));
    expect(answers[0].status).toBe(200);
    expect(JSON.parse(answers[0].body)).toEqual({ data: { rsvpAsGuest: { event: { id: event.id, title: event.title } } } });
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    // The request path wrote no attendance: the counts are unchanged.
    expect(await liveRows(event.id)).toEqual(before);

    // What differs reaches only the owners: a confirm link for the new and the pending address, a note with a manage link for the others.
    linkIn(await mailbox.next(fresh, isConfirmLink), 'rsvp');
    linkIn(await mailbox.next(pending, isConfirmLink), 'rsvp');
    const toConfirmed = await mailbox.next(confirmed, isManageNote);
    expect(toConfirmed.text).toContain('(going)');
    linkIn(toConfirmed, 'rsvp');
    linkIn(await mailbox.next(member.email, isManageNote), 'rsvp');
    await jobsSettled(t);
    // Nothing changed until a link is followed.
    expect(await liveRows(event.id)).toEqual(before);
    expect(await counts(event.id)).toEqual({ goingCount: 2, waitlistCount: 0 });
  });

  it('creates the place only when the link is confirmed; confirming twice is harmless; a GET of the link page changes nothing', async () => {
    const event = await published();
    const email = address('clicker');
    ok(await guestRsvp(event.id, `  ${email.toUpperCase()} `, 'Lucía Guest'));
    const mail = await mailbox.next(email, isConfirmLink);
    expect(mail.text).toContain(event.title);
    expect(mail.text).not.toContain('https://meet.example.org/secret');
    const mailed = linkIn(mail, 'rsvp');
    // The mailed address is PUBLIC_URL's; the page is served by this app.
    const link = { token: mailed.token, url: `${t.url}${new URL(mailed.url).pathname}` };

    // A mail scanner following the link: a page with one button, and nothing happens.
    for (let i = 0; i < 2; i++) {
      const page = await fetch(link.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(event.title);
      expect(html).toContain('Confirm my place');
      expect(html.match(/<form /g)).toHaveLength(1);
    }
    expect(await liveRows(event.id)).toEqual([]);

    const first = ok(await t.gql(CONFIRM, { t: link.token })).confirmGuestRsvp;
    expect(first).toMatchObject({ status: 'GOING', waitlistPosition: null, name: 'Lucía Guest', email });
    const again = ok(await t.gql(CONFIRM, { t: link.token })).confirmGuestRsvp;
    expect(again.id).toBe(first.id);
    expect(await counts(event.id)).toEqual({ goingCount: 1, waitlistCount: 0 });
    const confirmation = await mailbox.next(email, (m) => m.subject.startsWith('You are going'));
    // GOING: the confirmation carries the online link and a link to manage the place.
    expect(confirmation.text).toContain('https://meet.example.org/secret');
    linkIn(confirmation, 'rsvp');

    // The page now offers cancelling; its POST cancels.
    const page = await (await fetch(link.url)).text();
    expect(page).toContain('Cancel my place');
    const posted = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=cancel' });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('Your place is cancelled');
    expect(await counts(event.id)).toEqual({ goingCount: 0, waitlistCount: 0 });
    // And the same link confirms again: a new place.
    const back = await fetch(link.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=confirm' });
    expect(await back.text()).toContain('Your place is confirmed');
    expect(await counts(event.id)).toEqual({ goingCount: 1, waitlistCount: 0 });
  });

  it('applies capacity and the waitlist at confirmation, in the order of confirmation; cancelling promotes the first waiting', async () => {
    const event = await published({ capacity: 2 });
    const people = [address('a'), address('b'), address('c'), address('d')];
    const links = [];
    for (const email of people) links.push(await rsvpLink(event.id, email));
    // Confirmed in reverse order of asking: the places go to who confirms first.
    for (const token of [...links].reverse()) ok(await t.gql(CONFIRM, { t: token }));
    expect(await liveRows(event.id)).toEqual([
      { email: people[3], status: 'GOING', position: null },
      { email: people[2], status: 'GOING', position: null },
      { email: people[1], status: 'WAITLISTED', position: 1 },
      { email: people[0], status: 'WAITLISTED', position: 2 },
    ]);
    const waiting = await mailbox.next(people[1], (m) => m.subject.startsWith('You are on the waitlist'));
    expect(waiting.text).toContain('number 1 on the waitlist');
    expect(waiting.text).not.toContain('https://meet.example.org/secret');

    expect(ok(await t.gql(CANCEL, { t: links[3] })).cancelGuestRsvp).toMatchObject({ status: 'CANCELLED', waitlistPosition: null });
    expect(await liveRows(event.id)).toEqual([
      { email: people[2], status: 'GOING', position: null },
      { email: people[1], status: 'GOING', position: null },
      { email: people[0], status: 'WAITLISTED', position: 1 },
    ]);
    const promoted = await mailbox.next(people[1], (m) => m.subject.startsWith('A place freed up'));
    expect(promoted.text).toContain('https://meet.example.org/secret');
    // Nothing left to cancel with that link.
    fails(await t.gql(CANCEL, { t: links[3] }), 'NOT_FOUND');
    expect(await counts(event.id)).toEqual({ goingCount: 2, waitlistCount: 1 });
  });

  it('answers unknown links with BAD_USER_INPUT naming the token, and a link of another kind does not work', async () => {
    badInput(await t.gql(CONFIRM, { t: 'not-a-token' }), 'token');
    badInput(await t.gql(CANCEL, { t: 'not-a-token' }), 'token');
    const event = await published();
    const token = await rsvpLink(event.id, address('kind'));
    badInput(await t.gql(`mutation($t: String!) { unsubscribe(token: $t) }`, { t: token }), 'token');
    expect((await fetch(`${t.url}/l/unsubscribe/${encodeURIComponent(token)}`)).status).toBe(410);
  });

  it('records contact consent with the wording shown (or the current one); an unknown wording is BAD_USER_INPUT naming guest.consentWordingId', async () => {
    const event = await published();
    const wording = ok(
      await t.gql(
        `mutation($o: ID!) { setConsentWording(organisationId: $o, text: "We may write to you about our events.") { id } }`,
        { o: org.id },
        organiser.token,
      ),
    ).setConsentWording;
    const newer = ok(
      await t.gql(`mutation($o: ID!) { setConsentWording(organisationId: $o, text: "Newer wording.") { id } }`, { o: org.id }, organiser.token),
    ).setConsentWording;
    badInput(
      await guestRsvp(event.id, address('x'), 'X', { contactConsent: true, consentWordingId: '00000000-0000-4000-8000-000000000000' }),
      'guest.consentWordingId',
    );
    badInput(await guestRsvp(event.id, address('x'), 'X', { contactConsent: true, consentWordingId: 'nope' }), 'guest.consentWordingId');
    const shown = address('shown');
    const current = address('current');
    const none = address('none');
    ok(await guestRsvp(event.id, shown, 'Shown', { contactConsent: true, consentWordingId: wording.id }));
    ok(await guestRsvp(event.id, current, 'Current', { contactConsent: true }));
    ok(await guestRsvp(event.id, none, 'None'));
    for (const email of [shown, current, none]) ok(await t.gql(CONFIRM, { t: linkIn(await mailbox.next(email, isConfirmLink), 'rsvp').token }));
    const rows = (
      await db.query(`SELECT email, contact_consent, consent_wording_id, consented_at IS NOT NULL AS dated FROM attendances WHERE event_id = $1`, [event.id])
    ).rows;
    const byEmail = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(byEmail[shown]).toMatchObject({ contact_consent: true, consent_wording_id: wording.id, dated: true });
    expect(byEmail[current]).toMatchObject({ contact_consent: true, consent_wording_id: newer.id, dated: true });
    expect(byEmail[none]).toMatchObject({ contact_consent: false, consent_wording_id: null, dated: false });
  });

  it('takes PUBLIC published events only: others are NOT_FOUND as for an unknown id; a cancelled one is CONFLICT', async () => {
    const chapterOnly = await published({ visibility: 'CHAPTER' });
    const draft = await createEvent(t, organiser, chapter.id);
    const missing = fails(await guestRsvp('00000000-0000-4000-8000-000000000000', address('x')), 'NOT_FOUND');
    for (const id of [chapterOnly.id, draft.id]) {
      expect(fails(await guestRsvp(id, address('x')), 'NOT_FOUND').message).toBe(missing.message);
      expect(fails(await t.gql(GUEST_RSVP, { input: { eventId: id, guest: { name: 'O', email: address('x') } } }, organiser.token), 'NOT_FOUND').message).toBe(
        missing.message,
      );
    }
    const cancelled = await published();
    ok(await t.gql(`mutation($id: ID!) { cancelEvent(id: $id) { id } }`, { id: cancelled.id }, organiser.token));
    fails(await guestRsvp(cancelled.id, address('x')), 'CONFLICT');
    badInput(await guestRsvp(cancelled.id, 'not-an-email'), 'guest.email');
  });

  it('confirms an EVENTS_WRITE key’s guests at once (its partner confirmed them on its own form) and mails them a confirmation', async () => {
    const event = await published();
    const key = await createApiKey(t, organiser, org.id, ['EVENTS_WRITE']);
    const email = address('partner');
    expect(ok(await t.gql(GUEST_RSVP, { input: { eventId: event.id, guest: { name: 'Pat Partner', email } } }, key.secret)).rsvpAsGuest.event.id).toBe(
      event.id,
    );
    expect(await liveRows(event.id)).toEqual([{ email, status: 'GOING', position: null }]);
    const confirmation = await mailbox.next(email, (m) => m.subject.startsWith('You are going'));
    linkIn(confirmation, 'rsvp');
  });

  it('registering with a guest’s address shows nothing of their RSVP until the address is verified', async () => {
    const event = await published();
    const guest = address('victim');
    ok(await t.gql(CONFIRM, { t: await rsvpLink(event.id, guest, 'Vera Victim') }));
    await mailbox.next(guest, (m) => m.subject.startsWith('You are going'));

    // Someone else registers the guest's address: no session, so nothing to see; the owner is mailed a link.
    ok(await t.gql(REGISTER, { input: { email: guest, password: PASSWORD, displayName: 'Impostor' } }));
    const verify = linkIn(await mailbox.next(guest, (m) => m.text.includes('/l/verify-email/')), 'verify-email');
    fails(await t.gql(LOGIN, { input: { email: guest, password: PASSWORD } }), 'UNAUTHENTICATED');
    // An account that exists but is unverified does not take the place over.
    expect((await db.query(`SELECT user_id FROM attendances WHERE event_id = $1`, [event.id])).rows).toEqual([{ user_id: null }]);

    // Only whoever reads the inbox can finish: then the RSVP (and the place's online link) is theirs.
    const owner = ok(await t.gql(VERIFY, { token: verify.token })).verifyEmail;
    const seen = ok(await t.gql(VIEW, { id: event.id }, owner.accessToken)).event;
    expect(seen.viewerAttendance).toMatchObject({ status: 'GOING' });
    expect(seen.onlineUrl).toBe('https://meet.example.org/secret');
  });

  it('is rate limited per client IP like signing', async () => {
    // Its own database, so no other test's requests count; the limit is spent before the event is looked up.
    const limited = await startTestApp({ RATE_LIMIT_GUEST_RSVP_PER_MINUTE: '2' });
    try {
      const eventId = '00000000-0000-4000-8000-000000000000';
      for (let i = 0; i < 2; i++) fails(await limited.gql(GUEST_RSVP, { input: { eventId, guest: { name: 'L', email: address('limit') } } }), 'NOT_FOUND');
      const third = await limited.gql(GUEST_RSVP, { input: { eventId, guest: { name: 'L', email: address('limit') } } });
      expect(fails(third, 'RATE_LIMITED').extensions.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
