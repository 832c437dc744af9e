import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  AppProcess,
  graphql,
  HttpFailure,
  HttpResult,
  petitionWorld,
  processAlive,
  remoteApp,
  request,
  SIGN_PETITION,
  startAppProcess,
  waitFor,
} from './support/app-process';
import { cloneTemplateDatabase } from './support/database';
import { createApiKey, createOrganisation, registerUser, STORED_SIGNATURES } from './support/factories';
import { Mailbox } from './support/mailbox';

/** ECONNREFUSED means nothing was sent (the listener is closed); any other failure is a request left unanswered. */
const NOT_SENT = 'ECONNREFUSED';

describe('faults: shutdown', () => {
  describe('SIGTERM under load', () => {
    let databaseUrl: string;
    let app: AppProcess;

    beforeAll(async () => {
      databaseUrl = await cloneTemplateDatabase();
      app = await startAppProcess({
        DATABASE_URL: databaseUrl,
        SHUTDOWN_TIMEOUT: '20',
      });
    });

    afterAll(async () => {
      if (app && !app.hasExited()) {
        app.child.kill('SIGKILL');
        await app.exited;
      }
    });

    it('turns readiness 503 at once, answers every request in flight or arriving on kept-alive connections, then exits 0', async () => {
      const t = remoteApp(app.url, { databaseUrl });
      const { admin, organisationId, petitionIds } = await petitionWorld(t, 2);
      const [held, busy] = petitionIds;
      // A partner's key signs confirmed at once, moving a count shard on the request path.
      const partner = (await createApiKey(t, admin, organisationId, ['SIGNATURES_WRITE'])).secret;
      const db = new Client({ connectionString: databaseUrl });
      db.on('error', () => undefined);
      await db.connect();
      try {
        // The partner's signatures to `held` wait on its count rows, locked here: requests in flight for as long as the test wants.
        await db.query('BEGIN');
        await db.query('SELECT 1 FROM petition_signature_counts WHERE petition_id = $1 FOR UPDATE', [held]);
        const sendHeld = (attempt: number) =>
          Promise.all(
            [1, 2, 3].map((i) =>
              graphql(app.url, SIGN_PETITION, { input: { petitionId: held, fullName: 'Ana Quispe', email: `held-${i}@example.org` } }, { token: partner }),
            ),
          ).then((answers) => ({ attempt, answers }));
        // Rarely (about one run in seven) the first held batch is answered SERVICE_UNAVAILABLE at once, before
        // reaching the lock; a client retries a 503, and so does this test, up to three times.
        let heldAnswers = sendHeld(1);
        let settled: { attempt: number; answers: HttpResult[] } | undefined;
        void heldAnswers.then((r) => (settled = r));
        await waitFor('the held signatures to wait on the lock', async () => {
          if (settled) {
            const { attempt, answers } = settled;
            if (attempt >= 3 || answers.some((a) => a.status !== 503)) {
              throw new Error(`the held signatures were answered before the lock: ${JSON.stringify(answers.map((a) => [a.status, a.body]))}`);
            }
            settled = undefined;
            heldAnswers = sendHeld(attempt + 1);
            void heldAnswers.then((r) => (settled = r));
            return false;
          }
          const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          return rows[0].n > 0;
        });

        // Keep-alive clients signing `busy` continuously.
        const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
        const answers: Array<HttpResult & { email: string; ok: boolean; sentAt: number }> = [];
        const unanswered: string[] = [];
        let n = 0;
        const client = async () => {
          for (;;) {
            const email = `busy-${n++}@example.org`;
            const sentAt = Date.now();
            try {
              const res = await graphql(app.url, SIGN_PETITION, { input: { petitionId: busy, fullName: 'Ana Quispe', email } }, { agent });
              answers.push({
                ...res,
                email,
                sentAt,
                ok: res.status === 200 && !!res.json.data?.signPetition,
              });
            } catch (failure) {
              if ((failure as HttpFailure).code !== NOT_SENT) unanswered.push(`${email}: ${(failure as HttpFailure).code}`);
              return;
            }
          }
        };
        const clients = Array.from({ length: 6 }, client);
        await waitFor('load before the signal', () => answers.length >= 30);

        // Readiness on a kept-alive connection of its own, already open.
        const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        expect((await request(`${app.url}/health/ready`, { agent: probeAgent })).status).toBe(200);

        const signalledAt = Date.now();
        app.child.kill('SIGTERM');
        let ready: HttpResult | undefined;
        await waitFor('readiness to turn 503', async () => {
          ready = await request(`${app.url}/health/ready`, {
            agent: probeAgent,
          });
          return ready.status === 503;
        });
        expect(ready!.headers.connection).toBe('close');
        expect(ready!.at - signalledAt).toBeLessThan(1000);

        // The drain waits for the held requests: the process is still there, and new connections are refused.
        expect(app.hasExited()).toBe(false);
        await expect(request(`${app.url}/health/live`)).rejects.toMatchObject({
          code: NOT_SENT,
        });

        await db.query('ROLLBACK');
        const held3 = (await heldAnswers).answers as Array<HttpResult & { json: any }>;
        expect(held3.map((r) => [r.status, !!r.json.data?.signPetition])).toEqual([
          [200, true],
          [200, true],
          [200, true],
        ]);
        expect(await app.exited).toEqual({ code: 0, signal: null });
        await Promise.all(clients);
        agent.destroy();
        probeAgent.destroy();

        // Every request sent was answered; those answered during the drain said `Connection: close`.
        expect(unanswered).toEqual([]);
        expect(answers.filter((a) => !a.ok).map((a) => a.status)).toEqual([]);
        // Requests in flight on kept-alive connections when the drain began were answered, telling the client to close.
        expect(answers.filter((a) => a.headers.connection === 'close').length).toBeGreaterThan(0);
        const acknowledged = [...answers.filter((a) => a.ok).map((a) => a.email), 'held-1@example.org', 'held-2@example.org', 'held-3@example.org'];
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${STORED_SIGNATURES} WHERE email = ANY($1)`, [acknowledged]);
        expect(rows[0].n).toBe(acknowledged.length);
      } finally {
        await db.end();
      }
    });
  });

  describe('kill -9 in embedded mode', () => {
    let dataDir: string;
    let app: AppProcess | undefined;
    let mailbox: Mailbox;

    beforeAll(async () => {
      mailbox = await Mailbox.start();
      dataDir = mkdtempSync(join(tmpdir(), 'marea-kill-'));
      // Run as root, the server runs as `postgres`, which must reach the folder (else the data moves elsewhere).
      chmodSync(dataDir, 0o755);
    });

    afterAll(async () => {
      if (app && !app.hasExited()) {
        app.child.kill('SIGKILL');
        await app.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      await mailbox.close();
    });

    it('stops the orphaned PostgreSQL, and the next start serves from the same data', async () => {
      // New accounts are verified through the mail the child sends to this process's SMTP server.
      app = await startAppProcess({ DATA_DIR: dataDir, SMTP_URL: mailbox.url });
      const first = await registerUser(remoteApp(app.url, { mailbox }));
      const pidFile = join(dataDir, 'postgres', 'pg', 'postmaster.pid');
      const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      expect(processAlive(postmaster)).toBe(true);

      app.child.kill('SIGKILL');
      expect(await app.exited).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor('the orphaned PostgreSQL to stop', () => !processAlive(postmaster), 15_000);
      await waitFor('PostgreSQL to remove its pid file', () => !existsSync(pidFile), 5000);

      // The next start finds the cluster and its data: the first user's token still names a stored user.
      app = await startAppProcess({ DATA_DIR: dataDir, SMTP_URL: mailbox.url });
      const t = remoteApp(app.url, { mailbox });
      const organisation = await createOrganisation(t, first);
      expect(organisation.id).toBeTruthy();
      await registerUser(t);
      app.child.kill('SIGTERM');
      expect(await app.exited).toEqual({ code: 0, signal: null });
      // A clean stop stops the embedded server too.
      expect(existsSync(pidFile)).toBe(false);
    });
  });
});
