import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createApiKey, createChapter, createOrganisation, createPetition, openPetition, registerUser, TestUser } from './factories';
import type { Mailbox } from './mailbox';
import type { TestApp } from './test-app';

const ROOT = join(__dirname, '..', '..');

/** A response, or why there was none. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** When the answer (or the failure) arrived. */
  at: number;
}

export class HttpFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Set when the answer had begun (status line and headers received) and its body was cut. */
    readonly status?: number,
    readonly at = Date.now(),
  ) {
    super(message);
  }
}

/** One HTTP/1.1 request through `agent` (keep-alive when the agent keeps connections); rejects with HttpFailure when no answer came. */
export function request(
  url: string,
  options: { method?: string; agent?: http.Agent; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: options.agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }));
      res.on('error', (error: NodeJS.ErrnoException) => reject(new HttpFailure(error.code ?? 'RESPONSE_ERROR', error.message, res.statusCode)));
    });
    req.on('error', (error: NodeJS.ErrnoException) => reject(new HttpFailure(error.code ?? 'REQUEST_ERROR', error.message)));
    req.end(options.body);
  });
}

/** POST /graphql; the parsed body with the HTTP status and headers. */
export async function graphql(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { agent?: http.Agent; token?: string } = {},
): Promise<HttpResult & { json: any }> {
  const result = await request(`${baseUrl}/graphql`, {
    method: 'POST',
    agent: options.agent,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { ...result, json: JSON.parse(result.body) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `condition` holds, checking every `everyMs`; rejects after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 20): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  /** Parsed JSON log lines (and raw ones that were not JSON, as { msg }). */
  logs: Array<Record<string, any>>;
  /** Settles when the process exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

/**
 * src/main.ts as a real child process (TypeScript through SWC, as in Jest), so signals and exits are
 * the real ones. Resolves once /health/ready answers 200; rejects if the process exits before that.
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      // Any free port, named in the start-up log (choosing one here would race the embedded PostgreSQL's choice).
      PORT: '0',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      RATE_LIMIT_SIGN_PER_MINUTE: '100000',
      RATE_LIMIT_SIGN_PER_HOUR: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, any>> = [];
  let exitedFlag = false;
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        try {
          logs.push(JSON.parse(line) as Record<string, any>);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    }),
  );
  const listening = () => logs.map((l) => /^Marea listening on http:\/\/localhost:(\d+)\//.exec(String(l.msg))).find(Boolean);
  const failedStart = () => {
    if (exitedFlag) throw new Error(`app exited during start: ${logs.map((l) => l.msg).join('\n')}`);
  };
  await waitFor('the app to listen', () => (failedStart(), !!listening()), 45_000, 50);
  const url = `http://127.0.0.1:${listening()![1]}`;
  await waitFor(
    'the app to be ready',
    () => (
      failedStart(),
      request(`${url}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      )
    ),
    10_000,
    50,
  );
  return { child, url, logs, exited, hasExited: () => exitedFlag };
}

/** Whether a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The factories' view of an app running in another process: they call gql, and verify new accounts
 * through its database (`databaseUrl`) or through the mail it sends (`mailbox`, its SMTP_URL).
 */
export function remoteApp(url: string, reach: { databaseUrl?: string; mailbox?: Mailbox }): TestApp {
  return {
    url,
    ...reach,
    async gql(query: string, variables?: Record<string, unknown>, token?: string) {
      const { status, json } = await graphql(url, query, variables, { token });
      return { status, ...json };
    },
  } as unknown as TestApp;
}

export const SIGN_PETITION = `mutation($input: SignPetitionInput!) { signPetition(input: $input) { petition { id } } }`;

/** A user, organisation, chapter and OPEN petitions on an app; and a SIGNATURES_READ key. */
export async function petitionWorld(t: TestApp, petitions = 1): Promise<{ admin: TestUser; organisationId: string; petitionIds: string[]; exportKey: string }> {
  const admin = await registerUser(t);
  const organisation = await createOrganisation(t, admin);
  const chapter = await createChapter(t, admin, organisation.id);
  const petitionIds: string[] = [];
  for (let i = 0; i < petitions; i++) {
    const petition = await createPetition(t, admin, organisation.id, chapter.id);
    await openPetition(t, admin, petition.id);
    petitionIds.push(petition.id);
  }
  const exportKey = (await createApiKey(t, admin, organisation.id, ['SIGNATURES_READ'])).secret;
  return { admin, organisationId: organisation.id, petitionIds, exportKey };
}
