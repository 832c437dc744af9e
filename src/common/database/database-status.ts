import { Logger } from '@nestjs/common';
import { ServiceUnavailableError } from '../errors/domain-error';

/** Seconds a client is told to wait before retrying while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2;

/** node-postgres and socket errors that mean "no usable connection to the server". */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. Class 08 is checked by prefix. */
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Messages node-postgres and pg-pool use for lost connections and acquire timeouts (they carry no code). */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (?:is )?(?:closed|ended)/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /server closed the connection unexpectedly/i,
];

/** The error and what it wraps: TypeORM's driverError, GraphQL's originalError, a `cause` chain. */
function causes(error: unknown): Array<{ code?: unknown; message?: unknown }> {
  const found: Array<{ code?: unknown; message?: unknown }> = [];
  let current = error as { driverError?: unknown; originalError?: unknown; cause?: unknown; code?: unknown; message?: unknown } | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    found.push(current);
    current = (current.driverError ?? current.originalError ?? current.cause) as typeof current;
  }
  return found;
}

/** True when `error` means the database cannot be reached (refused, reset, terminated, shutting down, acquire timeout). */
export function isConnectionError(error: unknown): boolean {
  return causes(error).some(({ code, message }) => {
    if (typeof code === 'string' && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || /^08/.test(code))) return true;
    return typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
  });
}

/** A statement cancelled by `statement_timeout` (57014): the database is too busy for this request right now. */
export function isStatementTimeout(error: unknown): boolean {
  return causes(error).some(({ code }) => code === '57014');
}

/** Errors a client should see as SERVICE_UNAVAILABLE rather than INTERNAL_SERVER_ERROR. */
export function isUnavailable(error: unknown): boolean {
  return error instanceof ServiceUnavailableError || isConnectionError(error) || isStatementTimeout(error);
}

/**
 * Whether this process currently believes the database is down. An outage is logged once when the
 * first connection error is seen and once when a connection succeeds again, never per request.
 */
class DatabaseStatus {
  private readonly logger = new Logger('Database');
  private downSince?: number;

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Notes an error; connection errors open an outage (logged once). Returns whether it was one. */
  failed(error: unknown): boolean {
    if (!isConnectionError(error)) return false;
    if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.logger.warn({ error: (error as Error)?.message }, 'database unreachable; answering SERVICE_UNAVAILABLE until it is back');
    }
    return true;
  }

  /** A connection or statement succeeded: closes the outage (logged once). */
  succeeded(): void {
    if (this.downSince === undefined) return;
    const ms = Date.now() - this.downSince;
    this.downSince = undefined;
    this.logger.log({ downForMs: ms }, 'database reachable again');
  }
}

export const databaseStatus = new DatabaseStatus();

/** The error a client sees for `error` when it is an outage or timeout (noting the outage), else `error` itself. */
export function asServiceUnavailable(error: unknown): unknown {
  if (error instanceof ServiceUnavailableError) return error;
  if (databaseStatus.failed(error) || isStatementTimeout(error)) return new ServiceUnavailableError(undefined, RETRY_AFTER_SECONDS);
  return error;
}
