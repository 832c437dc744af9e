import { randomUUID } from 'node:crypto';
import { IdempotencyStore } from '../src/common/idempotency/idempotency.store';
import { dbClient, DbClient } from './support/db';
import { createApiKey, createPetition, openPetition, STORED_SIGNATURES } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { createWorld, World } from './support/world';

const CREATE_EVENT = `mutation($input: CreateEventInput!) { createEvent(input: $input) { id title status createdAt updatedAt } }`;
const SIGN = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id title } } }`;

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

describe('Idempotency-Key', () => {
  let t: TestApp;
  /** A second instance on the same database: claims must hold across instances. */
  let t2: TestApp;
  let db: DbClient;
  let world: World;
  let petitionId: string;

  /** POST /graphql with an Idempotency-Key; the answer as bytes (text), status and headers. */
  async function post(
    query: string,
    variables: Record<string, unknown>,
    key: string | undefined,
    opts: { token?: string; ip?: string; app?: TestApp } = {},
  ): Promise<Raw> {
    const response = await fetch(`${(opts.app ?? t).url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key !== undefined ? { 'idempotency-key': key } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.ip ? { 'x-forwarded-for': opts.ip } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }
  const codeOf = (raw: Raw) => (JSON.parse(raw.text) as { errors?: Array<{ extensions: { code: string } }> }).errors?.[0]?.extensions.code;

  const eventInput = (title: string) => {
    const startsAt = new Date(Date.now() + 7 * 24 * 3600_000);
    return {
      input: {
        chapterId: world.chapterA.id,
        title,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(),
        timeZone: 'Europe/London',
      },
    };
  };
  const eventsTitled = async (title: string) => (await db.query('SELECT count(*)::int AS n FROM events WHERE title = $1', [title])).rows[0].n as number;

  beforeAll(async () => {
    // Trusting X-Forwarded-For lets one test play several anonymous clients; sign limits low enough to reach.
    t = await startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_SIGN_PER_MINUTE: '3' });
    t2 = await startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_SIGN_PER_MINUTE: '3' }, { databaseUrl: t.databaseUrl });
    db = await dbClient(t.databaseUrl);
    world = await createWorld(t);
    petitionId = (await createPetition(t, world.organiser, world.org.id, world.chapterA.id)).id;
    await openPetition(t, world.organiser, petitionId);
  });
  afterAll(async () => {
    await db?.end();
    await t2?.close();
    await t?.close();
  });

  /** 50 copies of one request at once: one runs, the others replay its answer or (only while it runs) get CONFLICT. */
  async function fifty(send: (app: TestApp) => Promise<Raw>): Promise<{ successes: Raw[]; conflicts: Raw[] }> {
    // Spread over both instances.
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => send(i % 2 ? t2 : t)));
    const successes = answers.filter((a) => a.status === 200);
    const conflicts = answers.filter((a) => a.status !== 200);
    for (const c of conflicts) {
      expect(c.status).toBe(409);
      expect(codeOf(c)).toBe('CONFLICT');
    }
    expect(successes.length).toBeGreaterThanOrEqual(1);
    for (const s of successes) expect(s.text).toBe(successes[0].text);
    // Once the first has answered, a retry is never CONFLICT: it replays the same bytes.
    const after = await send(t2);
    expect(after.status).toBe(200);
    expect(after.text).toBe(successes[0].text);
    expect(after.headers.get('content-type')).toBe(successes[0].headers.get('content-type'));
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    return { successes, conflicts };
  }

  it('50 concurrent retries of one createEvent, on two instances, create one event, and every success is byte-identical', async () => {
    const title = `Vigil ${randomUUID()}`;
    const key = randomUUID();
    const input = eventInput(title);
    const { successes } = await fifty((app) => post(CREATE_EVENT, input, key, { token: world.organiser.token, app }));
    expect(JSON.parse(successes[0].text).data.createEvent.title).toBe(title);
    expect(await eventsTitled(title)).toBe(1);
  });

  it('50 concurrent retries of one signPetition, on two instances, add one signature, and every success is byte-identical', async () => {
    const email = `signer-${randomUUID()}@example.org`;
    const key = randomUUID();
    await fifty((app) => post(SIGN, { input: { petitionId, fullName: 'Ana Quispe', email } }, key, { ip: '198.51.100.1', app }));
    // Anonymous: the one run queues one signature job (stored by a worker later); a retry that ran again would queue another.
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${STORED_SIGNATURES} WHERE petition_id = $1 AND email = $2`, [petitionId, email]);
    expect(rows[0].n).toBe(1);
    const [{ n: stored }] = (await db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1 AND state = 'DONE'`, [key])).rows;
    expect(stored).toBe(1);
  });

  it('the same key with other variables or another document is IDEMPOTENCY_KEY_REUSED (422) and runs nothing', async () => {
    const key = randomUUID();
    const first = `Vigil ${randomUUID()}`;
    expect((await post(CREATE_EVENT, eventInput(first), key, { token: world.organiser.token })).status).toBe(200);
    const other = `Vigil ${randomUUID()}`;
    const reused = await post(CREATE_EVENT, eventInput(other), key, { token: world.organiser.token });
    expect(reused.status).toBe(422);
    expect(codeOf(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherDocument = await post(`mutation($input: CreateEventInput!) { createEvent(input: $input) { id } }`, eventInput(first), key, {
      token: world.organiser.token,
    });
    expect(otherDocument.status).toBe(422);
    expect(await eventsTitled(other)).toBe(0);
    expect(await eventsTitled(first)).toBe(1);
  });

  it('keys are per caller: another user, an API key and another client IP each have their own', async () => {
    const key = randomUUID();
    const title = `Vigil ${randomUUID()}`;
    const input = eventInput(title);
    const byOrganiser = await post(CREATE_EVENT, input, key, { token: world.organiser.token });
    const byAdmin = await post(CREATE_EVENT, input, key, { token: world.admin.token });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.parse(byAdmin.text).data.createEvent.id).not.toBe(JSON.parse(byOrganiser.text).data.createEvent.id);
    const apiKey = await createApiKey(t, world.admin, world.org.id, ['EVENTS_WRITE']);
    expect((await post(CREATE_EVENT, input, key, { token: apiKey.secret })).headers.get('idempotent-replayed')).toBeNull();
    expect(await eventsTitled(title)).toBe(3);

    // Anonymous callers: by client IP, an IPv6 client by its /64.
    const sign = (email: string, ip: string) => post(SIGN, { input: { petitionId, fullName: 'Beto Mamani', email } }, key, { ip });
    expect((await sign(`a-${randomUUID()}@example.org`, '2001:db8:5:6::1')).status).toBe(200);
    const sameSlash64 = await sign(`b-${randomUUID()}@example.org`, '2001:db8:5:6:ffff::2');
    expect(codeOf(sameSlash64)).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherIp = await sign(`b-${randomUUID()}@example.org`, '2001:db8:5:7::1');
    expect(otherIp.status).toBe(200);
    expect(codeOf(otherIp)).toBeUndefined();
  });

  it('a key is forgotten after 24 hours, and a crashed request’s claim is taken over once stale', async () => {
    const key = randomUUID();
    const first = `Vigil ${randomUUID()}`;
    await post(CREATE_EVENT, eventInput(first), key, { token: world.organiser.token });
    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    const second = `Vigil ${randomUUID()}`;
    const afterExpiry = await post(CREATE_EVENT, eventInput(second), key, { token: world.organiser.token });
    expect(afterExpiry.status).toBe(200);
    expect(await eventsTitled(second)).toBe(1);

    // A RUNNING claim whose instance died: CONFLICT while recent, run again once older than the stale limit.
    const crashedKey = randomUUID();
    const crashed = `Vigil ${randomUUID()}`;
    const crashedInput = eventInput(crashed);
    await post(CREATE_EVENT, crashedInput, crashedKey, { token: world.organiser.token });
    await db.query(`UPDATE idempotency_keys SET state = 'RUNNING', status = NULL, body = NULL, locked_at = now() WHERE key = $1`, [crashedKey]);
    expect((await post(CREATE_EVENT, crashedInput, crashedKey, { token: world.organiser.token })).status).toBe(409);
    await db.query(`UPDATE idempotency_keys SET locked_at = now() - interval '1 hour' WHERE key = $1`, [crashedKey]);
    const retaken = await post(CREATE_EVENT, crashedInput, crashedKey, { token: world.organiser.token });
    expect(retaken.status).toBe(200);
    expect(await eventsTitled(crashed)).toBe(2);
  });

  it('domain errors are kept and replayed like successes; the sweep forgets expired keys', async () => {
    const key = randomUUID();
    const input = eventInput(`Vigil ${randomUUID()}`);
    input.input.startsAt = new Date(Date.now() - 3600_000).toISOString();
    const first = await post(CREATE_EVENT, input, key, { token: world.organiser.token });
    expect(codeOf(first)).toBe('BAD_USER_INPUT');
    const again = await post(CREATE_EVENT, input, key, { token: world.organiser.token });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);

    await db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    await t.app.get(IdempotencyStore).sweep();
    expect((await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount).toBe(0);
    expect((await db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE expires_at > now()')).rows[0].n).toBeGreaterThan(0);
  });

  it('RATE_LIMITED answers are not kept: the key stays free for a retry', async () => {
    const ip = '203.0.113.77';
    for (let i = 0; i < 3; i++) {
      expect(
        (await post(SIGN, { input: { petitionId, fullName: 'Ana Quispe', email: `r${i}-${randomUUID()}@example.org` } }, randomUUID(), { ip })).status,
      ).toBe(200);
    }
    const key = randomUUID();
    const limited = await post(SIGN, { input: { petitionId, fullName: 'Ana Quispe', email: `x-${randomUUID()}@example.org` } }, key, { ip });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect((await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount).toBe(0);
    // Not IDEMPOTENCY_KEY_REUSED: nothing was kept for this key.
    const retry = await post(SIGN, { input: { petitionId, fullName: 'Ana Quispe', email: `y-${randomUUID()}@example.org` } }, key, { ip });
    expect(codeOf(retry)).toBe('RATE_LIMITED');
  });

  it('a bad header is BAD_USER_INPUT (400); on a request without a mutation the header is ignored', async () => {
    const title = `Vigil ${randomUUID()}`;
    for (const bad of ['x'.repeat(256), 'tab\tkey']) {
      const res = await post(CREATE_EVENT, eventInput(title), bad, { token: world.organiser.token });
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(JSON.parse(res.text).errors[0].extensions.fields['Idempotency-Key']).toMatch(/255/);
    }
    expect(await eventsTitled(title)).toBe(0);
    const query = await post(`{ organisations { totalCount } }`, {}, 'x'.repeat(300));
    expect(query.status).toBe(200);
    expect(JSON.parse(query.text).data.organisations.totalCount).toBeGreaterThan(0);
  });
});
