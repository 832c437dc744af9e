import { randomBytes, randomUUID } from 'node:crypto';
import { createClient, Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { SIGN_PETITION } from './support/documents';
import { SignatureCountNotifier } from '../src/modules/petitions/signature-count.notifier';
import { withDb } from './support/db';
import { confirmQueuedSignatures, createApiKey, createChapter, createOrganisation, registerUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Live signature counts over graphql-ws with two app instances on one database: subscribers on A,
 * signatures on B, so every update has to cross instances through PostgreSQL LISTEN/NOTIFY.
 */

const unique = () => randomBytes(4).toString('hex');
const COUNT_CHANGED = `subscription($petitionId: ID!) { signatureCountChanged(petitionId: $petitionId) { petitionId signatureCount } }`;

/** Rejects with `what` if `promise` has not settled in `ms`: a failing test says what it waited for instead of hanging. */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls a condition on server-side state (not on messages) until it holds. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface CloseInfo {
  code: number;
  reason: string;
}

interface Live {
  client: WsClient;
  /** Resolves when the socket closes. */
  closed: Promise<CloseInfo>;
}

const clients: WsClient[] = [];

/** A graphql-ws client of `t`, anonymous or carrying `token` in connectionParams. */
function connect(t: TestApp, token?: string): Live {
  let onClosed!: (info: CloseInfo) => void;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    retryAttempts: 0,
    on: { closed: (event) => onClosed({ code: (event as CloseInfo).code, reason: String((event as CloseInfo).reason) }) },
  });
  clients.push(client);
  return { client, closed };
}

interface Subscription {
  /** Every count received, in order. */
  counts: number[];
  /** Resolves once a message with this count arrives (at once if one did). */
  reaches(count: number): Promise<void>;
  /** Resolves when the server completes the subscription. */
  completed: Promise<void>;
  /** Rejects on the first error (GraphQL errors or a closed socket); resolves with it. */
  failed: Promise<any>;
  stop(): void;
}

