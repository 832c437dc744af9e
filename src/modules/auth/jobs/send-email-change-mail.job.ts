import { Injectable } from '@nestjs/common';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService, TOKEN_LIFETIME } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { UserEntity } from '../../users/user.entity';
import { confirmEmailChangeMail } from '../mail/confirm-email-change.mail';
import { emailTakenMail } from '../mail/email-taken.mail';

/**
 * requestEmailChange off the request path: the new address gets a confirmation link, or, when it
 * already has an account, a note to its owner (never an error to the asker).
 */
export const sendEmailChangeMail = defineJob<{ userId: string; newEmail: string }>('auth:send-email-change-mail');

@Injectable()
export class SendEmailChangeMailJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {
    jobs.register(sendEmailChangeMail, (payload, context) => this.handle(payload, context));
  }

  async handle(payload: { userId: string; newEmail: string }, context: JobContext): Promise<void> {
    await this.mail.send(`email-change:${context.jobId}`, payload.newEmail, async (manager) => {
      const user = await manager.findOneBy(UserEntity, { id: payload.userId });
      if (!user || user.email === payload.newEmail) return null;
      if (await manager.existsBy(UserEntity, { email: payload.newEmail })) return message(emailTakenMail, {});
      const token = await this.tokens.issue(manager, {
        kind: 'change-email',
        email: payload.newEmail,
        userId: user.id,
        data: { previousEmail: user.email },
        expiresAt: new Date(Date.now() + TOKEN_LIFETIME.changeEmail * 1000),
      });
      return message(confirmEmailChangeMail, { displayName: user.displayName, link: this.links.url('change-email', token) });
    });
  }
}
