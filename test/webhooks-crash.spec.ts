import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AppProcess, startAppProcess } from './support/app-process';
import { ok } from './support/expectations';
import { createOrganisation, registerUser } from './support/factories';
import { jobsSettled } from './support/jobs';
import { Mailbox } from './support/mailbox';
import { startTestApp, TestApp } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A worker killed (SIGKILL) while its delivery's request is in flight: the message stays in the
 * outbox with its webhook-id, and the next worker sends it again under that same id.
 */
describe('webhooks: a worker crash mid-delivery', () => {
  let mailbox: Mailbox;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let second: TestApp | undefined;
  let child: AppProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'marea-webhooks-crash-'));

  beforeAll(async () => {
    mailbox = await Mailbox.start();
    receiver = await WebhookReceiver.start();
    // Jobs off here: only the child process's workers may take the delivery.
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  });
  afterAll(async () => {
    if (child && !child.hasExited()) child.child.kill('SIGKILL');
    await second?.close();
    await t?.close();
    await receiver?.close();
    await mailbox?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never loses the message nor changes its webhook-id', async () => {
    const admin = await registerUser(t);
    const org = await createOrganisation(t, admin);
    let first = true;
    receiver.answer('/crash', () => (first ? ((first = false), 'hold') : { status: 200 }));
    const created = ok(
      await t.gql(
        `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
        {
          input: { organisationId: org.id, url: receiver.url('/crash'), eventTypes: ['PING'] },
        },
        admin.token,
      ),
    ).createWebhookEndpoint;

    child = await startAppProcess({ DATABASE_URL: t.databaseUrl, WEBHOOK_ALLOW_PRIVATE: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const sent = ok(await t.gql(`mutation($id: ID!) { sendTestWebhook(id: $id) { id messageId } }`, { id: created.endpoint.id }, admin.token)).sendTestWebhook;
    const inFlight = await receiver.nth((r) => r.path === '/crash', 0, 45_000);
    expect(inFlight.headers['webhook-id']).toBe(sent.messageId);
    child.child.kill('SIGKILL');
    await child.exited;

    const db = t.app.get(DataSource);
    const [row] = await db.query(`SELECT status, attempts, message_id FROM webhook_deliveries WHERE id = $1`, [sent.id]);
    expect(row).toEqual({ status: 'PENDING', attempts: 0, message_id: sent.messageId });
    const [job] = await db.query(`SELECT locked_at IS NOT NULL AS locked FROM graphile_worker._private_jobs WHERE key = $1`, [`webhook:${sent.id}`]);
    expect(job).toEqual({ locked: true });
    // graphile-worker frees a dead worker's lock after 4 hours; the clock is moved on instead of waited for.
    await db.query(`UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE key = $1`, [`webhook:${sent.id}`]);

    second = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { mailbox, databaseUrl: t.databaseUrl });
    const again = await receiver.nth((r) => r.path === '/crash', 1);
    expect(again.headers['webhook-id']).toBe(sent.messageId);
    expect(new Webhook(created.secret).verify(again.body, again.headers)).toMatchObject({ type: 'PING' });
    expect(again.body).toBe(inFlight.body);
    await jobsSettled(second);
    const [after] = await db.query(`SELECT status, attempts, message_id FROM webhook_deliveries WHERE id = $1`, [sent.id]);
    expect(after).toEqual({ status: 'SUCCEEDED', attempts: 1, message_id: sent.messageId });
  });
});
