import { Pool, PoolClient, PoolConfig } from 'pg';
import type { AppConfig } from '../config/config';
import { databaseStatus } from './database-status';

/** Connection settings every request-serving pool shares: bounded waits, bounded statements, live sockets. */
export function requestPoolOptions(config: AppConfig): PoolConfig {
  return {
    // Waiting for a connection (a free one, or a new one to open) ends after this; the request answers SERVICE_UNAVAILABLE.
    connectionTimeoutMillis: config.DATABASE_ACQUIRE_TIMEOUT_MS,
    statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
    // A transaction left open by a stuck request would hold locks (and its connection) forever.
    idle_in_transaction_session_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS * 2,
    keepAlive: true,
  };
}

/**
 * Makes a pool safe to keep for the life of the process: an idle connection the server ends
 * (PostgreSQL restarting) is dropped and noted as an outage instead of an unhandled 'error' event that
 * would end the process; a new connection opening notes that the database is back.
 */
export function superviseDatabasePool(pool: Pool): Pool {
  pool.on('error', (error) => void databaseStatus.failed(error));
  pool.on('connect', () => databaseStatus.succeeded());
  // pg-pool listens for errors only on idle clients: a checked-out client whose connection dies
  // between statements would emit an unhandled 'error'. Its next query fails anyway; this keeps the
  // event handled (once per client, including those opened before the pool was supervised).
  const handled = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => {
    if (handled.has(client)) return;
    handled.add(client);
    client.on('error', (error) => void databaseStatus.failed(error));
  });
  return pool;
}

/** A supervised pool of its own, e.g. the rate limiter's or the exports'. */
export function createDatabasePool(options: PoolConfig): Pool {
  return superviseDatabasePool(new Pool(options));
}
