import 'reflect-metadata';
import { fork, spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../src/app';
import { loadConfig } from '../src/common/config/config';
import { Settings } from '../src/common/config/settings';
import { EmbeddedPostgres, startEmbeddedPostgres } from '../src/common/database/embedded-postgres';
import { migrate } from '../src/database/migrate';
import { hashPassword } from '../src/modules/auth/passwords';
import type { LoadOptions, LoadResult } from './load-worker';

const BENCH_MAIL_ENV = { JOBS_ENABLED: 'false', SMTP_URL: 'smtp://127.0.0.1:9' };

/**
 * A verified, signed-in account for seeding: what register plus its emailed link would make, written
 * in SQL (jobs are off in benchmarks), then a real login. Answers in register's former shape.
 */
export async function signUp(s: BenchServer, email: string): Promise<{ register: { accessToken: string; user: { id: string } } }> {
  await s.sql.query(`INSERT INTO users (email, display_name, password_hash, email_verified_at) VALUES ($1, $2, $3, now())`, [
    email,
    email.split('@')[0],
    await hashPassword('correct horse battery'),
  ]);
  const { login } = await s.gql(`mutation($input: LoginInput!) { login(input: $input) { accessToken user { id } } }`, {
    input: { email, password: 'correct horse battery' },
  });
  return { register: login };
}

export interface BenchServer {
  app: NestExpressApplication;
  url: string;
  databaseUrl: string;
  jwtSecret: string;
  /** POST /graphql and return the parsed body; throws on errors. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  sql: Client;
  close(): Promise<void>;
}

/**
 * A fresh database on DATABASE_URL's server (or on an embedded PostgreSQL), migrated, and the app
 * running in this process in production mode with request logging off.
 */
export async function startBenchServer(): Promise<BenchServer> {
  let embedded: EmbeddedPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dir: mkdtempSync(join(tmpdir(), 'marea-bench-')), ephemeral: true });
    serverUrl = embedded.url;
  }
  const name = `marea_bench_${process.pid}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl);

  const jwtSecret = 'bench-secret-bench-secret-bench-secret-0';
  // Jobs off and a placeholder SMTP server: the benchmarks measure the request path; their users are made verified in SQL (signUp).
  const config = loadConfig({
    ...BENCH_MAIL_ENV,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
  });
  const app = await createApp(new Settings(config, databaseUrl, jwtSecret));
  await app.listen(0, '127.0.0.1');
  const appUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  return {
    app,
    url: appUrl,
    databaseUrl,
    jwtSecret,
    sql,
    async gql(query, variables = {}, token) {
      const response = await fetch(`${appUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async close() {
      // Requests still running when a load ended finish before the pool closes.
      const pool = (app.get(DataSource).driver as unknown as { master: { totalCount: number; idleCount: number; waitingCount: number } }).master;
      while (pool.totalCount > pool.idleCount || pool.waitingCount > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      await sql.end();
      await app.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await embedded?.stop();
    },
  };
}

/**
 * Counts the SQL statements the app sends while `work` runs (every statement of every pooled
 * connection goes through pg's Client#query).
 */
export async function countStatements(work: () => Promise<unknown>): Promise<number> {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return count;
}

/** Runs autocannon in a child process, so the load generator does not share the server's event loop. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'load-worker.js'), [JSON.stringify(options)]);
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

export function printLoad(label: string, r: LoadResult): void {
  console.log(
    `${label}: ${r.requestsPerSecond.toFixed(0)} requests/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.total} requests, ` +
      `errors: ${r.errors} (transport ${r.transportErrors}, non-2xx ${r.non2xx}, GraphQL ${r.graphqlErrors})`,
  );
}

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/**
 * The production server (`node dist/src/main.js`) as its own process on the bench database, with
 * `processes` workers (WEB_CONCURRENCY); resolves once it answers /health/ready.
 */
export async function startServerProcess(
  s: BenchServer,
  processes: number,
  env: Record<string, string> = {},
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS passes flags to the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '..', 'src', 'main.js')], {
    env: {
      ...process.env,
      ...BENCH_MAIL_ENV,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: s.databaseUrl,
      JWT_SECRET: s.jwtSecret,
      PORT: String(port),
      WEB_CONCURRENCY: String(processes),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () => new Promise<void>((resolve) => child.once('exit', () => resolve()).kill('SIGTERM')),
  };
}

/** Server process counts to measure with (BENCH_PROCESSES, e.g. "1,2"; default 1). */
export function benchProcesses(): number[] {
  return (process.env.BENCH_PROCESSES ?? '1').split(',').map(Number);
}
