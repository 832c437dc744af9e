import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { SnakeNamingStrategy } from '../common/database/snake-naming.strategy';

const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

/** Migration classes from `migrations/`, loaded with the current loader (compiled JS or TypeScript under ts-node/jest). */
export function loadMigrations(): Function[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d+.*\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => Object.values(require(join(MIGRATIONS_DIR, file)) as Record<string, Function>)[0]);
}

/**
 * The one description of how Marea talks to PostgreSQL; `synchronize` is never on. `pool` adds
 * node-postgres pool settings (the app's timeouts; migrations run without them).
 */
export function dataSourceOptions(url: string, poolSize = 10, pool: PoolConfig = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: loadMigrations(),
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension, no superuser needed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    extra: { ...pool, max: poolSize, application_name: 'marea' },
  };
}
