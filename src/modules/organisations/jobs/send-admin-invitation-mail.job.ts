import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../../../common/jobs/job';
import { JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { adminInvitationMail } from '../mail/admin-invitation.mail';

/** Emails an admin invitation to the invitee with a link to the admin invitation page (enqueued by inviteOrganisationAdmin). */
export const sendAdminInvitationMail = defineJob<{ invitationId: string }>('organisations:send-admin-invitation-mail');

interface AdminInvitationRow {
  email: string;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  organisation_name: string;
  inviter_name: string | null;
}

@Injectable()
export class SendAdminInvitationMailJob {
  constructor(
    jobs: JobsService,
    private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
  ) {
    jobs.register(sendAdminInvitationMail, (payload) => this.handle(payload));
  }

  async handle({ invitationId }: { invitationId: string }): Promise<void> {
    const [row]: AdminInvitationRow[] = await this.dataSource.query(
      `SELECT i.email, i.expires_at, i.accepted_at, i.revoked_at, o.name AS organisation_name, u.display_name AS inviter_name
         FROM admin_invitations i JOIN organisations o ON o.id = i.organisation_id
         LEFT JOIN users u ON u.id = i.created_by_id
        WHERE i.id = $1`,
      [invitationId],
    );
    if (!row || row.accepted_at || row.revoked_at || row.expires_at.getTime() <= Date.now()) return;
    // One invitation, one email: the invitation is the cause.
    await this.mail.send(`admin-invitation:${invitationId}`, row.email, async (manager) => {
      const token = await this.tokens.issue(manager, { kind: 'admin-invitation', email: row.email, data: { invitationId }, expiresAt: row.expires_at });
      return message(
        adminInvitationMail,
        { organisationName: row.organisation_name, inviterName: row.inviter_name, link: this.links.url('admin-invitation', token) },
        { organisationName: row.organisation_name },
      );
    });
  }
}
