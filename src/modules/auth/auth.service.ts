import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { randomSecret, sha256 } from '../../common/auth/secrets';
import { Settings } from '../../common/config/settings';
import { isUuid } from '../../common/validation/id';
import { findByIds } from '../../common/database/raw-reads';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, RateLimitedError, UnauthenticatedError } from '../../common/errors/domain-error';
import { enqueue } from '../../common/jobs/job';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { Limit, RateLimiterService } from '../../common/rate-limit/rate-limiter.service';
import { normaliseEmail } from '../../common/validation/email';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.model';
import { AuthPayload } from './dto/auth-payload.model';
import { LoginInput, RegisterInput } from './dto/auth.inputs';
import { hashPassword, verifyPassword } from './passwords';
import { sendEmailChangeMail } from './jobs/send-email-change-mail.job';
import { sendEmailChangedNotice } from './jobs/send-email-changed-notice.job';
import { sendPasswordResetMail } from './jobs/send-password-reset-mail.job';
import { sendRegistrationMail } from './jobs/send-registration-mail.job';
import { sendVerificationMail } from './jobs/send-verification-mail.job';
import { RefreshTokenEntity } from './refresh-token.entity';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const REFRESH_TOKEN_DAYS = 30;
const BAD_CREDENTIALS = 'Invalid email or password';

/** One answer for a link token that is unknown, spent, expired or of another kind. */
export class InvalidLinkError extends BadInputError {
  constructor() {
    super({ token: 'This link is invalid, has been used or has expired' });
  }
}

