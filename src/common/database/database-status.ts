import { Logger } from '@nestjs/common';
import { ServiceUnavailableError } from '../errors/domain-error';

/** Seconds a client is told to wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

/** node-postgres and socket errors that mean "no usable connection to the server". */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. Class 08 is checked by prefix. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Messages node-postgres and pg-pool use for lost connections (they carry no code). */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /connection (?:is )?(?:closed|ended)/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /server closed the connection unexpectedly/i,
];

/** The error and what it wraps: TypeORM's driverError, GraphQL's originalError, a `cause` chain. */
interface Cause {
  code?: unknown;
  message?: unknown;
  syscall?: unknown;
}

function causes(error: unknown): Cause[] {
  const found: Cause[] = [];
  let current = error as (Cause & { driverError?: unknown; originalError?: unknown; cause?: unknown }) | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    found.push(current);
    current = (current.driverError ?? current.originalError ?? current.cause) as typeof current;
  }
  return found;
}

/** True when `error` means the database cannot be reached (refused, reset, terminated, shutting down, socket missing). */
export function isConnectionError(error: unknown): boolean {
  return causes(error).some(({ code, message, syscall }) => {
    // The Unix socket of a stopped server is gone; other ENOENTs (files) are not the database's.
    if (code === 'ENOENT') return syscall === 'connect';
    if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || /^08/.test(code))) return true;
    return typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/**
 * No connection within the acquire timeout (pg-pool's message, no code): the pool is exhausted, or
 * new connections hang. Answered SERVICE_UNAVAILABLE, but not an outage by itself: a busy pool is not
 * a database that went away.
 */
export function isAcquireTimeout(error: unknown): boolean {
  return causes(error).some(({ message }) => typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message));
}

/** A statement cancelled by `statement_timeout` (57014): the database is too busy for this request right now. */
export function isStatementTimeout(error: unknown): boolean {
  return causes(error).some(({ code }) => code === '57014');
}

/** Errors a client should see as SERVICE_UNAVAILABLE rather than INTERNAL_SERVER_ERROR. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof ServiceUnavailableError || isConnectionError(error) || isAcquireTimeout(error) || isStatementTimeout(error);
}

/** An outage ends with a success this long after the last connection failure. */
const STABLE_MS = 1000;

/** Timeouts are logged at most this often, however many requests they refuse. */
const BUSY_LOG_INTERVAL_MS = 60_000;

/**
 * Whether this process currently believes the database is down. An outage is logged once when the
 * first connection error is seen and once when a connection succeeds again, never per request.
 */
class DatabaseStatus {
  private readonly logger = new Logger('Database');
  private downSince?: number;
  private lastFailureAt = -Infinity;
  private busyLoggedAt = -Infinity;

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Notes an error; connection errors open an outage (logged once). Returns whether it was one. */
  failed(error: unknown): boolean {
    if (!isConnectionError(error)) return false;
    this.lastFailureAt = Date.now();
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.logger.warn({ error: (error as Error)?.message }, 'database unreachable; answering SERVICE_UNAVAILABLE until it is back');
    }
    return true;
  }

  /** Notes an acquire or statement timeout: logged at most once a minute, never per request. */
  busy(error: unknown): void {
    if (this.down || Date.now() - this.busyLoggedAt < BUSY_LOG_INTERVAL_MS) return;
    this.busyLoggedAt = Date.now();
    this.logger.warn(
      { error: (error as Error)?.message },
      'database busy: requests wait longer than the acquire or statement timeout and answer SERVICE_UNAVAILABLE',
    );
  }

  /**
   * A connection or statement succeeded: closes the outage (logged once), provided nothing failed in
   * the last STABLE_MS. A server shutting down or starting up lets a connection through now and then;
   * that is not yet its return.
   */
  succeeded(): void {
    if (this.downSince === undefined || Date.now() - this.lastFailureAt < STABLE_MS) return;
    const ms = Date.now() - this.downSince;
    this.downSince = undefined;
    this.logger.log({ downForMs: ms }, 'database reachable again');
  }
}

export const databaseStatus = new DatabaseStatus();

/** The error a client sees for `error` when it is an outage or timeout (noting the outage), else `error` itself. */
export function asServiceUnavailable(error: unknown): unknown {
  if (error instanceof ServiceUnavailableError) return error;
  if (databaseStatus.failed(error)) return new ServiceUnavailableError(undefined, RETRY_AFTER_SECONDS);
  if (isAcquireTimeout(error) || isStatementTimeout(error)) {
    databaseStatus.busy(error);
    return new ServiceUnavailableError(undefined, RETRY_AFTER_SECONDS);
  }
  return error;
}