function subscribe(live: Live, petitionId: string): Subscription {
  const counts: number[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let complete!: () => void;
  let fail!: (error: unknown) => void;
  const completed = new Promise<void>((resolve) => (complete = resolve));
  const failed = new Promise<any>((resolve) => (fail = resolve));
  const stop = live.client.subscribe<{ signatureCountChanged: { petitionId: string; signatureCount: number } }>(
    { query: COUNT_CHANGED, variables: { petitionId } },
    {
      next: (result) => {
        if (result.errors) return fail(result.errors);
        const update = result.data!.signatureCountChanged;
        expect(update.petitionId).toBe(petitionId);
        counts.push(update.signatureCount);
        for (const w of waiters.filter((w) => w.count === update.signatureCount)) w.resolve();
      },
      error: (error) => fail(error),
      complete: () => complete(),
    },
  );
  return {
    counts,
    completed,
    failed,
    stop,
    reaches: (count) =>
      within(
        counts.includes(count) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
        `signatureCount ${count} (received so far: ${counts.join(', ') || 'nothing'})`,
      ),
  };
}

describe('live signature counts (graphql-ws, two instances, one database)', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: TestUser;
  let organisationId: string;
  let chapterId: string;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, { databaseUrl: a.databaseUrl });
    admin = await registerUser(a);
    organisationId = (await createOrganisation(a, admin)).id;
    chapterId = (await createChapter(a, admin, organisationId)).id;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await b?.close();
    await a?.close();
  });

  /** A petition of the test chapter, created on A and opened unless `draft`. */
  async function petition(options: { draft?: boolean; visibility?: string } = {}): Promise<string> {
    const created = await a.gql(
      `mutation($input: CreatePetitionInput!) { createPetition(input: $input) { id } }`,
      {
        input: {
          organisationId,
          chapterId,
          title: `Free the river ${unique()}`,
          target: 'The Minister of Water',
          body: 'Stop the dam.',
          visibility: options.visibility ?? 'PUBLIC',
        },
      },
      admin.token,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data.createPetition.id;
    if (!options.draft) {
      const opened = await a.gql(`mutation($id: ID!) { openPetition(id: $id) { id } }`, { id }, admin.token);
      expect(opened.errors).toBeUndefined();
    }
    return id;
  }

  async function sign(t: TestApp, petitionId: string, token?: string): Promise<void> {
    const res = await t.gql(SIGN_PETITION, { input: { petitionId, fullName: 'Ana María Quispe', email: `signer-${unique()}@example.org` } }, token);
    expect(res.errors).toBeUndefined();
    // Counts move at confirmation (double opt-in): confirmed on the same instance, as its link would.
    await confirmQueuedSignatures(t);
  }

  async function countOf(t: TestApp, petitionId: string): Promise<number> {
    const res = await t.gql(`query($id: ID!) { petition(id: $id) { signatureCount } }`, { id: petitionId }, admin.token);
    return res.data.petition.signatureCount;
  }

  it('pushes the current count, then a signature made on the other instance within a second', async () => {
    const id = await petition();
    const live = subscribe(connect(a), id);
    await live.reaches(0);

    const started = Date.now();
    await sign(b, id);
    await live.reaches(1);
    expect(Date.now() - started).toBeLessThan(1000);

    // Signing again with the same email adds nothing, so nothing is pushed; the next new signer is.
    const email = `same-${unique()}@example.org`;
    for (let i = 0; i < 2; i++) {
      const res = await b.gql(SIGN_PETITION, { input: { petitionId: id, fullName: 'Rosa Mamani', email } });
      expect(res.errors).toBeUndefined();
      await confirmQueuedSignatures(b);
    }
    await live.reaches(2);
    await sign(a, id);
    await live.reaches(3);
    expect(live.counts).toEqual([0, 1, 2, 3]);
    live.stop();
  });

  it('coalesces a burst: 100 signatures on B reach a subscriber on A as a handful of messages ending at the final count', async () => {
    const id = await petition();
    const live = subscribe(connect(a, admin.token), id);
    await live.reaches(0);

    const started = Date.now();
    await Promise.all(Array.from({ length: 100 }, () => sign(b, id)));
    const burstMs = Date.now() - started;
    await live.reaches(100);

    const updates = live.counts.slice(1);
    // At most one NOTIFY per petition per 250 ms from B and one recount per 250 ms on A.
    expect(updates.length).toBeLessThanOrEqual(Math.max(10, Math.ceil(burstMs / 250) + 3));
    expect(updates.at(-1)).toBe(100);
    expect([...updates].sort((x, y) => x - y)).toEqual(updates);
    expect(new Set(updates).size).toBe(updates.length);
    expect(await countOf(a, id)).toBe(100);
    live.stop();
  });

  it('fans out to every subscriber of the petition on both instances, and to no one else', async () => {
    const id = await petition();
    const other = await petition();
    const onA = subscribe(connect(a), id);
    const onB = subscribe(connect(b, admin.token), id);
    const bystander = subscribe(connect(a), other);
    await Promise.all([onA.reaches(0), onB.reaches(0), bystander.reaches(0)]);

    await sign(a, id);
    await Promise.all([onA.reaches(1), onB.reaches(1)]);
    // Each message carries its own petition's count: the bystander's stays 0 until its own petition is signed.
    await sign(b, other);
    await bystander.reaches(1);
    expect(bystander.counts).toEqual([0, 1]);
    expect(onA.counts).toEqual([0, 1]);
    for (const s of [onA, onB, bystander]) s.stop();
  });

  it('a petition the subscriber may not see (DRAFT) is NOT_FOUND, exactly like one that does not exist; its organisers may subscribe', async () => {
    const draft = await petition({ draft: true });
    const [hidden] = await within(subscribe(connect(a), draft).failed, 'an error');
    const [missing] = await within(subscribe(connect(a), randomUUID()).failed, 'an error');
    expect(hidden.extensions.code).toBe('NOT_FOUND');
    expect(hidden.message).toBe(missing.message);
    expect(missing.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(hidden.path).toEqual(['signatureCountChanged']);

    const outsider = await registerUser(a);
    const [forUser] = await within(subscribe(connect(a, outsider.token), draft).failed, 'an error');
    expect(forUser.extensions.code).toBe('NOT_FOUND');

    const organiser = subscribe(connect(b, admin.token), draft);
    await organiser.reaches(0);
    organiser.stop();
  });

  it('a petition id must be an id', async () => {
    const [error] = await within(subscribe(connect(a), 'not-an-id').failed, 'an error');
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual({ petitionId: 'must be an id' });
  });

  it('bad credentials close the connection with 4401 instead of being treated as anonymous', async () => {
    for (const token of ['not-a-jwt', 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl', `mk_${randomBytes(24).toString('hex')}`]) {
      const live = connect(a, token);
      const failed = subscribe(live, await petition()).failed;
      const closed = await within(live.closed, 'the socket to close');
      expect(closed.code).toBe(4401);
      expect((await within(failed, 'the subscription to fail')).code).toBe(4401);
    }
  });

  it('an API key of the organisation may subscribe with its key as bearer token', async () => {
    const id = await petition({ visibility: 'CHAPTER' });
    const key = await createApiKey(a, admin, organisationId, ['PETITIONS_READ']);
    const live = subscribe(connect(a, key.secret), id);
    await live.reaches(0);
    await sign(b, id, admin.token);
    await live.reaches(1);
    live.stop();
  });

  it('only subscriptions are served over the socket; queries and mutations go to POST /graphql', async () => {
    const live = connect(a);
    const result = await within(
      new Promise<any>((resolve) => {
        live.client.subscribe({ query: '{ organisations { totalCount } }' }, { next: resolve, error: resolve, complete: () => undefined });
      }),
      'an answer',
    );
    expect(result[0]?.extensions?.code ?? result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('documents over the socket get the same limits as over HTTP', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: signatureCountChanged(petitionId: $id) { signatureCount }`).join(' ');
    const live = connect(a);
    const result = await within(
      new Promise<any>((resolve) => {
        live.client.subscribe(
          { query: `subscription($id: ID!) { ${aliases} }`, variables: { id: randomUUID() } },
          { next: resolve, error: resolve, complete: () => undefined },
        );
      }),
      'an answer',
    );
    const errors = Array.isArray(result) ? result : result.errors;
    expect(errors.map((e: any) => e.extensions.code)).toContain('GRAPHQL_VALIDATION_FAILED');

    // A syntax error is an answer too, and the socket stays usable.
    const syntax = await within(
      new Promise<any>((resolve) => {
        live.client.subscribe({ query: 'subscription {' }, { next: resolve, error: resolve, complete: () => undefined });
      }),
      'an answer',
    );
    expect(syntax[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const id = await petition();
    await subscribe(live, id).reaches(0);
  });

  it('a subscriber who can no longer see the petition is dropped at the next change', async () => {
    const id = await petition();
    const anonymous = subscribe(connect(a), id);
    const organiser = subscribe(connect(a, admin.token), id);
    await Promise.all([anonymous.reaches(0), organiser.reaches(0)]);

    const res = await b.gql(`mutation($id: ID!) { updatePetition(id: $id, input: { visibility: CHAPTER }) { id } }`, { id }, admin.token);
    expect(res.errors).toBeUndefined();
    await sign(b, id, admin.token);
    await organiser.reaches(1);
    await within(anonymous.completed, 'the anonymous subscription to end');
    expect(anonymous.counts).toEqual([0]);
    organiser.stop();
  });

  it('survives losing the LISTEN connection: it reconnects and catches up', async () => {
    const id = await petition();
    const live = subscribe(connect(a), id);
    await live.reaches(0);

    const killed = await withDb(a.databaseUrl, (db) =>
      db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'marea-listen' AND datname = current_database()`),
    );
    expect(killed.rowCount).toBe(2);
    await sign(b, id);
    await live.reaches(1);
    await sign(b, id);
    await live.reaches(2);
    live.stop();
  });

  it('forgets a petition when its last subscriber leaves', async () => {
    const notifier = a.app.get(SignatureCountNotifier);
    const id = await petition();
    const live = connect(a);
    const first = subscribe(live, id);
    const second = subscribe(live, id);
    await Promise.all([first.reaches(0), second.reaches(0)]);
    expect(notifier.subscriberCount(id)).toBe(2);
    first.stop();
    await eventually(() => notifier.subscriberCount(id) === 1, 'one subscriber to be forgotten');
    second.stop();
    await eventually(() => notifier.subscriberCount(id) === 0, 'the petition to be forgotten');
  });
});
