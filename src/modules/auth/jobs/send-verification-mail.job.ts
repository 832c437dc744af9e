import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService, TOKEN_LIFETIME } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { UserEntity } from '../../users/user.entity';
import { verifyEmailMail } from '../mail/verify-email.mail';

/** A new verification link for an unverified account whose owner signed in with the right password. */
export const sendVerificationMail = defineJob<{ userId: string }>('auth:send-verification-mail');

@Injectable()
export class SendVerificationMailJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(sendVerificationMail, (payload, context) => this.handle(payload, context));
  }

  async handle(payload: { userId: string }, context: JobContext): Promise<void> {
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: payload.userId });
    if (!user || user.emailVerifiedAt) return;
    await this.mail.send(`verification:${context.jobId}`, user.email, async (manager) => {
      const token = await this.tokens.issue(manager, {
        kind: 'verify-email',
        email: user.email,
        userId: user.id,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME.verifyEmail * 1000),
      });
      return message(verifyEmailMail, { displayName: user.displayName, link: this.links.url('verify-email', token) });
    });
  }
}
