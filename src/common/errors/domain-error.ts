/** The error codes of DESIGN.md; every error a client sees carries one of them. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'BAD_REQUEST'
  | 'PERSISTED_QUERY_NOT_SUPPORTED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

import { IntrinsicException } from '@nestjs/common';

/**
 * Base of every error a module throws on purpose; the formatter maps it to `extensions.code`.
 * Intrinsic: Nest does not log these as failures, they are answers.
 */
export class DomainError extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You may not do this') {
    super('FORBIDDEN', message);
  }
}

/** Same message for "does not exist" and "you may not see it". */
export class NotFoundError extends DomainError {
  constructor(what = 'Resource') {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** `fields` maps each bad field's path inside the input to a readable message. */
export class BadInputError extends DomainError {
  constructor(fields: Record<string, string>) {
    super('BAD_USER_INPUT', `Invalid input: ${Object.keys(fields).join(', ')}`, { fields });
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many requests, try again later', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

/** The database (or another part Marea needs) cannot be reached right now; HTTP 503. Never cached or retried by the server. */
export class ServiceUnavailableError extends DomainError {
  constructor(message = 'Service unavailable, try again shortly', retryAfterSeconds = 2) {
    super('SERVICE_UNAVAILABLE', message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}
