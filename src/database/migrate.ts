import { Logger as JobLogger, runMigrations as runJobMigrations } from 'graphile-worker';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * Applies pending migrations, then installs or upgrades graphile-worker's schema (`graphile_worker`),
 * which that library versions itself; an advisory lock lets several instances start at once.
 */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = await new DataSource({ ...dataSourceOptions(url, 1) }).initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(7171001)');
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await runJobMigrations({ connectionString: url, logger: quietJobLogger });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock(7171001)').catch(() => undefined);
    await dataSource.destroy();
  }
}

/** Creates database `name` on the server of `url` when missing; returns the URL of that database. */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

/** graphile-worker's migration chatter stays out of the start-up log; errors still throw. */
const quietJobLogger = new JobLogger(() => () => undefined);
