import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../common/config/config';
import { startEmbeddedPostgres } from '../common/database/embedded-postgres';
import { ensureDatabase } from './migrate';

/**
 * `npm run migration:generate -- <Name>`, `migration:run`, `migration:revert`: runs the TypeORM CLI
 * against DATABASE_URL, or against the embedded development database when it is not set.
 * `generate` first applies pending migrations, so the new one holds only what changed since.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (!['generate', 'run', 'revert'].includes(command) || (command === 'generate' && !name)) {
    throw new Error('usage: migration-cli generate <Name> | run | revert');
  }
  const config = loadConfig();
  // The same database `npm start` uses: DATABASE_URL, or the embedded one in DATA_DIR.
  const embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dir: join(config.DATA_DIR, 'postgres'), log: console.log });
  const url = config.DATABASE_URL ?? (await ensureDatabase(embedded!.url, 'marea'));
  const env = { ...process.env, DATABASE_URL: url, TS_NODE_TRANSPILE_ONLY: '1' };
  const typeorm = (...args: string[]) => {
    const cli = join(__dirname, '..', '..', 'node_modules', '.bin', 'typeorm-ts-node-commonjs');
    const result = spawnSync(cli, [...args, '-d', 'src/database/data-source.ts'], { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`typeorm ${args[0]} failed`);
  };
  try {
    if (command === 'generate') {
      typeorm('migration:run');
      typeorm('migration:generate', `migrations/${name}`, '--pretty');
    } else {
      typeorm(`migration:${command}`);
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
