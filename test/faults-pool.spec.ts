import { STORED_SIGNATURES } from './support/factories';
import http from 'node:http';
import type { Pool, PoolClient } from 'pg';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DatabasePools } from '../src/common/database/database-pools';
import { requestPool } from '../src/common/database/raw-reads';
import { HttpFailure, petitionWorld, request, SIGN_PETITION, waitFor } from './support/app-process';
import { startTestApp, TestApp } from './support/test-app';

const ACQUIRE_MS = 1000;
const PETITION = `query($id: ID!) { petition(id: $id) { id title } }`;

const sign = (t: TestApp, petitionId: string, email: string, init: RequestInit = {}) =>
  fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SIGN_PETITION, variables: { input: { petitionId, fullName: 'Ana Quispe', email } } }),
    ...init,
  });

const expectUnavailable = async (res: Response) => {
  expect(res.status).toBe(503);
  const body = (await res.json()) as { errors: Array<{ extensions: { code: string; retryAfterSeconds: number } }> };
  expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
  expect(Number.isInteger(body.errors[0].extensions.retryAfterSeconds) && body.errors[0].extensions.retryAfterSeconds > 0).toBe(true);
  expect(res.headers.get('retry-after')).toBe(String(body.errors[0].extensions.retryAfterSeconds));
};

/** Takes every connection of `pool`, so nothing else can borrow one until they are released. */
async function holdAll(pool: Pool): Promise<PoolClient[]> {
  await waitFor('the pool to be idle', () => pool.totalCount === pool.idleCount && pool.waitingCount === 0);
  return Promise.all(Array.from({ length: pool.options.max! }, () => pool.connect()));
}

describe('faults: pool exhaustion', () => {
  let t: TestApp;
  let db: Client;
  let petitionId: string;
  let exportKey: string;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '2', EXPORT_CONNECTIONS: '2', DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_MS) });
    ({
      petitionIds: [petitionId],
      exportKey,
    } = await petitionWorld(t));
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    // Big enough that a download nobody reads fills the socket buffers and holds its cursor open.
    await db.query(
      `INSERT INTO signatures (petition_id, full_name, email, comment, display_publicly, contact_consent, confirmed_at)
       SELECT $1, 'Signer ' || i, 'bulk-' || i || '@example.org', repeat('agua ', 60), false, false, now() FROM generate_series(1, 60000) AS i`,
      [petitionId],
    );
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('stalled CSV downloads hold only export connections: signing, reads and readiness keep working; one download too many answers 503 within the acquire timeout', async () => {
    const exportPool = t.app.get(DatabasePools).exportPool;
    const url = `${t.url}/exports/petitions/${petitionId}/signatures.csv`;
    const stalled: http.ClientRequest[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.get(url, { headers: { authorization: `Bearer ${exportKey}` }, agent: false }, (res) => {
            expect(res.statusCode).toBe(200);
            res.pause(); // the downloader stops reading
            resolve();
          });
          req.on('error', (error) => (stalled.includes(req) ? undefined : reject(error)));
          stalled.push(req);
        });
      }
      await waitFor('both export connections to be held', () => exportPool.totalCount - exportPool.idleCount === 2);

      const signed = await Promise.all(Array.from({ length: 10 }, (_, i) => sign(t, petitionId, `during-export-${i}@example.org`)));
      expect(signed.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect((await t.gql(PETITION, { id: petitionId })).data.petition.id).toBe(petitionId);
      expect((await request(`${t.url}/health/ready`)).status).toBe(200);

      const startedAt = Date.now();
      const third = await request(url, { headers: { authorization: `Bearer ${exportKey}` } });
      expect(third.status).toBe(503);
      expect(JSON.parse(third.body)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: expect.any(Number) });
      expect(Date.now() - startedAt).toBeLessThan(ACQUIRE_MS + 1500);
      // Still held: the stalled downloads were not what gave way.
      expect(exportPool.totalCount - exportPool.idleCount).toBe(2);
    } finally {
      for (const req of stalled) req.destroy();
    }
    await waitFor('the export connections to be let go', () => exportPool.totalCount - exportPool.idleCount === 0);
  });

  it('runs request statements under the statement timeout, and export connections without one', async () => {
    expect(await t.app.get(DataSource).query('SHOW statement_timeout')).toEqual([{ statement_timeout: '10s' }]);
    const exportConnection = await t.app.get(DatabasePools).exportConnection();
    try {
      expect((await exportConnection.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '0' }]);
    } finally {
      exportConnection.release();
    }
  });

  it('with every request connection held, requests answer SERVICE_UNAVAILABLE within the acquire timeout, and work again once released', async () => {
    const pool = requestPool(t.app.get(DataSource));
    const held = await holdAll(pool);
    try {
      let startedAt = Date.now();
      await expectUnavailable(await sign(t, petitionId, 'while-held@example.org'));
      expect(Date.now() - startedAt).toBeLessThan(ACQUIRE_MS + 1500);

      startedAt = Date.now();
      const read = await t.gql(PETITION, { id: petitionId });
      expect(read.status).toBe(503);
      expect(read.errors![0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(Date.now() - startedAt).toBeLessThan(ACQUIRE_MS + 1500);

      // Credentials that cannot be checked are not bad credentials: an API key's lookup fails as SERVICE_UNAVAILABLE too.
      const withKey = await t.gql(PETITION, { id: petitionId }, exportKey);
      expect(withKey.status).toBe(503);
      expect(withKey.errors![0].extensions.code).toBe('SERVICE_UNAVAILABLE');

      startedAt = Date.now();
      expect((await request(`${t.url}/health/ready`)).status).toBe(503);
      expect(Date.now() - startedAt).toBeLessThan(1500);
    } finally {
      for (const client of held) client.release();
    }
    expect((await sign(t, petitionId, 'after-held@example.org')).status).toBe(200);
    const { rows } = await db.query(`SELECT email FROM ${STORED_SIGNATURES} WHERE email = ANY($1) ORDER BY email`, [
      ['after-held@example.org', 'while-held@example.org'],
    ]);
    expect(rows).toEqual([{ email: 'after-held@example.org' }]);
  });
});

