import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { invitationMail } from '../mail/invitation.mail';

/** Emails a chapter invitation to the invitee with a link to the invitation page (enqueued by inviteMember). */
export const sendInvitationMail = defineJob<{ invitationId: string }>('organisations:send-invitation-mail');

interface InvitationRow {
  email: string;
  role: string;
  expires_at: Date;
  accepted_at: Date | null;
  chapter_name: string;
  organisation_name: string;
  inviter_name: string | null;
}

@Injectable()
export class SendInvitationMailJob {
  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {
    jobs.register(sendInvitationMail, (payload) => this.handle(payload));
  }

  async handle({ invitationId }: { invitationId: string }): Promise<void> {
    const [row]: InvitationRow[] = await this.dataSource.query(
      `SELECT i.email, i.role, i.expires_at, i.accepted_at, c.name AS chapter_name, o.name AS organisation_name, u.display_name AS inviter_name
         FROM invitations i JOIN chapters c ON c.id = i.chapter_id JOIN organisations o ON o.id = c.organisation_id
         LEFT JOIN users u ON u.id = i.created_by_id
        WHERE i.id = $1`,
      [invitationId],
    );
    if (!row || row.accepted_at || row.expires_at.getTime() <= Date.now()) return;
    // One invitation, one email: the invitation is the cause.
    await this.mail.send(`invitation:${invitationId}`, row.email, async (manager) => {
      const token = await this.tokens.issue(manager, { kind: 'invitation', email: row.email, data: { invitationId }, expiresAt: row.expires_at });
      return message(
        invitationMail,
        {
          chapterName: row.chapter_name,
          organisationName: row.organisation_name,
          inviterName: row.inviter_name,
          role: row.role === 'ORGANISER' ? 'an organiser' : 'a member',
          link: this.links.url('invitation', token),
        },
        { organisationName: row.organisation_name },
      );
    });
  }
}
