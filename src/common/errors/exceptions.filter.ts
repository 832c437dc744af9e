import { ArgumentsHost, Catch, HttpException, InternalServerErrorException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request, Response } from 'express';
import { asServiceUnavailable } from '../database/database-status';
import { DomainError, ServiceUnavailableError } from './domain-error';

/**
 * GraphQL errors go back to Apollo untouched: formatError shapes them and the GraphQL plugin logs
 * the unexpected ones once. Plain HTTP routes log an unexpected error once, without its query
 * parameters or driver details (which may hold personal data), and answer a bare 500.
 */
@Catch()
export class ExceptionsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HTTP');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    if (exception instanceof HttpException) return super.catch(exception, host);
    const unavailable = asServiceUnavailable(exception);
    if (unavailable instanceof ServiceUnavailableError) return this.unavailable(unavailable, host);
    if (exception instanceof DomainError) {
      const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429, CONFLICT: 409 }[exception.code as string] ?? 400;
      return super.catch(new HttpException({ code: exception.code, message: exception.message }, status), host);
    }
    const error = exception as Error;
    const requestId = (host.switchToHttp().getRequest() as { id?: string }).id;
    this.logger.error({ requestId, error: error?.message, stack: error?.stack }, 'unexpected error');
    return super.catch(new InternalServerErrorException(), host);
  }

  /** 503 with Retry-After; shaped as a GraphQL response on /graphql (errors in middleware, before Apollo). Not logged per request. */
  private unavailable(error: ServiceUnavailableError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const retryAfterSeconds = error.extensions.retryAfterSeconds as number;
    const body = { code: error.code, message: error.message, retryAfterSeconds };
    res
      .status(503)
      .set('retry-after', String(retryAfterSeconds))
      .json(
        req.path === '/graphql' ? { errors: [{ message: error.message, extensions: { code: error.code, retryAfterSeconds } }] } : { statusCode: 503, ...body },
      );
  }
}
