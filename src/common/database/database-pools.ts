import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { Settings } from '../config/settings';
import { createDatabasePool, requestPoolOptions, superviseDatabasePool } from './pools';

/**
 * The pools beside TypeORM's request pool. Exports (long, streamed to clients who may read slowly)
 * get connections of their own, at most EXPORT_CONNECTIONS, so stalled downloads can never take the
 * connections signing, reads and readiness need. Also supervises TypeORM's pool (see superviseDatabasePool).
 */
@Injectable()
export class DatabasePools implements OnModuleInit, OnModuleDestroy {
  private readonly exports: Pool;

  constructor(
    private readonly dataSource: DataSource,
    settings: Settings,
  ) {
    const { config } = settings;
    this.exports = createDatabasePool({
      connectionString: settings.databaseUrl,
      application_name: 'marea-export',
      max: config.EXPORT_CONNECTIONS,
      connectionTimeoutMillis: config.DATABASE_ACQUIRE_TIMEOUT_MS,
      keepAlive: true,
      // A cursor read at the downloader's pace is one statement that may rightly run for minutes; no statement_timeout.
      idle_in_transaction_session_timeout: requestPoolOptions(config).idle_in_transaction_session_timeout,
    });
  }

  onModuleInit(): void {
    superviseDatabasePool((this.dataSource.driver as unknown as { master: Pool }).master);
  }

  async onModuleDestroy(): Promise<void> {
    await this.exports.end();
  }

  /** The exports' pool itself; for tests and diagnostics. */
  get exportPool(): Pool {
    return this.exports;
  }

  /** A connection for one export; waits at most DATABASE_ACQUIRE_TIMEOUT_MS when all are taken. Release it when done. */
  exportConnection(): Promise<PoolClient> {
    return this.exports.connect();
  }
}
