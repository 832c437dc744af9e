import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { Settings } from '../../common/config/settings';
import { isUuid } from '../../common/validation/id';
import { preparedQuery } from '../../common/database/raw-reads';
import { isUniqueViolation, inTransaction } from '../../common/database/transaction';
import { ConflictError, RateLimitedError, UnauthenticatedError } from '../../common/errors/domain-error';
import { Limit, RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { normaliseEmail } from '../../common/validation/email';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.model';
import { AuthPayload } from './dto/auth-payload.model';
import { LoginInput, RegisterInput } from './dto/auth.inputs';
import { hashPassword, verifyPassword } from './passwords';
import { RefreshTokenEntity } from './refresh-token.entity';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const REFRESH_TOKEN_DAYS = 30;
const BAD_CREDENTIALS = 'Invalid email or password';

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly jwt: JwtService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
  ) {}

  async register(input: RegisterInput): Promise<AuthPayload> {
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await this.users.save(this.users.create({ email: input.email, displayName: input.displayName, passwordHash }));
      return this.startSession(this.dataSource.manager, user);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('An account with this email already exists');
      throw error;
    }
  }

  /**
   * One answer for an unknown email and a wrong password. Limits (DESIGN.md): attempts per client
   * and per (client, email) a minute, and wrong passwords per email an hour. The last is the only one
   * strangers elsewhere can spend for an address, and only a password reset (clearLoginFailures) or
   * the end of the hour lifts it, so guessing is slow while no one far away can lock the owner out for long.
   */
  async login(input: LoginInput, ip: string): Promise<AuthPayload> {
    const email = normaliseEmail(input.email);
    const config = this.settings.config;
    const perMinute = config.RATE_LIMIT_LOGIN_PER_MINUTE;
    await Promise.all([
      this.rateLimiter.consume({ name: 'login-ip', points: perMinute, durationSeconds: 60 }, ip),
      this.rateLimiter.consume({ name: 'login-ip-email', points: perMinute, durationSeconds: 60 }, sha256(`${ip} ${email}`)),
    ]);
    const failures = this.loginFailuresLimit();
    await this.rateLimiter.assertNotExhausted(failures, sha256(email));
    const user = await this.users.findOneBy({ email });
    if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
      // Counted, never refused here: this attempt is answered as a wrong password whatever the count.
      await this.rateLimiter.consume(failures, sha256(email)).catch((error: unknown) => {
        if (!(error instanceof RateLimitedError)) throw error;
      });
      throw new UnauthenticatedError(BAD_CREDENTIALS);
    }
    return this.startSession(this.dataSource.manager, user);
  }

  /** Forgets the wrong passwords counted against `email`: a password reset proves the owner, who may sign in at once. */
  async clearLoginFailures(email: string): Promise<void> {
    await this.rateLimiter.reset(this.loginFailuresLimit(), sha256(normaliseEmail(email)));
  }

  private loginFailuresLimit(): Limit {
    return { name: 'login-failures', points: this.settings.config.RATE_LIMIT_LOGIN_FAILURES_PER_HOUR, durationSeconds: 3600 };
  }

  /**
   * Spends a refresh token and returns a new pair in the same family. A token spent before means
   * it was stolen or replayed: the whole family is revoked, and that revocation is committed.
   */
  async refresh(token: string): Promise<AuthPayload> {
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const row = await manager.findOne(RefreshTokenEntity, { where: { tokenHash: sha256(token) }, lock: { mode: 'pessimistic_write' } });
      if (!row) return 'invalid' as const;
      if (row.usedAt || row.revokedAt) {
        await this.revokeFamily(manager, row.familyId);
        return 'invalid' as const;
      }
      if (row.expiresAt.getTime() <= Date.now()) return 'invalid' as const;
      await manager.update(RefreshTokenEntity, { id: row.id }, { usedAt: new Date() });
      const user = await manager.findOneByOrFail(UserEntity, { id: row.userId });
      return this.startSession(manager, user, row.familyId);
    });
    if (outcome === 'invalid') throw new UnauthenticatedError('Invalid or expired refresh token');
    return outcome;
  }

  /** Ends the session the token belongs to; true whether or not it was still live. */
  async logout(token: string): Promise<boolean> {
    const row = await this.refreshTokens.findOneBy({ tokenHash: sha256(token) });
    if (row) await this.revokeFamily(this.dataSource.manager, row.familyId);
    return true;
  }

  /** The user id in a valid access token; throws UNAUTHENTICATED otherwise. */
  verifyAccessToken(token: string): string {
    try {
      const payload = this.jwt.verify<{ sub: string; typ?: string }>(token, { algorithms: ['HS256'] });
      if (payload.typ !== 'access' || !isUuid(payload.sub)) throw new Error('not an access token');
      return payload.sub;
    } catch {
      throw new UnauthenticatedError('Invalid or expired access token');
    }
  }

  /**
   * The user id in a valid access token whose user still exists: a token outlives the account it was
   * issued for by up to 15 minutes, and it must not act for nobody (writes would fail on foreign keys).
   */
  async authenticateAccessToken(token: string): Promise<string> {
    const userId = this.verifyAccessToken(token);
    const rows = await preparedQuery(this.dataSource, 'SELECT 1 FROM users WHERE id = $1', [userId]);
    if (rows.length === 0) throw new UnauthenticatedError('Invalid or expired access token');
    return userId;
  }

  private async startSession(manager: EntityManager, user: UserEntity, familyId: string = randomUUID()): Promise<AuthPayload> {
    const refreshToken = randomSecret('mr_');
    await manager.insert(RefreshTokenEntity, {
      userId: user.id,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * 86_400_000),
    });
    const accessToken = this.jwt.sign({ sub: user.id, typ: 'access' }, { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_SECONDS });
    return {
      accessToken,
      accessTokenExpiresAt: new Date(Date.now() + ACCESS_TOKEN_SECONDS * 1000),
      refreshToken,
      user: { ...toUser(user), isCaller: true },
    };
  }

  private async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(RefreshTokenEntity)
      .set({ revokedAt: () => 'now()' })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }
}
