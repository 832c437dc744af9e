import { ArgumentsHost, Catch, HttpException, InternalServerErrorException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { DomainError } from './domain-error';

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
    if (exception instanceof DomainError) {
      const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, RATE_LIMITED: 429, CONFLICT: 409 }[exception.code as string] ?? 400;
      return super.catch(new HttpException({ code: exception.code, message: exception.message }, status), host);
    }
    const error = exception as Error;
    const requestId = (host.switchToHttp().getRequest() as { id?: string }).id;
    this.logger.error({ requestId, error: error?.message, stack: error?.stack }, 'unexpected error');
    return super.catch(new InternalServerErrorException(), host);
  }
}
