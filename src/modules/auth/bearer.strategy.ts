import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Actor } from '../../common/auth/actor';
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
