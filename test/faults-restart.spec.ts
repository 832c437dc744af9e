import { STORED_SIGNATURES } from './support/factories';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, startEmbeddedPostgres } from '../src/common/database/embedded-postgres';
import { ensureDatabase } from '../src/database/migrate';
import {
  AppProcess,
  graphql,
  HttpFailure,
  petitionWorld,
  processAlive,
  remoteApp,
  request,
  SIGN_PETITION,
  startAppProcess,
  waitFor,
} from './support/app-process';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One signPetition answer (or the failure to get one). */
interface Outcome {
  email: string;
  sentAt: number;
  at: number;
  status?: number;
  code?: string;
  retryAfterSeconds?: unknown;
  retryAfterHeader?: string;
  ok: boolean;
  failure?: string;
}

/**
 * A real PostgreSQL restart under signing load: the test runs its own embedded PostgreSQL (so it can
 * stop and start it) and the app as a child process (so a crash would be a real exit).
 */
describe('faults: a PostgreSQL restart under signing load', () => {
  let dir: string;
  let embedded: EmbeddedPostgres | undefined;
  let port: number;
  let databaseUrl: string;
  let app: AppProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'marea-fault-'));
    embedded = await startEmbeddedPostgres({ dir });
    port = Number(/:(\d+)\//.exec(embedded.url)![1]);
    databaseUrl = await ensureDatabase(embedded.url, 'marea');
    // The app migrates the database as it starts, as in production.
    app = await startAppProcess({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '4', DATABASE_ACQUIRE_TIMEOUT_MS: '2000' });
  });

  afterAll(async () => {
    if (app && !app.hasExited()) {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged signature, answers every request (SERVICE_UNAVAILABLE during the outage), and comes back by itself', async () => {
    const t = remoteApp(app.url, { databaseUrl });
    const { petitionIds, exportKey } = await petitionWorld(t);
    const [petitionId] = petitionIds;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

    const outcomes: Outcome[] = [];
    const readiness: Array<{ sentAt: number; at: number; status: number | string }> = [];
    const exportsSeen: Array<{ sentAt: number; at: number; status: number | string }> = [];
    let running = true;
    let n = 0;
    let stoppedAt = Infinity;

    const signer = async () => {
      while (running) {
        const email = `load-${process.pid}-${n++}@example.org`;
        const sentAt = Date.now();
        try {
          const res = await graphql(app.url, SIGN_PETITION, { input: { petitionId, fullName: 'Ana Quispe', email } }, { agent });
          const error = res.json.errors?.[0];
          outcomes.push({
            email,
            sentAt,
            at: res.at,
            status: res.status,
            ok: res.status === 200 && !!res.json.data?.signPetition,
            code: error?.extensions?.code,
            retryAfterSeconds: error?.extensions?.retryAfterSeconds,
            retryAfterHeader: res.headers['retry-after'] as string | undefined,
          });
        } catch (failure) {
          outcomes.push({ email, sentAt, at: Date.now(), ok: false, failure: (failure as HttpFailure).code });
        }
        // Refusals come back at once; a short pause keeps the refused clients from starving the CPU (pacing, not synchronisation).
        if (!outcomes[outcomes.length - 1].ok) await pause(10);
      }
    };
    const poll = async (path: string, into: Array<{ sentAt: number; at: number; status: number | string }>, headers: Record<string, string> = {}) => {
      while (running) {
        const sentAt = Date.now();
        try {
          const res = await request(`${app.url}${path}`, { agent, headers });
          into.push({ sentAt, at: res.at, status: res.status });
        } catch (failure) {
          into.push({ sentAt, at: Date.now(), status: (failure as HttpFailure).code });
        }
        await pause(20);
      }
    };
    const stillRunning = () => {
      if (app.hasExited()) throw new Error(`the app exited: ${app.logs.map((l) => l.msg).join('\n')}`);
      return true;
    };
    const load = [
      ...Array.from({ length: 8 }, signer),
      poll('/health/ready', readiness),
      poll(`/exports/petitions/${petitionId}/signatures.csv`, exportsSeen, { authorization: `Bearer ${exportKey}` }),
    ];

    try {
      await waitFor('signatures before the outage', () => outcomes.filter((o) => o.ok).length >= 30);

      // Stop PostgreSQL (fast shutdown: sessions are terminated, the socket disappears).
      const postmaster = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      stoppedAt = Date.now();
      process.kill(postmaster, 'SIGINT');
      await waitFor('PostgreSQL to stop', () => !processAlive(postmaster), 20_000);
      const goneAt = Date.now();
      await waitFor('readiness to turn 503', () => stillRunning() && readiness.some((r) => r.at >= stoppedAt && r.status === 503), 3000);
      const first503 = readiness.find((r) => r.at >= stoppedAt && r.status === 503)!;
      expect(first503.at - goneAt).toBeLessThan(1000);

      // The outage lasts until requests have been refused for a while on both paths.
      await waitFor(
        'SERVICE_UNAVAILABLE answers during the outage',
        () => stillRunning() && outcomes.filter((o) => o.at > goneAt && o.status === 503).length >= 20,
        20_000,
      );
      await waitFor('a plain HTTP 503 during the outage', () => exportsSeen.some((e) => e.at > goneAt && e.status === 503), 10_000);
      expect(app.hasExited()).toBe(false);

      // Start it again on the same port and folder: same URL for the app.
      embedded = await startEmbeddedPostgres({ dir, port });
      const backAt = Date.now();
      await waitFor('a signature after the return', () => outcomes.some((o) => o.ok && o.sentAt >= backAt), 10_000);
      const firstOk = outcomes.find((o) => o.ok && o.sentAt >= backAt)!;
      expect(firstOk.at - backAt).toBeLessThan(5000);
      await waitFor('readiness back to 200', () => readiness.some((r) => r.at > backAt && r.status === 200), 5000);
      await waitFor('signatures after the return', () => outcomes.filter((o) => o.ok && o.sentAt >= backAt).length >= 30);
      // The return is logged once a success follows a second without failures.
      await waitFor('the recovery to be logged', () => app.logs.some((l) => l.msg === 'database reachable again'), 5000);
    } finally {
      running = false;
      await Promise.all(load);
      agent.destroy();
    }

    // Every request was answered: success, or SERVICE_UNAVAILABLE with HTTP 503 and a retry hint; never a dropped connection or INTERNAL_SERVER_ERROR.
    expect(outcomes.filter((o) => o.failure)).toEqual([]);
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(0);
    const wellFormed = (o: Outcome) =>
      o.status === 503 &&
      o.code === 'SERVICE_UNAVAILABLE' &&
      Number.isInteger(o.retryAfterSeconds) &&
      (o.retryAfterSeconds as number) > 0 &&
      o.retryAfterHeader === String(o.retryAfterSeconds);
    expect(refused.filter((o) => !wellFormed(o))).toEqual([]);
    // Plain HTTP: a CSV export asked for during the outage answers 503. One already streaming when the
    // database went is cut short (visibly: a 200 cannot become a 503 any more), so only those are exempt.
    expect(exportsSeen.filter((e) => e.sentAt >= stoppedAt && e.status !== 200 && e.status !== 503)).toEqual([]);
    expect(readiness.filter((r) => r.status !== 200 && r.status !== 503)).toEqual([]);

    // 0 acknowledged signatures lost.
    const acknowledged = outcomes.filter((o) => o.ok).map((o) => o.email);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ email: string }>(`SELECT email FROM ${STORED_SIGNATURES} WHERE petition_id = $1 AND email = ANY($2)`, [
        petitionId,
        acknowledged,
      ]);
      expect(rows.length).toBe(acknowledged.length);
    } finally {
      await db.end();
    }

    // The process never exited, and logged the outage once and the recovery once, no stack per request.
    expect(app.hasExited()).toBe(false);
    const outageLines = app.logs.filter((l) => String(l.msg).startsWith('database unreachable') || l.msg === 'database reachable again');
    expect(outageLines.map((l) => String(l.msg).split(';')[0])).toEqual(['database unreachable', 'database reachable again']);
    expect(app.logs.filter((l) => l.msg === 'unexpected error' || l.stack)).toEqual([]);
  });
});
