import { Injectable } from '@nestjs/common';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService, TOKEN_LIFETIME } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { UserEntity } from '../../users/user.entity';
import { accountExistsMail } from '../mail/account-exists.mail';
import { verifyEmailMail } from '../mail/verify-email.mail';

export interface RegistrationPayload {
  email: string;
  displayName: string;
  /** argon2id hash made on the request path, so every register costs the same whatever the address. */
  passwordHash: string;
}

/**
 * What `register` does for the address, off the request path: a new address gets an unverified account
 * and a verification link; an unverified one a fresh link; a verified one an "account exists" note with
 * a reset link. The link carries this registration's name and password hash, which verifyEmail applies:
 * whoever reads the inbox decides which registration becomes the account.
 */
export const sendRegistrationMail = defineJob<RegistrationPayload>('auth:send-registration-mail');

@Injectable()
export class SendRegistrationMailJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {
    jobs.register(sendRegistrationMail, (payload, context) => this.handle(payload, context));
  }

  async handle(payload: RegistrationPayload, context: JobContext): Promise<void> {
    // The mail service serialises everything about one address, so two registrations never race here.
    await this.mail.send(`registration:${context.jobId}`, payload.email, async (manager) => {
      let user = await manager.findOne(UserEntity, { where: { email: payload.email }, lock: { mode: 'pessimistic_write' } });
      if (user?.emailVerifiedAt) {
        const token = await this.tokens.issue(manager, {
          kind: 'reset-password',
          email: user.email,
          userId: user.id,
          expiresAt: new Date(Date.now() + TOKEN_LIFETIME.resetPassword * 1000),
        });
        return message(accountExistsMail, { displayName: user.displayName, link: this.links.url('reset-password', token) });
      }
      user ??= await manager.save(manager.create(UserEntity, { email: payload.email, displayName: payload.displayName, passwordHash: payload.passwordHash }));
      const token = await this.tokens.issue(manager, {
        kind: 'verify-email',
        email: user.email,
        userId: user.id,
        data: { displayName: payload.displayName, passwordHash: payload.passwordHash },
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME.verifyEmail * 1000),
      });
      return message(verifyEmailMail, { displayName: payload.displayName, link: this.links.url('verify-email', token) });
    });
  }
}
