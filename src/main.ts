import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './app';
import { ConfigError, loadConfig } from './common/config/config';
import { resolveJwtSecret } from './common/config/jwt-secret';
import { Settings } from './common/config/settings';
import { EmbeddedPostgres, startEmbeddedPostgres } from './common/database/embedded-postgres';
import { ensureDatabase, migrate } from './common/database/migrate';

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = loadConfig();
  const log = (message: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), context: 'Bootstrap', msg: message }));

  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dir: join(config.DATA_DIR, 'postgres'), log });
    databaseUrl = await ensureDatabase(embedded.url, 'marea');
  }
  const applied = await migrate(databaseUrl);
  if (applied.length) log(`applied migrations: ${applied.join(', ')}`);

  const app = await createApp(new Settings(config, databaseUrl, resolveJwtSecret(config)));
  await app.listen(config.PORT);
  log(`Marea listening on ${config.publicUrl}/graphql (started in ${Date.now() - startedAt} ms)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: Error) => {
  console.error(error instanceof ConfigError ? error.message : `Marea failed to start: ${error.stack ?? error.message}`);
  process.exit(1);
});
