import { Injectable } from '@nestjs/common';
import passport from 'passport';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Actor } from '../../common/auth/actor';
import { BearerAuthenticator } from '../../common/auth/bearer-authenticator';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import { API_KEY_PREFIX, ApiKeysService } from '../api-keys/api-keys.service';
import { AuthService } from './auth.service';

/** `Authorization: Bearer <access token | API key>` → the request's actor. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
  ) {
    super();
  }

  async validate(token: string): Promise<Actor> {
    if (token.startsWith(API_KEY_PREFIX)) return this.apiKeys.authenticate(token);
    return { kind: 'user', userId: await this.auth.authenticateAccessToken(token) };
  }
}

/** This app's BearerStrategy instance run through passport (never its global registry, shared by every app in the process). */
@Injectable()
export class BearerStrategyAuthenticator extends BearerAuthenticator {
  constructor(private readonly strategy: BearerStrategy) {
    super();
  }

  authenticate(authorization: string): Promise<Actor> {
    return new Promise((resolve, reject) => {
      const req = { headers: { authorization }, query: {}, body: {} };
      // A fresh object per request: passport sets success/fail/error on the strategy object it is given,
      // so concurrent requests sharing the instance would take each other's callbacks (one never answers).
      passport.authenticate(Object.create(this.strategy) as BearerStrategy, { session: false }, (error: unknown, actor: Actor | false) => {
        if (actor && !error) resolve(actor);
        else reject(error ?? new UnauthenticatedError('Invalid credentials'));
      })(req, {}, (error: unknown) => reject(error ?? new UnauthenticatedError('Invalid credentials')));
    });
  }
}
