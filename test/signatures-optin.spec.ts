import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { SignatureConfirmationService } from '../src/modules/petitions/signature-confirmation.service';
import { badInput, ok } from './support/expectations';
import { confirmByMail, createApiKey, createOrganisation, createPetition, openPetition, registerUser, TestUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { linkIn, Mailbox, ReceivedMail } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';

const unique = () => randomBytes(4).toString('hex');
const address = (label: string) => `${label}-${unique()}@example.org`;
/** Headers that differ between any two responses whatever they answer. */
const VOLATILE = new Set(['date', 'x-request-id', 'request-id', 'x-correlation-id']);

const SIGN = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id status signatureCount recentSignatures { displayName } } } }`;
const CONFIRM = `mutation($token: String!) { confirmSignature(token: $token) { id signatureCount } }`;
const SIGNATURES = `query($id: ID!) { petition(id: $id) { signatureCount recentSignatures { displayName comment }
  signatures(first: 100) { totalCount edges { node { fullName email comment displayPublicly contactConsent confirmedAt consentWording { id text } } } } } }`;

const isConfirmation = (m: ReceivedMail) => m.text.includes('/l/signature/') && m.subject.startsWith('Confirm your signature');
const isReminder = (m: ReceivedMail) => m.text.includes('/l/signature/') && m.subject.startsWith('Reminder:');
const isAlreadySigned = (m: ReceivedMail) => m.subject.startsWith('You have already signed');

describe('signatures: double opt-in', () => {
  let mailbox: Mailbox;
  let t: TestApp;
  let db: Client;
  let admin: TestUser;
  let org: { id: string; slug: string };

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    // Many signatures from one test client: the per-IP limits are not what these tests are about.
    t = await startTestApp({ RATE_LIMIT_SIGN_PER_MINUTE: '100000', RATE_LIMIT_SIGN_PER_HOUR: '100000' }, { mailbox });
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    admin = await registerUser(t, 'Olga Admin');
    org = await createOrganisation(t, admin);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await mailbox?.close();
  });

  /** An OPEN organisation-wide PUBLIC petition (its admin reads the signatures). */
  async function openOne(extra: Record<string, unknown> = {}): Promise<{ id: string; title: string }> {
    const petition = await createPetition(t, admin, org.id, null, extra);
    await openPetition(t, admin, petition.id);
    return petition;
  }

  const input = (petitionId: string, email: string, extra: Record<string, unknown> = {}) => ({
    petitionId,
    fullName: 'Ana María Quispe',
    email,
    country: 'BO',
    comment: 'Por el río',
    displayPublicly: true,
    contactConsent: true,
    ...extra,
  });

  async function raw(variables: Record<string, unknown>, token?: string) {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: SIGN, variables }),
    });
    const headers = [...response.headers.entries()].filter(([name]) => !VOLATILE.has(name)).sort();
    return { status: response.status, headers, body: await response.text() };
  }

  /** The link page on the test app (the mailed link names PUBLIC_URL). */
  const page = (token: string) => `${t.url}/l/signature/${encodeURIComponent(token)}`;
  const read = async (petitionId: string) => ok(await t.gql(SIGNATURES, { id: petitionId }, admin.token)).petition;
  const csv = async (petitionId: string) =>
    (await fetch(`${t.url}/exports/petitions/${petitionId}/signatures.csv`, { headers: { authorization: `Bearer ${admin.token}` } })).text();

  it('answers byte-identically for a new, a pending and a confirmed address, and mails each owner what fits', async () => {
    const petition = await openOne();
    const pending = address('pending');
    const confirmed = address('confirmed');
    ok(await t.gql(SIGN, { input: input(petition.id, pending) }));
    ok(await t.gql(SIGN, { input: input(petition.id, confirmed) }));
    await mailbox.next(pending, isConfirmation);
    await confirmByMail(t, confirmed, petition.title);
    await jobsSettled(t);

    const fresh = address('new');
    const answers = [];
    for (const email of [fresh, pending, confirmed]) answers.push(await raw({ input: input(petition.id, email, { fullName: 'Someone Else' }) }));
    expect(answers[0].status).toBe(200);
    expect(JSON.parse(answers[0].body)).toEqual({
      data: { signPetition: { petition: { id: petition.id, status: 'OPEN', signatureCount: 1, recentSignatures: [{ displayName: 'Ana Q.' }] } } },
    });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);

    // The owners learn what happened: a first link, a reminder with a fresh link, an "already signed" note (no link).
    linkIn(await mailbox.next(fresh, isConfirmation), 'signature');
    linkIn(await mailbox.next(pending, isReminder), 'signature');
    const note = await mailbox.next(confirmed, isAlreadySigned);
    expect(note.text).not.toContain('/l/');
    await jobsSettled(t);
    expect(mailbox.to(fresh)).toHaveLength(1);
    expect(mailbox.to(pending)).toHaveLength(2);
    expect((await read(petition.id)).signatureCount).toBe(1);
  });

  it('counts, lists, exports and shows only confirmed signatures; a scanner GET of the link changes nothing; confirming twice is harmless', async () => {
    const petition = await openOne();
    const email = address('scanned');
    ok(await t.gql(SIGN, { input: input(petition.id, email, { fullName: 'Rosa Mamani' }) }));
    const { token } = linkIn(await mailbox.next(email, isConfirmation), 'signature');
    const url = page(token);

    for (let i = 0; i < 2; i++) {
      const shown = await fetch(url);
      expect(shown.status).toBe(200);
      expect(await shown.text()).toContain('Confirm my signature');
    }
    const before = await read(petition.id);
    expect(before).toEqual({ signatureCount: 0, recentSignatures: [], signatures: { totalCount: 0, edges: [] } });
    expect(await csv(petition.id)).not.toContain(email);
    const [{ confirmed_at }] = (await db.query(`SELECT confirmed_at FROM signatures WHERE petition_id = $1 AND email = $2`, [petition.id, email])).rows;
    expect(confirmed_at).toBeNull();

    // The page's one button POSTs back to the same address.
    const posted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain('Your signature is confirmed');
    const after = await read(petition.id);
    expect(after.signatureCount).toBe(1);
    expect(after.recentSignatures).toEqual([{ displayName: 'Rosa M.', comment: 'Por el río' }]);
    expect(after.signatures.edges.map((e: any) => e.node.email)).toEqual([email]);
    expect(new Date(after.signatures.edges[0].node.confirmedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await csv(petition.id)).toContain(email);

    // Again, through the mutation and the page: still one.
    expect(ok(await t.gql(CONFIRM, { token })).confirmSignature).toEqual({ id: petition.id, signatureCount: 1 });
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(200);
    expect((await read(petition.id)).signatureCount).toBe(1);
    badInput(await t.gql(CONFIRM, { token: 'not-a-token' }), 'token');
  });

  it('ends 500 concurrent signatures with 100 repeats as exactly 400 confirmed, with one confirmation email per address', async () => {
    const petition = await openOne();
    const emails = Array.from({ length: 400 }, (_, i) => `crowd-${i}-${unique()}@example.org`);
    const requests = [...emails, ...emails.slice(0, 100)].map((email) => t.gql(SIGN, { input: input(petition.id, email, { displayPublicly: false }) }));
    for (const res of await Promise.all(requests)) expect(res.errors).toBeUndefined();
    await jobsSettled(t, 120_000);
    expect((await read(petition.id)).signatureCount).toBe(0);

    for (let i = 0; i < emails.length; i += 50) {
      await Promise.all(
        emails.slice(i, i + 50).map(async (email) => {
          const { token } = linkIn(await mailbox.next(email, isConfirmation), 'signature');
          ok(await t.gql(CONFIRM, { token }));
        }),
      );
    }
    await jobsSettled(t, 120_000);
    for (const [i, email] of emails.entries()) {
      const received = mailbox.to(email);
      expect(received.filter(isConfirmation)).toHaveLength(1);
      // A repeat adds at most one reminder of the pending link (or, once confirmed, a note).
      expect(received.length).toBeLessThanOrEqual(i < 100 ? 2 : 1);
    }
    const { rows } = await db.query(
      `SELECT count(*)::int AS total, count(confirmed_at)::int AS confirmed, (SELECT sum(count)::int FROM petition_signature_counts WHERE petition_id = $1) AS counted
         FROM signatures WHERE petition_id = $1`,
      [petition.id],
    );
    expect(rows[0]).toEqual({ total: 400, confirmed: 400, counted: 400 });
    expect((await read(petition.id)).signatureCount).toBe(400);
  }, 300_000);

  it('counts at once for a verified user signing with their own address and for a SIGNATURES_WRITE key, not for a user signing with another address', async () => {
    const petition = await openOne();
    const user = await registerUser(t, 'Vera Verified');
    expect(ok(await t.gql(SIGN, { input: input(petition.id, user.email) }, user.token)).signPetition.petition.signatureCount).toBe(1);
    const other = address('other');
    expect(ok(await t.gql(SIGN, { input: input(petition.id, other) }, user.token)).signPetition.petition.signatureCount).toBe(1);
    const key = await createApiKey(t, admin, org.id, ['SIGNATURES_WRITE']);
    const partner = address('partner');
    expect(ok(await t.gql(SIGN, { input: input(petition.id, partner) }, key.secret)).signPetition.petition.signatureCount).toBe(2);
    await mailbox.next(other, isConfirmation);
    await jobsSettled(t);
    // Nobody is mailed about a signature that counted at once.
    expect(mailbox.to(user.email).filter((m) => m.text.includes('/l/signature/'))).toHaveLength(0);
    expect(mailbox.to(partner)).toHaveLength(0);
    expect((await read(petition.id)).signatures.edges.map((e: any) => e.node.email).sort()).toEqual([user.email, partner].sort());
  });

  it('never changes a confirmed signature on a repeat, anonymous or through a key', async () => {
    const petition = await openOne();
    const email = address('kept');
    ok(await t.gql(SIGN, { input: input(petition.id, email, { fullName: 'Ana Quispe', comment: 'Primera', displayPublicly: true }) }));
    await confirmByMail(t, email, petition.title);
    const key = await createApiKey(t, admin, org.id, ['SIGNATURES_WRITE']);
    const changed = { fullName: 'Mallory Probe', comment: 'Changed', displayPublicly: false, contactConsent: false };
    ok(await t.gql(SIGN, { input: input(petition.id, email, changed) }));
    ok(await t.gql(SIGN, { input: input(petition.id, email, changed) }, key.secret));
    await mailbox.next(email, isAlreadySigned);
    await jobsSettled(t);
    const seen = await read(petition.id);
    expect(seen.signatureCount).toBe(1);
    expect(seen.signatures.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ fullName: 'Ana Quispe', email, comment: 'Primera', displayPublicly: true, contactConsent: true }),
    ]);
    expect(seen.recentSignatures).toEqual([{ displayName: 'Ana Q.', comment: 'Primera' }]);
  });

  it('records the consent wording shown (else the current one) and refuses an unknown or foreign one', async () => {
    const PUBLISH = `mutation($o: ID!, $t: String!) { setConsentWording(organisationId: $o, text: $t) { id text } }`;
    const shown = ok(await t.gql(PUBLISH, { o: org.id, t: `Keep me posted ${unique()}` }, admin.token)).setConsentWording;
    const current = ok(await t.gql(PUBLISH, { o: org.id, t: `Write to me ${unique()}` }, admin.token)).setConsentWording;
    const otherAdmin = await registerUser(t, 'Other Admin');
    const otherOrg = await createOrganisation(t, otherAdmin);
    const foreign = ok(await t.gql(PUBLISH, { o: otherOrg.id, t: 'Elsewhere' }, otherAdmin.token)).setConsentWording;
    const petition = await openOne();

    const withShown = address('shown');
    const withCurrent = address('current');
    const refused = address('refused');
    ok(await t.gql(SIGN, { input: input(petition.id, withShown, { consentWordingId: shown.id }) }));
    ok(await t.gql(SIGN, { input: input(petition.id, withCurrent) }));
    for (const id of [foreign.id, randomUUID()]) {
      const res = await t.gql(SIGN, { input: input(petition.id, refused, { consentWordingId: id }) });
      badInput(res, 'consentWordingId');
    }
    await confirmByMail(t, withShown, petition.title);
    await confirmByMail(t, withCurrent, petition.title);
    await jobsSettled(t);
    expect(mailbox.to(refused)).toHaveLength(0);
    const nodes = new Map((await read(petition.id)).signatures.edges.map((e: any) => [e.node.email, e.node]));
    expect(nodes.get(withShown)).toMatchObject({ contactConsent: true, consentWording: shown });
    expect(nodes.get(withCurrent)).toMatchObject({ contactConsent: true, consentWording: current });
    expect(nodes.has(refused)).toBe(false);
  });

  it('deletes unconfirmed signatures 24 hours after the petition closes, and their links stop working', async () => {
    const closedLongAgo = await openOne();
    const closedRecently = await openOne();
    const [gone, kept, recent] = [address('gone'), address('kept'), address('recent')];
    ok(await t.gql(SIGN, { input: input(closedLongAgo.id, gone) }));
    ok(await t.gql(SIGN, { input: input(closedLongAgo.id, kept) }));
    ok(await t.gql(SIGN, { input: input(closedRecently.id, recent) }));
    const goneLink = linkIn(await mailbox.next(gone, isConfirmation), 'signature');
    await confirmByMail(t, kept, closedLongAgo.title);
    const recentLink = linkIn(await mailbox.next(recent, isConfirmation), 'signature');
    await jobsSettled(t);
    await db.query(`UPDATE petitions SET closes_at = now() - interval '25 hours' WHERE id = $1`, [closedLongAgo.id]);
    await db.query(`UPDATE petitions SET closes_at = now() - interval '1 hour' WHERE id = $1`, [closedRecently.id]);

    expect(await t.app.get(SignatureConfirmationService).sweep()).toBeGreaterThanOrEqual(1);
    const { rows } = await db.query(`SELECT email, confirmed_at IS NOT NULL AS confirmed FROM signatures WHERE petition_id IN ($1, $2) ORDER BY email`, [
      closedLongAgo.id,
      closedRecently.id,
    ]);
    expect(rows).toEqual([
      { email: kept, confirmed: true },
      { email: recent, confirmed: false },
    ]);
    expect((await fetch(page(goneLink.token))).status).toBe(410);
    badInput(await t.gql(CONFIRM, { token: goneLink.token }), 'token');
    // Within the day after closing, the link still confirms (and the count moves).
    expect(ok(await t.gql(CONFIRM, { token: recentLink.token })).confirmSignature.signatureCount).toBe(1);
  });
});