describe('faults: request deadlines', () => {
  let t: TestApp;
  let db: Client;
  let petitionId: string;
  let pool: Pool;

  beforeAll(async () => {
    // Waiting for a connection may take longer than a request may: the deadline decides.
    t = await startTestApp({ DATABASE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '10000', REQUEST_TIMEOUT_MS: '1000' });
    ({
      petitionIds: [petitionId],
    } = await petitionWorld(t));
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    pool = requestPool(t.app.get(DataSource));
  });

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const stored = async (email: string) => (await db.query(`SELECT 1 FROM ${STORED_SIGNATURES} WHERE email = $1`, [email])).rowCount;

  it('does not write a signature whose deadline passed while it waited, and answers SERVICE_UNAVAILABLE', async () => {
    const held = await holdAll(pool);
    let answer: Promise<Response>;
    try {
      const sentAt = Date.now();
      answer = sign(t, petitionId, 'late@example.org');
      await waitFor('the request to wait for a connection', () => pool.waitingCount > 0);
      await waitFor('its deadline to pass', () => Date.now() > sentAt + 1100);
    } finally {
      for (const client of held) client.release();
    }
    await expectUnavailable(await answer);
    expect(await stored('late@example.org')).toBe(0);
  });

  it('does not write a signature whose client gave up while it waited', async () => {
    const server = t.app.getHttpServer() as http.Server;
    const connections = () => new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
    const before = await connections();
    const held = await holdAll(pool);
    try {
      const gaveUp = new Promise<void>((resolve, reject) => {
        const req = http.request(`${t.url}/graphql`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } });
        req.on('error', (error: HttpFailure) => (error.code === 'ECONNRESET' ? resolve() : reject(error)));
        req.end(JSON.stringify({ query: SIGN_PETITION, variables: { input: { petitionId, fullName: 'Ana Quispe', email: 'gone@example.org' } } }));
        void waitFor('the request to wait for a connection', () => pool.waitingCount > 0).then(() => req.destroy(), reject);
      });
      await gaveUp;
      await waitFor('the server to see the client go', async () => (await connections()) === before);
    } finally {
      for (const client of held) client.release();
    }
    // A later signature is answered after the abandoned one has been dealt with (it queued first).
    expect((await sign(t, petitionId, 'stayed@example.org')).status).toBe(200);
    await waitFor('the pool to settle', () => pool.waitingCount === 0 && pool.idleCount === pool.totalCount);
    expect(await stored('stayed@example.org')).toBe(1);
    expect(await stored('gone@example.org')).toBe(0);
  });
});
