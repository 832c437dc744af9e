import { Injectable } from '@nestjs/common';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { emailChangedMail } from '../mail/email-changed.mail';

/** Tells the old address that the account moved (enqueued by confirmEmailChange, in its transaction). */
export const sendEmailChangedNotice = defineJob<{ oldEmail: string; displayName: string }>('auth:send-email-changed-notice');

@Injectable()
export class SendEmailChangedNoticeJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
  ) {
    jobs.register(sendEmailChangedNotice, (payload, context) => this.handle(payload, context));
  }

  async handle(payload: { oldEmail: string; displayName: string }, context: JobContext): Promise<void> {
    await this.mail.send(`email-changed:${context.jobId}`, payload.oldEmail, async () => message(emailChangedMail, { displayName: payload.displayName }));
  }
}
