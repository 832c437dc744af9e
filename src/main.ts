import 'reflect-metadata';
import cluster from 'node:cluster';
import { join } from 'node:path';
import { createApp } from './app';
import { AppConfig, ConfigError, loadConfig } from './common/config/config';
import { resolveJwtSecret } from './common/config/jwt-secret';
import { Settings } from './common/config/settings';
import { EmbeddedPostgres, startEmbeddedPostgres } from './common/database/embedded-postgres';
import { ensureDatabase, migrate } from './database/migrate';

const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), context: 'Bootstrap', msg: message }));

/** Builds the app and listens; returns how to stop it. */
async function serve(config: AppConfig, databaseUrl: string, jwtSecret: string): Promise<() => Promise<void>> {
  const app = await createApp(new Settings(config, databaseUrl, jwtSecret));
  await app.listen(config.PORT);
  return () => app.close();
}

/** The main process: database and migrations, then the app itself or WEB_CONCURRENCY workers sharing the port. */
async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  if (cluster.isWorker) {
    const stop = await serve(config, process.env.MAREA_DATABASE_URL!, process.env.MAREA_JWT_SECRET!);
    process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
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
    await (stopServing ?? stopWorkers)();
    await embedded?.stop();
    process.exit(0);
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

  stopServing =
    config.WEB_CONCURRENCY === 1
      ? await serve(config, databaseUrl, jwtSecret)
      : await startWorkers(config.WEB_CONCURRENCY, { MAREA_DATABASE_URL: databaseUrl, MAREA_JWT_SECRET: jwtSecret });
  log(`Marea listening on ${config.publicUrl}/graphql with ${config.WEB_CONCURRENCY} process(es) (started in ${Date.now() - startedAt} ms)`);
}

let workersStopping = false;

/** Stops every worker and waits for them to exit. */
async function stopWorkers(): Promise<void> {
  workersStopping = true;
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('exit', resolve).process.kill('SIGTERM'))));
}

/** Forks workers, replaces any that dies, and resolves once all listen; the returned function stops them. */
async function startWorkers(count: number, env: Record<string, string>): Promise<() => Promise<void>> {
  const fork = () =>
    cluster.fork(env).once('exit', (code, signal) => {
      if (workersStopping) return;
      log(`worker exited (${signal ?? code}); starting another`);
      fork();
    });
  await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => fork().once('listening', resolve))));
  return stopWorkers;
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : `Marea failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
