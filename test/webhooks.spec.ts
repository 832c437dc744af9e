import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { ATTEMPT_DELAYS_S } from '../src/modules/webhooks/event-types';
import { WebhookSender } from '../src/modules/webhooks/webhook-sender';
import { WebhooksService } from '../src/modules/webhooks/webhooks.service';
import { waitFor } from './support/app-process';
import { badInput, ok } from './support/expectations';
import {
  confirmByMail,
  createApiKey,
  createChapter,
  createEvent,
  createOrganisation,
  createPetition,
  openPetition,
  registerUser,
  TestUser,
} from './support/factories';
import { SIGN_PETITION } from './support/documents';
import { jobsSettled } from './support/jobs';
import { Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';
import { Received, WebhookReceiver } from './support/webhook-receiver';

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled secretPrefix } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { id eventTypes enabled disabledReason } }`;
const PING = `mutation($id: ID!) { sendTestWebhook(id: $id) { id messageId eventType status } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id secretPrefix } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id messageId status attempts } }`;
const ENDPOINTS = `query($o: String!) { organisation(slug: $o) { webhookEndpoints { id enabled disabledReason deliveries(first: 50, status: $s) { totalCount edges { node { id messageId eventType status attempts lastResponseStatus nextAttemptAt payload } } } } } }`;
const ENDPOINTS_ALL = ENDPOINTS.replace('query($o: String!)', 'query($o: String!, $s: WebhookDeliveryStatus)');

/** Verifies one received message with the spec's library, as a receiver would; returns the parsed body. */
function verify(secret: string, r: Received): { type: string; timestamp: string; data: any } {
  return new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: any };
}

describe('webhooks', () => {
  let mailbox: Mailbox;
  let receiver: WebhookReceiver;
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let org: { id: string; slug: string };
  let db: DataSource;
  let path = 0;
  const newPath = () => `/hook-${++path}`;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    receiver = await WebhookReceiver.start();
    a = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { mailbox });
    // A second instance with its own workers on the same database.
    b = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { mailbox, databaseUrl: a.databaseUrl });
    db = a.app.get(DataSource);
    admin = await registerUser(a);
    org = await createOrganisation(a, admin);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
    await mailbox?.close();
  });

  async function endpoint(eventTypes: string[] = ['PING'], as: string = admin.token, at = newPath()): Promise<{ id: string; secret: string; path: string }> {
    const created = ok(await a.gql(CREATE, { input: { organisationId: org.id, url: receiver.url(at), eventTypes } }, as)).createWebhookEndpoint;
    return { id: created.endpoint.id, secret: created.secret, path: at };
  }

  const delivery = async (id: string) =>
    (
      await db.query(
        `SELECT status, attempts, last_response_status AS "lastResponseStatus", last_attempt_at AS "lastAttemptAt", next_attempt_at AS "nextAttemptAt", message_id AS "messageId" FROM webhook_deliveries WHERE id = $1`,
        [id],
      )
    )[0];

  /** The controllable clock: the delivery's next attempt is due now (graphile-worker's run_at moved, as time would). */
  const fastForward = (deliveryId: string) => db.query(`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1`, [`webhook:${deliveryId}`]);

  it('creates an endpoint with a whsec_ secret shown once and signs a PING the spec library verifies', async () => {
    const ep = await endpoint();
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const sent = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    expect(sent).toMatchObject({ eventType: 'PING', status: 'PENDING' });
    const r = await receiver.nth((x) => x.path === ep.path);
    expect(r.headers['webhook-id']).toBe(sent.messageId);
    expect(verify(ep.secret, r)).toMatchObject({ type: 'PING', data: { endpointId: ep.id } });
    await jobsSettled([a, b]);
    expect(await delivery(sent.id)).toMatchObject({ status: 'SUCCEEDED', attempts: 1, lastResponseStatus: 200, nextAttemptAt: null });
    const listed = ok(await a.gql(ENDPOINTS_ALL, { o: org.slug, s: 'SUCCEEDED' }, admin.token)).organisation.webhookEndpoints.find((e: any) => e.id === ep.id);
    expect(listed.deliveries.edges.map((e: any) => e.node.id)).toEqual([sent.id]);
    expect(JSON.parse(listed.deliveries.edges[0].node.payload)).toMatchObject({ type: 'PING' });
    // The secret is never shown again.
    expect(JSON.stringify(ok(await a.gql(ENDPOINTS_ALL, { o: org.slug }, admin.token)))).not.toContain(ep.secret);
  });

  it('retries on the schedule (0 s, 5 s, 5 min … 24 h) with the same webhook-id, every attempt verifiable, then gives up', async () => {
    const ep = await endpoint();
    receiver.answer(ep.path, { status: 500 });
    const sent = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    let previousNext: Date | null = null;
    for (let attempt = 1; attempt <= ATTEMPT_DELAYS_S.length; attempt++) {
      const r = await receiver.nth((x) => x.path === ep.path, attempt - 1);
      expect(r.headers['webhook-id']).toBe(sent.messageId);
      expect(verify(ep.secret, r).type).toBe('PING');
      await waitFor(`attempt ${attempt} recorded`, async () => (await delivery(sent.id)).attempts === attempt);
      const row = await delivery(sent.id);
      expect(row.lastResponseStatus).toBe(500);
      if (attempt === ATTEMPT_DELAYS_S.length) {
        expect(row).toMatchObject({ status: 'FAILED', nextAttemptAt: null });
        break;
      }
      expect(row.status).toBe('PENDING');
      const gap = (ATTEMPT_DELAYS_S[attempt] - ATTEMPT_DELAYS_S[attempt - 1]) * 1000;
      // Counted from when this attempt was due, so the schedule never drifts with slow attempts.
      const base = previousNext ?? new Date(row.lastAttemptAt);
      expect(new Date(row.nextAttemptAt).getTime() - base.getTime()).toBe(gap);
      previousNext = new Date(row.nextAttemptAt);
      await fastForward(sent.id);
    }
    expect(receiver.at(ep.path)).toHaveLength(ATTEMPT_DELAYS_S.length);
  });

  it('disables an endpoint that has failed for 5 days', async () => {
    const ep = await endpoint();
    receiver.answer(ep.path, { status: 503 });
    await db.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '5 days 1 minute' WHERE id = $1`, [ep.id]);
    const sent = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    await receiver.nth((x) => x.path === ep.path);
    await jobsSettled([a, b]);
    expect(await delivery(sent.id)).toMatchObject({ status: 'FAILED', lastResponseStatus: 503 });
    const listed = ok(await a.gql(ENDPOINTS_ALL, { o: org.slug }, admin.token)).organisation.webhookEndpoints.find((e: any) => e.id === ep.id);
    expect(listed).toMatchObject({ enabled: false, disabledReason: 'failing for 5 days' });
    // Enabled by hand again, it starts afresh.
    expect(ok(await a.gql(UPDATE, { id: ep.id, input: { enabled: true } }, admin.token)).updateWebhookEndpoint).toMatchObject({
      enabled: true,
      disabledReason: null,
    });
  });

  it('410 Gone disables the endpoint at once; later messages are not sent', async () => {
    const ep = await endpoint(['PING', 'EVENT_CHANGED']);
    receiver.answer(ep.path, { status: 410 });
    const sent = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    await receiver.nth((x) => x.path === ep.path);
    await jobsSettled([a, b]);
    expect(await delivery(sent.id)).toMatchObject({ status: 'FAILED', attempts: 1, lastResponseStatus: 410, nextAttemptAt: null });
    const listed = ok(await a.gql(ENDPOINTS_ALL, { o: org.slug }, admin.token)).organisation.webhookEndpoints.find((e: any) => e.id === ep.id);
    expect(listed).toMatchObject({ enabled: false, disabledReason: '410 Gone' });
    const chapter = await createChapter(a, admin, org.id);
    await createEvent(a, admin, chapter.id);
    await jobsSettled([a, b]);
    expect(receiver.at(ep.path)).toHaveLength(1);
  });

  it('refuses redirects: a 3xx is a failed attempt and the Location is never followed', async () => {
    const ep = await endpoint();
    const elsewhere = newPath();
    receiver.answer(ep.path, { status: 302, headers: { location: receiver.url(elsewhere) } });
    const sent = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    await receiver.nth((x) => x.path === ep.path);
    await waitFor('the attempt recorded', async () => (await delivery(sent.id)).attempts === 1);
    expect(await delivery(sent.id)).toMatchObject({ status: 'PENDING', lastResponseStatus: 302 });
    await jobsSettled([a, b]);
    expect(receiver.at(elsewhere)).toHaveLength(0);
  });

  it('after a rotation both secrets sign for the overlap; redelivery keeps the webhook-id and re-signs with the current secrets', async () => {
    const ep = await endpoint();
    const before = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    await receiver.nth((x) => x.path === ep.path);
    const rotated = ok(await a.gql(ROTATE, { id: ep.id }, admin.token)).rotateWebhookSecret;
    expect(rotated.secret).not.toBe(ep.secret);
    expect(rotated.endpoint.secretPrefix).toBe(rotated.secret.slice(0, 12));
    const after = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    const r = await receiver.nth((x) => x.path === ep.path && x.headers['webhook-id'] === after.messageId);
    expect(r.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(ep.secret, r).type).toBe('PING');
    expect(verify(rotated.secret, r).type).toBe('PING');

    await jobsSettled([a, b]);
    const again = ok(await a.gql(REDELIVER, { id: before.id }, admin.token)).redeliverWebhook;
    expect(again.messageId).toBe(before.messageId);
    const redelivered = await receiver.nth((x) => x.path === ep.path && x.headers['webhook-id'] === before.messageId, 1);
    expect(verify(rotated.secret, redelivered).type).toBe('PING');
    expect(verify(ep.secret, redelivered).type).toBe('PING');
    expect(redelivered.body).toBe(receiver.at(ep.path)[0].body);

    // Once the overlap is over, only the new secret signs.
    await db.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() WHERE id = $1`, [ep.id]);
    const late = ok(await a.gql(PING, { id: ep.id }, admin.token)).sendTestWebhook;
    const lateR = await receiver.nth((x) => x.headers['webhook-id'] === late.messageId);
    expect(verify(rotated.secret, lateR).type).toBe('PING');
    expect(() => verify(ep.secret, lateR)).toThrow();
  });

  it('emits EVENT_CHANGED, MEMBERSHIP_CHANGED and DELETED in the transactions of the changes', async () => {
    const ep = await endpoint(['EVENT_CHANGED', 'MEMBERSHIP_CHANGED', 'DELETED']);
    const chapter = await createChapter(a, admin, org.id);
    const event = await createEvent(a, admin, chapter.id);
    const member = await registerUser(a);
    const joined = ok(await a.gql(`mutation($id: ID!) { joinChapter(chapterId: $id) { id } }`, { id: chapter.id }, member.token)).joinChapter;
    ok(await a.gql(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: chapter.id }, member.token));
    await jobsSettled([a, b]);
    const bodies = receiver.at(ep.path).map((r) => verify(ep.secret, r));
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'EVENT_CHANGED', data: expect.objectContaining({ id: event.id, status: 'DRAFT' }) }),
        expect.objectContaining({ type: 'MEMBERSHIP_CHANGED', data: expect.objectContaining({ id: joined.id, status: 'ACTIVE' }) }),
        expect.objectContaining({ type: 'MEMBERSHIP_CHANGED', data: expect.objectContaining({ id: joined.id, status: 'LEFT' }) }),
        expect.objectContaining({ type: 'DELETED', data: { kind: 'MEMBERSHIP', id: joined.id } }),
      ]),
    );
    // A change that fails writes no message.
    const failed = await a.gql(`mutation($id: ID!) { updateEvent(id: $id, input: { capacity: -1 }) { id } }`, { id: event.id }, admin.token);
    expect(failed.errors).toBeDefined();
    await jobsSettled([a, b]);
    expect(receiver.at(ep.path)).toHaveLength(bodies.length);
  });

  it('emits SIGNATURE_CONFIRMED when a signer follows the link, with the signature as SIGNATURES_READ sees it; never for a pending one', async () => {
    const ep = await endpoint(['SIGNATURE_CONFIRMED']);
    const chapter = await createChapter(a, admin, org.id);
    const petition = await createPetition(a, admin, org.id, chapter.id);
    await openPetition(a, admin, petition.id);
    const input = { petitionId: petition.id, fullName: 'Ana María Quispe', email: `signer-${path}@example.org`, country: 'BO', contactConsent: true };
    ok(await a.gql(SIGN_PETITION, { input }));
    await jobsSettled([a, b]);
    expect(receiver.at(ep.path)).toHaveLength(0);
    await confirmByMail(a, input.email);
    await jobsSettled([a, b]);
    const [body] = receiver.at(ep.path).map((r) => verify(ep.secret, r));
    expect(body).toMatchObject({
      type: 'SIGNATURE_CONFIRMED',
      data: { petitionId: petition.id, fullName: 'Ana María Quispe', email: input.email, country: 'BO', contactConsent: true },
    });
    expect(body.data.confirmedAt).toEqual(expect.any(String));
  });

  it('a key subscribes only to what its read scopes cover, and reads payloads only of those', async () => {
    const key = await createApiKey(a, admin, org.id, ['WEBHOOKS_WRITE', 'EVENTS_READ']);
    badInput(
      await a.gql(
        CREATE,
        { input: { organisationId: org.id, url: receiver.url(newPath()), eventTypes: ['EVENT_CHANGED', 'SIGNATURE_CONFIRMED'] } },
        key.secret,
      ),
      'eventTypes',
    );
    const ep = await endpoint(['EVENT_CHANGED', 'DELETED', 'PING'], key.secret);
    badInput(await a.gql(UPDATE, { id: ep.id, input: { eventTypes: ['MEMBERSHIP_CHANGED'] } }, key.secret), 'eventTypes');
    // An admin's endpoint may take any type; the key with no ATTENDEES_READ sees its deliveries without payloads.
    const adminEp = await endpoint(['ATTENDANCE_CHANGED', 'PING']);
    await db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status) VALUES ($1, 'msg_test_attendance', 'ATTENDANCE_CHANGED', '{"type":"ATTENDANCE_CHANGED"}', 'SUCCEEDED')`,
      [adminEp.id],
    );
    const seen = ok(await a.gql(ENDPOINTS_ALL, { o: org.slug }, key.secret)).organisation.webhookEndpoints.find((e: any) => e.id === adminEp.id);
    expect(seen.deliveries.edges[0].node).toMatchObject({ eventType: 'ATTENDANCE_CHANGED', payload: null });
    const adminSees = ok(await a.gql(ENDPOINTS_ALL, { o: org.slug }, admin.token)).organisation.webhookEndpoints.find((e: any) => e.id === adminEp.id);
    expect(adminSees.deliveries.edges[0].node.payload).toBe('{"type":"ATTENDANCE_CHANGED"}');
    // DELETED messages of kinds the key's scopes do not read never reach its endpoint.
    const chapter = await createChapter(a, admin, org.id);
    const member = await registerUser(a);
    ok(await a.gql(`mutation($id: ID!) { joinChapter(chapterId: $id) { id } }`, { id: chapter.id }, member.token));
    ok(await a.gql(`mutation($id: ID!) { leaveChapter(chapterId: $id) }`, { id: chapter.id }, member.token));
    await jobsSettled([a, b]);
    expect(receiver.at(ep.path).map((r) => verify(ep.secret, r).type)).not.toContain('DELETED');
  });

  it('keeps deliveries 30 days: the daily sweep removes older ones', async () => {
    const ep = await endpoint();
    const [old] = await db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, created_at) VALUES ($1, 'msg_old', 'PING', '{}', 'SUCCEEDED', now() - interval '31 days') RETURNING id`,
      [ep.id],
    );
    const [recent] = await db.query(
      `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, status, created_at) VALUES ($1, 'msg_recent', 'PING', '{}', 'SUCCEEDED', now() - interval '29 days') RETURNING id`,
      [ep.id],
    );
    expect(await a.app.get(WebhooksService).sweep()).toBeGreaterThanOrEqual(1);
    expect(await delivery(old.id)).toBeUndefined();
    expect(await delivery(recent.id)).toMatchObject({ messageId: 'msg_recent' });
  });

  it('with two instances every message is delivered (the receiver dedupes by webhook-id)', async () => {
    const ep = await endpoint();
    const sent = await Promise.all(
      Array.from({ length: 30 }, () => a.gql(PING, { id: ep.id }, admin.token).then((res) => ok(res).sendTestWebhook.messageId as string)),
    );
    await jobsSettled([a, b]);
    const ids = receiver.at(ep.path).map((r) => r.headers['webhook-id']);
    expect(new Set(ids)).toEqual(new Set(sent));
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(1);
  });

  it('refuses URLs that are not http(s) (https alone in production) with BAD_USER_INPUT naming url', async () => {
    badInput(await a.gql(CREATE, { input: { organisationId: org.id, url: 'ftp://example.org/x', eventTypes: ['PING'] } }, admin.token), 'url');
    badInput(await a.gql(CREATE, { input: { organisationId: org.id, url: 'not a url', eventTypes: ['PING'] } }, admin.token), 'url');
  });
});

describe('webhook SSRF protection (WEBHOOK_ALLOW_PRIVATE off)', () => {
  let mailbox: Mailbox;
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    receiver = await WebhookReceiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'false' }, { mailbox });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await mailbox?.close();
  });

  it('never connects to loopback, private, link-local or mapped addresses, nor to a name that resolves to one (rebinding)', async () => {
    const sender = t.app.get(WebhookSender);
    const secret = `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`;
    const targets = [
      receiver.url('/v4'),
      receiver.url('/v6', '[::1]'),
      receiver.url('/mapped', '[::ffff:127.0.0.1]'),
      receiver.url('/mapped-hex', '[::ffff:7f00:1]'),
      `http://169.254.169.254:${receiver.port}/metadata`,
      `http://10.0.0.1:${receiver.port}/private`,
      receiver.url('/rebind', 'rebind.test'),
    ];
    // A name whose DNS answer is a private address (the first lookup is the one checked and used).
    sender.resolve = async (hostname) => (hostname === 'rebind.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    for (const url of targets) {
      const result = await sender.send(url, [secret], 'msg_ssrf', '{}');
      expect({ url, status: result.status, error: result.error }).toEqual({ url, status: null, error: expect.stringMatching(/not public|DNS/) });
    }
    // Through the queue too: the attempt is recorded with no response status.
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    const created = ok(
      await t.gql(CREATE, { input: { organisationId: org.id, url: receiver.url('/queued', 'rebind.test'), eventTypes: ['PING'] } }, admin.token),
    ).createWebhookEndpoint;
    const sent = ok(await t.gql(PING, { id: created.endpoint.id }, admin.token)).sendTestWebhook;
    await jobsSettled(t);
    const [row] = await t.app.get(DataSource).query(`SELECT attempts, last_response_status FROM webhook_deliveries WHERE id = $1`, [sent.id]);
    expect(row).toEqual({ attempts: 1, last_response_status: null });
    expect(receiver.received).toHaveLength(0);
  });
});
