import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { isUnavailable } from '../database/database-status';
import { DomainError, UnauthenticatedError } from '../errors/domain-error';
import { ANONYMOUS, Actor } from './actor';

export interface AuthenticatedRequest extends Request {
  actor: Actor;
  /** Set when credentials were sent but are bad: the whole request is then UNAUTHENTICATED. */
  authError?: DomainError;
}

/**
 * Runs passport's bearer strategy once per HTTP request. No Authorization header means anonymous;
 * a bad one is never treated as anonymous.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    req.actor = ANONYMOUS;
    if (!req.headers.authorization) return next();
    passport.authenticate('bearer', { session: false }, (error: unknown, actor: Actor | false) => {
      // Credentials that could not be checked (database down) are not bad credentials: SERVICE_UNAVAILABLE.
      if (error && isUnavailable(error)) return next(error);
      if (actor && !error) req.actor = actor;
      else req.authError = error instanceof DomainError ? error : new UnauthenticatedError('Invalid credentials');
      next();
    })(req, res, next);
  }
}
