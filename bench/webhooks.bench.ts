import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { loadConfig } from '../src/common/config/config';
import { Settings } from '../src/common/config/settings';
import { inTransaction } from '../src/common/database/transaction';
import { emitWebhookEvent } from '../src/modules/webhooks/emit';
import { BenchServer, signUp } from './support';

const MESSAGES = 2000;
const CONNECTIONS = 8;
const RSVP = `mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id } } }`;

/** A receiver on loopback that answers 204 to everything and counts distinct webhook-ids. */
async function startReceiver(): Promise<{ url: string; ids: Set<string>; close(): Promise<void> }> {
  const ids = new Set<string>();
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.add(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Member RSVPs for `seconds` with CONNECTIONS concurrent clients, each to an event not yet answered; RSVPs/s. */
async function rsvpLoad(s: BenchServer, token: string, eventIds: string[], seconds: number): Promise<number> {
  let next = 0;
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until && next < eventIds.length) {
        await s.gql(RSVP, { input: { eventId: eventIds[next++] } }, token);
        done++;
      }
    }),
  );
  return done / seconds;
}

/**
 * 1. Deliveries/s through the queue: MESSAGES messages written to the outbox at once, sent by a
 *    second instance's workers (graphile-worker, JOBS_CONCURRENCY 10) to a local receiver.
 * 2. The outbox on a path that emits: member RSVPs (ATTENDANCE_CHANGED) without endpoints, then with
 *    three subscribed endpoints (each RSVP writes three deliveries and three jobs in its transaction).
 *    Signing emits SIGNATURE_CONFIRMED only at confirmation (double opt-in), so RSVPs stand in for it.
 */
export async function webhooksBenchmark(s: BenchServer, durationSeconds: number): Promise<void> {
  console.log('\n## Webhooks');
  const receiver = await startReceiver();
  const { register: admin } = await signUp(s, 'bench-webhooks-admin@example.org');
  const { register: member } = await signUp(s, 'bench-webhooks-member@example.org');
  const org = (await s.gql(`mutation { createOrganisation(input: { name: "Webhook bench" }) { id } }`, {}, admin.accessToken)).createOrganisation;
  const chapter = (
    await s.gql(
      `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id } }`,
      { input: { organisationId: org.id, name: 'Bench chapter', city: 'London', timeZone: 'Europe/London' } },
      admin.accessToken,
    )
  ).createChapter;

  // The bench server runs in production mode (https only, public addresses only): endpoints are written in SQL.
  const endpoint = async () =>
    (
      await s.sql.query(
        `INSERT INTO webhook_endpoints (organisation_id, url, event_types, secret) VALUES ($1, $2, ARRAY['ATTENDANCE_CHANGED', 'PING'], $3) RETURNING id`,
        [org.id, receiver.url, `whsec_${Buffer.from('bench-secret-bench-secret-').toString('base64')}`],
      )
    ).rows[0].id as string;

  // --- 1. deliveries/s
  await endpoint();
  const workerConfig = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: s.jwtSecret,
    SMTP_URL: 'smtp://127.0.0.1:9',
    JOBS_CONCURRENCY: '10',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  const worker = await createApp(new Settings(workerConfig, s.databaseUrl, s.jwtSecret));
  await worker.init();
  const started = Date.now();
  await inTransaction(s.app.get(DataSource), async (manager) => {
    for (let i = 0; i < MESSAGES; i++) await emitWebhookEvent(manager, org.id, 'PING', { n: i });
  });
  const written = Date.now();
  while ((await s.sql.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'SUCCEEDED'`)).rows[0].n < MESSAGES) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (Date.now() - written) / 1000;
  console.log(
    `${MESSAGES} messages written to the outbox in ${((written - started) / 1000).toFixed(1)} s (one transaction); delivered in ${seconds.toFixed(1)} s: ` +
      `${(MESSAGES / seconds).toFixed(0)} deliveries/s (one instance, 10 workers), ${receiver.ids.size} distinct webhook-ids received`,
  );
  await worker.close();
  await s.sql.query(`DELETE FROM webhook_endpoints WHERE organisation_id = $1`, [org.id]);

  // --- 2. outbox cost on RSVPs (workers off: the request path only)
  const count = 40_000;
  const events: string[] = (
    await s.sql.query(
      `INSERT INTO events (chapter_id, organisation_id, title, starts_at, ends_at, time_zone, visibility, status)
       SELECT $1, $2, 'Bench event ' || n, now() + interval '7 days', now() + interval '8 days', 'Europe/London', 'PUBLIC', 'PUBLISHED'
         FROM generate_series(1, $3::int) n RETURNING id`,
      [chapter.id, org.id, count],
    )
  ).rows.map((r: { id: string }) => r.id);
  await s.sql.query('ANALYZE');
  const half = events.length / 2;
  await rsvpLoad(s, member.accessToken, events.slice(0, 200), 2); // warm-up
  const without = await rsvpLoad(s, member.accessToken, events.slice(200, half), durationSeconds);
  await Promise.all([endpoint(), endpoint(), endpoint()]);
  const withEndpoints = await rsvpLoad(s, member.accessToken, events.slice(half), durationSeconds);
  const slower = ((without - withEndpoints) / without) * 100;
  console.log(
    `member RSVPs, ${CONNECTIONS} clients: ${without.toFixed(0)}/s without endpoints, ${withEndpoints.toFixed(0)}/s with 3 endpoints subscribed to ATTENDANCE_CHANGED ` +
      `(${slower.toFixed(1)} % slower; budget 10 %)`,
  );
  await receiver.close();
}
