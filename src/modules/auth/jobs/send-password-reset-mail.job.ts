import { Injectable } from '@nestjs/common';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService, TOKEN_LIFETIME } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { UserEntity } from '../../users/user.entity';
import { resetPasswordMail } from '../mail/reset-password.mail';

/** requestPasswordReset off the request path: only an address with an account gets anything. */
export const sendPasswordResetMail = defineJob<{ email: string }>('auth:send-password-reset-mail');

@Injectable()
export class SendPasswordResetMailJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {
    jobs.register(sendPasswordResetMail, (payload, context) => this.handle(payload, context));
  }

  async handle(payload: { email: string }, context: JobContext): Promise<void> {
    await this.mail.send(`password-reset:${context.jobId}`, payload.email, async (manager) => {
      const user = await manager.findOneBy(UserEntity, { email: payload.email });
      if (!user) return null;
      // The newest link is the only one that works.
      await this.tokens.spendOthers(manager, 'reset-password', user.id);
      const token = await this.tokens.issue(manager, {
        kind: 'reset-password',
        email: user.email,
        userId: user.id,
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME.resetPassword * 1000),
      });
      return message(resetPasswordMail, { displayName: user.displayName, link: this.links.url('reset-password', token) });
    });
  }
}
