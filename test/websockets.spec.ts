import { JwtService } from '@nestjs/jwt';
import { createClient, Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApiKey, createChapter, createOrganisation, createPetition, openPetition, registerUser, revokeApiKey, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A websocket keeps its credentials only while they are valid (an access token until its exp, an API
 * key until it is revoked on any instance), and holds a bounded number of subscriptions; a client IP
 * holds a bounded number of sockets.
 */

const COUNT_CHANGED = `subscription($petitionId: ID!) { signatureCountChanged(petitionId: $petitionId) { petitionId signatureCount } }`;

/** Rejects with `what` if `promise` has not settled in `ms`: a failing test says what it waited for instead of hanging. */
function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface CloseInfo {
  code: number;
  reason: string;
}

interface Live {
  client: WsClient;
  /** Resolves once the server acknowledged connection_init. */
  connected: Promise<void>;
  /** Resolves when the socket closes. */
  closed: Promise<CloseInfo>;
  isClosed(): boolean;
}

const clients: WsClient[] = [];

function connect(t: TestApp, token?: string): Live {
  let onClosed!: (info: CloseInfo) => void;
  let onConnected!: () => void;
  let closedYet = false;
  const closed = new Promise<CloseInfo>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${t.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    retryAttempts: 0,
    lazy: false,
    // The closes these tests cause are asserted through `closed`; the client would also log them.
    onNonLazyError: () => undefined,
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        closedYet = true;
        onClosed({ code: (event as CloseInfo).code, reason: String((event as CloseInfo).reason) });
      },
    },
  });
  clients.push(client);
  return { client, connected, closed, isClosed: () => closedYet };
}

interface Subscription {
  /** Resolves with the first count pushed. */
  first: Promise<number>;
  /** Resolves with the errors (GraphQL errors, or the close event) when the subscription fails. */
  failed: Promise<any>;
  stop(): void;
}

function subscribe(live: Live, petitionId: string): Subscription {
  let onFirst!: (n: number) => void;
  let onFailed!: (error: unknown) => void;
  const first = new Promise<number>((resolve) => (onFirst = resolve));
  const failed = new Promise<any>((resolve) => (onFailed = resolve));
  const stop = live.client.subscribe<{ signatureCountChanged: { signatureCount: number } }>(
    { query: COUNT_CHANGED, variables: { petitionId } },
    {
      next: (result) => (result.errors ? onFailed(result.errors) : onFirst(result.data!.signatureCountChanged.signatureCount)),
      error: (error) => onFailed(error),
      complete: () => undefined,
    },
  );
  return { first, failed, stop };
}

