import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isUnavailable } from '../database/database-status';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
import { ANONYMOUS, Actor } from './actor';
import { BearerAuthenticator } from './bearer-authenticator';

export interface AuthenticatedRequest extends Request {
  actor: Actor;
  /** Set when credentials were sent but are bad: the whole request is then UNAUTHENTICATED. */
  authError?: DomainError;
}

/**
 * Checks the bearer credential once per HTTP request. No Authorization header means anonymous;
 * a bad one is never treated as anonymous.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(private readonly bearer: BearerAuthenticator) {}

  use(req: AuthenticatedRequest, _res: Response, next: NextFunction): void {
    req.actor = ANONYMOUS;
    if (!req.headers.authorization) return next();
    this.bearer.authenticate(req.headers.authorization).then(
      (actor) => {
        req.actor = actor;
        next();
      },
      (error: unknown) => {
        // Credentials that could not be checked (database down) are not bad credentials: SERVICE_UNAVAILABLE.
        if (isUnavailable(error)) return next(error);
        req.authError = error instanceof DomainError ? error : new UnauthenticatedError('Invalid credentials');
        next();
      },
    );
  }
}