export function validNewPassword(password: string): void {
  if (typeof password !== 'string' || password.length < 10 || password.length > 200) throw new BadInputError({ password: 'must be 10–200 characters' });
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    private readonly jwt: JwtService,
    private readonly rateLimiter: RateLimiterService,
    private readonly settings: Settings,
    private readonly tokens: EmailTokensService,
  ) {}

  /**
   * The same answer and the same work for every address (DESIGN.md's no-oracle rule): hash the
   * password, add one job. The job looks at the address and mails its owner.
   */
  async register(input: RegisterInput, ip: string): Promise<boolean> {
    await this.limitPublicForm('register', ip);
    const passwordHash = await hashPassword(input.password);
    await inTransaction(this.dataSource, (manager) =>
      enqueue(manager, sendRegistrationMail, { email: input.email, displayName: input.displayName, passwordHash }),
    );
    return true;
  }

  /** Spends a verification link: the address is verified, the registration it was sent for applied, and the owner signed in. */
  async verifyEmail(token: string): Promise<AuthPayload> {
    return inTransaction(this.dataSource, async (manager) => this.startSession(manager, await this.spendVerification(manager, token)));
  }

  /** verifyEmail for the link page, which keeps no session: verifies without signing in. */
  async verifyEmailWithoutSession(token: string): Promise<void> {
    await inTransaction(this.dataSource, (manager) => this.spendVerification(manager, token));
  }

  private async spendVerification(manager: EntityManager, token: string): Promise<UserEntity> {
    const link = await this.tokens.spend(manager, 'verify-email', token);
    const user = link?.userId ? await manager.findOne(UserEntity, { where: { id: link.userId }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!link || !user || user.email !== link.email) throw new InvalidLinkError();
    const registration = link.data as { displayName?: string; passwordHash?: string };
    user.emailVerifiedAt ??= new Date();
    if (registration.passwordHash) user.passwordHash = registration.passwordHash;
    if (registration.displayName) user.displayName = registration.displayName;
    await manager.update(
      UserEntity,
      { id: user.id },
      { emailVerifiedAt: user.emailVerifiedAt, passwordHash: user.passwordHash, displayName: user.displayName },
    );
    await this.tokens.spendOthers(manager, 'verify-email', user.id);
    return user;
  }

  /** Always true; an account with the address gets a reset link (1 hour). */
  async requestPasswordReset(email: string, ip: string): Promise<boolean> {
    await this.limitPublicForm('password-reset', ip);
    await inTransaction(this.dataSource, (manager) => enqueue(manager, sendPasswordResetMail, { email }));
    return true;
  }

  /** Spends a reset link: new password, address verified (the link proved it), every session ended, failures forgotten; signs in. */
  async resetPassword(token: string, password: string): Promise<AuthPayload> {
    validNewPassword(password);
    const passwordHash = await hashPassword(password);
    const payload = await inTransaction(this.dataSource, async (manager) => this.startSession(manager, await this.spendReset(manager, token, passwordHash)));
    await this.clearLoginFailures(payload.user.privateEmail);
    return payload;
  }

  /** resetPassword for the link page, which keeps no session: everything but signing in. */
  async resetPasswordWithoutSession(token: string, password: string): Promise<void> {
    validNewPassword(password);
    const passwordHash = await hashPassword(password);
    const user = await inTransaction(this.dataSource, (manager) => this.spendReset(manager, token, passwordHash));
    await this.clearLoginFailures(user.email);
  }

  private async spendReset(manager: EntityManager, token: string, passwordHash: string): Promise<UserEntity> {
    const link = await this.tokens.spend(manager, 'reset-password', token);
    const user = link?.userId ? await manager.findOne(UserEntity, { where: { id: link.userId }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!link || !user || user.email !== link.email) throw new InvalidLinkError();
    user.passwordHash = passwordHash;
    user.emailVerifiedAt ??= new Date();
    await manager.update(UserEntity, { id: user.id }, { passwordHash, emailVerifiedAt: user.emailVerifiedAt });
    await manager.query(`UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [user.id]);
    await this.tokens.spendOthers(manager, 'reset-password', user.id);
    return user;
  }

  /** Checks the password, then mails the new address a link; a taken address is handled by mail too. */
  async requestEmailChange(userId: string, newEmail: string, password: string): Promise<boolean> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (!(await verifyPassword(user.passwordHash, password))) throw new BadInputError({ password: 'is not your current password' });
    if (newEmail === user.email) return true;
    await inTransaction(this.dataSource, (manager) => enqueue(manager, sendEmailChangeMail, { userId, newEmail }));
    return true;
  }

  /** Spends a change link: the new address (proved by the link) replaces the old one, which is told. */
  async confirmEmailChange(token: string): Promise<UserEntity> {
    return inTransaction(this.dataSource, async (manager) => {
      const link = await this.tokens.spend(manager, 'change-email', token);
      const user = link?.userId ? await manager.findOne(UserEntity, { where: { id: link.userId }, lock: { mode: 'pessimistic_write' } }) : null;
      if (!link || !user || (link.data as { previousEmail?: string }).previousEmail !== user.email) throw new InvalidLinkError();
      // Taken since the link was sent: the same answer as any dead link, never a word about the address.
      if (await manager.existsBy(UserEntity, { email: link.email })) throw new InvalidLinkError();
      const oldEmail = user.email;
      await manager.update(UserEntity, { id: user.id }, { email: link.email, emailVerifiedAt: new Date() });
      await enqueue(manager, sendEmailChangedNotice, { oldEmail, displayName: user.displayName });
      return { ...user, email: link.email, emailVerifiedAt: new Date() };
    });
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
    if (!user.emailVerifiedAt) {
      // The owner (right password) of an unverified account gets a new link; the answer is the same as
      // a wrong password's and does not wait for the job's insert (its timing would tell the two apart).
      // One pending job per account however often it tries (a job key); the mail cap bounds the rest.
      void inTransaction(this.dataSource, (manager) =>
        enqueue(manager, sendVerificationMail, { userId: user.id }, { jobKey: `verification:${user.id}`, jobKeyMode: 'preserve_run_at' }),
      ).catch((error: Error) => this.logger.warn(`verification resend not queued: ${error.message}`));
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

  /** Public forms (register, requestPasswordReset) are limited per client IP like signing. */
  private async limitPublicForm(name: string, ip: string): Promise<void> {
    const { RATE_LIMIT_REGISTER_PER_MINUTE, RATE_LIMIT_REGISTER_PER_HOUR } = this.settings.config;
    await Promise.all([
      this.rateLimiter.consume({ name: `${name}-ip-minute`, points: RATE_LIMIT_REGISTER_PER_MINUTE, durationSeconds: 60 }, ip),
      this.rateLimiter.consume({ name: `${name}-ip-hour`, points: RATE_LIMIT_REGISTER_PER_HOUR, durationSeconds: 3600 }, ip),
    ]);
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
    // The account must still exist; the checks of concurrent requests share one statement.
    const [user] = await findByIds(this.users, [userId]);
    if (!user) throw new UnauthenticatedError('Invalid or expired access token');
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