describe('websocket credentials and limits', () => {
  let a: TestApp; // WS_MAX_SOCKETS_PER_IP=3, for the socket cap only
  let b: TestApp; // same database; 3 subscriptions per socket, API keys re-checked every second
  let admin: TestUser;
  let organisationId: string;
  let petitionId: string;

  beforeAll(async () => {
    a = await startTestApp({ WS_MAX_SOCKETS_PER_IP: '3' });
    b = await startTestApp({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '3', WS_API_KEY_RECHECK_SECONDS: '1' }, { databaseUrl: a.databaseUrl });
    admin = await registerUser(a);
    organisationId = (await createOrganisation(a, admin)).id;
    const chapterId = (await createChapter(a, admin, organisationId)).id;
    petitionId = (await createPetition(a, admin, organisationId, chapterId, { visibility: 'PUBLIC' })).id;
    await openPetition(a, admin, petitionId);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await b?.close();
    await a?.close();
  });

  it('closes a socket with 4401 when its access token expires, at the token’s exp and not before', async () => {
    // A token of the admin that expires two seconds from now, signed as the app signs access tokens.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = b.app.get(JwtService).sign({ sub: admin.id, typ: 'access', exp });
    const live = connect(b, token);
    const sub = subscribe(live, petitionId);
    expect(await within(sub.first, 'the first count')).toBe(0);
    const closed = await within(live.closed, 'the socket to close at exp');
    expect(closed).toEqual({ code: 4401, reason: 'Access token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    // A token that keeps its validity keeps its socket.
    const lasting = connect(b, admin.token);
    expect(await within(subscribe(lasting, petitionId).first, 'the first count')).toBe(0);
    expect(lasting.isClosed()).toBe(false);
    void lasting.client.dispose();
  });

  it('closes a socket with 4401 within the re-check interval when its API key is revoked on another instance', async () => {
    const key = await createApiKey(a, admin, organisationId, ['PETITIONS_READ']);
    const other = await createApiKey(a, admin, organisationId, ['PETITIONS_READ']);
    const revoked = connect(b, key.secret);
    const kept = connect(b, other.secret);
    expect(await within(subscribe(revoked, petitionId).first, 'the first count')).toBe(0);
    expect(await within(subscribe(kept, petitionId).first, 'the first count')).toBe(0);

    await revokeApiKey(a, admin, key.id); // on the other instance
    const started = Date.now();
    expect(await within(revoked.closed, 'the revoked key’s socket to close')).toEqual({ code: 4401, reason: 'API key revoked' });
    expect(Date.now() - started).toBeLessThan(2500); // WS_API_KEY_RECHECK_SECONDS=1 in this app
    // The other key's socket stays, and the revoked key cannot connect again.
    expect(await within(subscribe(kept, petitionId).first, 'another count on the kept socket')).toBe(0);
    expect(kept.isClosed()).toBe(false);
    const again = connect(b, key.secret);
    expect((await within(again.closed, 'the reconnect to be refused')).code).toBe(4401);
    void kept.client.dispose();
  });

  it('refuses a subscription over WS_MAX_SUBSCRIPTIONS_PER_SOCKET with RATE_LIMITED, keeping the socket and the others', async () => {
    const live = connect(b);
    const subs = [subscribe(live, petitionId), subscribe(live, petitionId), subscribe(live, petitionId)];
    for (const sub of subs) expect(await within(sub.first, 'the first count')).toBe(0);

    const fourth = subscribe(live, petitionId);
    const errors = await within(fourth.failed, 'the fourth subscription to be refused');
    expect(errors.map((e: any) => e.extensions.code)).toEqual(['RATE_LIMITED']);
    expect(errors[0].message).toMatch(/At most 3 subscriptions per connection/);
    expect(live.isClosed()).toBe(false);

    // Completing one frees a place.
    subs[0].stop();
    const fifth = subscribe(live, petitionId);
    expect(await within(Promise.race([fifth.first, fifth.failed.then((e) => Promise.reject(e))]), 'the fifth subscription')).toBe(0);
    void live.client.dispose();
  });

  it('closes a socket over WS_MAX_SOCKETS_PER_IP with 4429; the others keep working and a closed one frees a place', async () => {
    const open = [connect(a), connect(a), connect(a)];
    await within(Promise.all(open.map((l) => l.connected)), 'three sockets to connect');
    const extra = connect(a);
    const closed = await within(extra.closed, 'the fourth socket to be closed');
    expect(closed).toEqual({ code: 4429, reason: 'Too many connections from this address (at most 3)' });
    for (const live of open) expect(await within(subscribe(live, petitionId).first, 'a count on an admitted socket')).toBe(0);

    // Once one closes (the server counts it out when its socket closes), a new one is admitted.
    void open[0].client.dispose();
    await within(open[0].closed, 'the first socket to close');
    const deadline = Date.now() + 5000;
    let admitted: Live | null = null;
    while (!admitted) {
      const attempt = connect(a);
      const outcome = await within(Promise.race([attempt.connected.then(() => 'connected'), attempt.closed.then((c) => c.code)]), 'a new socket');
      if (outcome === 'connected') admitted = attempt;
      else {
        expect(outcome).toBe(4429);
        if (Date.now() > deadline) throw new Error('no place was freed');
      }
    }
    expect(await within(subscribe(admitted, petitionId).first, 'a count on the new socket')).toBe(0);
    for (const live of [...open.slice(1), admitted]) void live.client.dispose();
  });
});
