import 'reflect-metadata';
import cluster, { Address } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from './app';
import { AppConfig, ConfigError, loadConfig } from './common/config/config';
import { resolveJwtSecret } from './common/config/jwt-secret';
import { Settings } from './common/config/settings';
import { EmbeddedPostgres, startEmbeddedPostgres } from './common/database/embedded-postgres';
import { shutdown } from './common/lifecycle/lifecycle';
import { RestartBackoff } from './common/lifecycle/restart-backoff';
import { ensureDatabase, migrate } from './database/migrate';

const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), context: 'Bootstrap', msg: message }));

/** Builds the app and listens; returns how to stop it: drain HTTP, stop background workers, close pools (see shutdown()). */
async function serve(config: AppConfig, databaseUrl: string, jwtSecret: string): Promise<{ stop: () => Promise<void>; port: number }> {
  const app = await createApp(new Settings(config, databaseUrl, jwtSecret));
  await app.listen(config.PORT);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { stop: () => shutdown(app, config.SHUTDOWN_TIMEOUT * 1000), port };
}

/** Past the drain timeout plus this, a shutdown that still hangs (a pool that will not end) exits anyway. */
const SHUTDOWN_GRACE_MS = 5000;

/** Exits with 1 if a shutdown takes longer than it may; the timer never keeps the process alive. */
function exitIfStuck(config: AppConfig): void {
  setTimeout(
    () => {
      log('shutdown did not finish in time; exiting');
      process.exit(1);
    },
    config.SHUTDOWN_TIMEOUT * 1000 + SHUTDOWN_GRACE_MS,
  ).unref();
}

/** The main process: database and migrations, then the app itself or WEB_CONCURRENCY workers sharing the port. */
async function main(): Promise<void> {
  const startedAt = Date.now();
  // A library's stray promise must not end the process: graphile-worker can reject one while the
  // database restarts (a failed write on a dead connection), and the instance must outlive outages.
  process.on('unhandledRejection', (reason) => log(`unhandled rejection (process kept running): ${(reason as Error)?.message ?? String(reason)}`));
  const config = loadConfig();
  if (cluster.isWorker) {
    const { stop } = await serve(config, process.env.MAREA_DATABASE_URL!, process.env.MAREA_JWT_SECRET!);
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      exitIfStuck(config);
      stop().then(
        () => process.exit(0),
        (error: Error) => {
          log(`shutdown failed: ${error.message}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    // Ctrl-C reaches the whole process group; the worker drains instead of dying mid-request.
    process.on('SIGINT', onSignal);
    return;
  }

  let embedded: EmbeddedPostgres | undefined;
  let stopServing: (() => Promise<void>) | undefined;
  let stopping = false;
  // Signals are handled from the start, so a stop during start-up still stops workers and the embedded PostgreSQL.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    exitIfStuck(config);
    let code = 0;
    try {
      await (stopServing ?? stopWorkers)();
    } catch (error) {
      log(`shutdown failed: ${(error as Error).message}`);
      code = 1;
    }
    // The embedded server stops even when the app did not stop cleanly.
    await embedded?.stop();
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(config.DATA_DIR, 'postgres'), log });
    databaseUrl = await ensureDatabase(embedded.url, 'marea');
  }
  const applied = await migrate(databaseUrl);
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  const jwtSecret = resolveJwtSecret(config);

  const serving =
    config.WEB_CONCURRENCY === 1
      ? await serve(config, databaseUrl, jwtSecret)
      : await startWorkers(config.WEB_CONCURRENCY, { MAREA_DATABASE_URL: databaseUrl, MAREA_JWT_SECRET: jwtSecret });
  stopServing = serving.stop;
  // PORT=0 takes any free port: the log names the one taken.
  const url = config.PORT === 0 && !config.PUBLIC_URL ? `http://localhost:${serving.port}` : config.publicUrl;
  log(`Marea listening on ${url}/graphql with ${config.WEB_CONCURRENCY} process(es) (started in ${Date.now() - startedAt} ms)`);
}

let workersStopping = false;

/** Stops every worker (each drains its requests) and waits for them to exit. */
async function stopWorkers(): Promise<void> {
  workersStopping = true;
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve).process.kill('SIGTERM'))));
}

/**
 * Forks workers and resolves once all listen; the returned function stops them. A worker that dies
 * is replaced after a delay that doubles while replacements keep dying soon after starting, so a
 * fault every worker shares (say, a bad deployment) does not become a fork loop.
 */
async function startWorkers(count: number, env: Record<string, string>): Promise<{ stop: () => Promise<void>; port: number }> {
  // 0.25 s doubling to 30 s while replacements keep dying; back to 0.25 s once one has run a minute.
  const backoff = new RestartBackoff();
  const fork = () => {
    const startedAt = Date.now();
    return cluster.fork(env).once('exit', (code, signal) => {
      if (workersStopping) return;
      const delay = backoff.next(Date.now() - startedAt);
      log(`worker exited (${signal ?? code}); starting another in ${delay} ms`);
      setTimeout(() => {
        if (!workersStopping) fork();
      }, delay);
    });
  };
  const addresses = await Promise.all(Array.from({ length: count }, () => new Promise<Address>((resolve) => fork().once('listening', resolve))));
  return { stop: stopWorkers, port: addresses[0].port };
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : `Marea failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
