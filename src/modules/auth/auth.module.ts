import { createSecretKey } from 'node:crypto';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthenticationMiddleware } from '../../common/auth/authentication.middleware';
import { Settings } from '../../common/config/settings';
import { IdempotencyMiddleware } from '../../common/idempotency/idempotency.middleware';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { UserEntity } from '../users/user.entity';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';
import { BearerAuthenticator } from '../../common/auth/bearer-authenticator';
import { BearerStrategy, BearerStrategyAuthenticator } from './bearer.strategy';
import { SendEmailChangeMailJob } from './jobs/send-email-change-mail.job';
import { SendEmailChangedNoticeJob } from './jobs/send-email-changed-notice.job';
import { SendPasswordResetMailJob } from './jobs/send-password-reset-mail.job';
import { SendRegistrationMailJob } from './jobs/send-registration-mail.job';
import { SendVerificationMailJob } from './jobs/send-verification-mail.job';
import { ChangeEmailPage } from './pages/change-email.page';
import { ResetPasswordPage } from './pages/reset-password.page';
import { VerifyEmailPage } from './pages/verify-email.page';
import { RefreshTokenEntity } from './refresh-token.entity';

@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [Settings],
      // A KeyObject, not a string: jsonwebtoken would otherwise try (and fail) to parse the secret as a public key on every verify.
      useFactory: (settings: Settings) => ({
        secret: createSecretKey(Buffer.from(settings.jwtSecret)),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    TypeOrmModule.forFeature([UserEntity, RefreshTokenEntity]),
    ApiKeysModule,
  ],
  providers: [
    AuthService,
    AuthResolver,
    BearerStrategy,
    { provide: BearerAuthenticator, useClass: BearerStrategyAuthenticator },
    SendRegistrationMailJob,
    SendVerificationMailJob,
    SendPasswordResetMailJob,
    SendEmailChangeMailJob,
    SendEmailChangedNoticeJob,
    VerifyEmailPage,
    ResetPasswordPage,
    ChangeEmailPage,
  ],
  exports: [AuthService, BearerAuthenticator],
})
export class AuthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthenticationMiddleware).forRoutes('{*path}');
    // After authentication: an Idempotency-Key belongs to the caller.
    consumer.apply(IdempotencyMiddleware).forRoutes('{*path}');
  }
}
