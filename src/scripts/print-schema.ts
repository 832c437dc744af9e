import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app';
import { loadConfig } from '../common/config/config';
import { Settings } from '../common/config/settings';
import { startEmbeddedPostgres } from '../common/database/embedded-postgres';
import { ensureDatabase, migrate } from '../database/migrate';
import { printServedSchema } from '../common/graphql/schema-printer';

/** `npm run schema:generate`: writes the served schema to schema.gql (boots the app on the development database). */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'error', JOBS_ENABLED: 'false' });
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dir: join(config.DATA_DIR, 'postgres') });
  try {
    const url = config.DATABASE_URL ?? (await ensureDatabase(embedded!.url, 'marea'));
    await migrate(url);
    const app = await createApp(new Settings(config, url, 'schema-generation-only-secret-0000000'));
    await app.init();
    writeFileSync(join(__dirname, '..', '..', 'schema.gql'), printServedSchema(app));
    await app.close();
    console.log('schema.gql written');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
