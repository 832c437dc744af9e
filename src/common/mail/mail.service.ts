import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sha256 } from '../auth/secrets';
import { Settings } from '../config/settings';
import { inTransaction } from '../database/transaction';
import { JobsService } from '../jobs/jobs.service';
import { defineJob } from '../jobs/job';
import { createMailTransport, MailTransport } from './mail-transport';
import { MailTemplate, renderMail } from './mail-template';

export interface MessageOptions {
  /** Named in From's display name and in the footer. */
  organisationName?: string | null;
  /** Extra headers, e.g. List-Unsubscribe for mail that isn't about the recipient's own request. */
  headers?: Record<string, string>;
}

/** A message ready to render: its template, the template's data, and the organisation it is about. */
export interface Message extends MessageOptions {
  template: MailTemplate<object>;
  data: object;
}

/** Builds a Message, checking `data` against the template's type. */
export function message<D extends object>(template: MailTemplate<D>, data: D, options: MessageOptions = {}): Message {
  return { template: template as MailTemplate<object>, data, ...options };
}

export type SendOutcome = 'sent' | 'duplicate' | 'capped' | 'nothing';

/** Sent markers are kept a week: long enough to cover every retry of a job. */
const sweepSentEmails = defineJob<Record<string, never>>('mail:sweep-sent-emails');

/**
 * Sends email from job handlers, at most once per cause and at most MAIL_PER_ADDRESS_PER_HOUR times
 * an hour per address.
 *
 * One transaction per message: the cause's marker row is inserted first (a second sender of the same
 * cause waits on it, then finds it), the address's hour is counted under an advisory lock on the
 * address, `compose` writes what the message needs (e.g. its link token), the message goes out, and
 * only then does it all commit. A failed send rolls everything back, so the job's retry starts clean;
 * a crash between the SMTP answer and the commit is the one case that can send twice.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport: MailTransport;
  private readonly from: { name: string; address: string };

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: Settings,
    jobs: JobsService,
  ) {
    this.transport = createMailTransport(settings.config);
    this.from = parseFrom(settings.config.MAIL_FROM);
    jobs.register(sweepSentEmails, async () => {
      await this.dataSource.query(`DELETE FROM sent_emails WHERE sent_at < now() - interval '7 days'`);
    });
    jobs.schedule(sweepSentEmails, '23 3 * * *', {});
  }

  /** After the workers stopped (JobsService.beforeApplicationShutdown): nothing is sending any more. */
  onApplicationShutdown(): void {
    this.transport.close();
  }

  /**
   * Sends the message `compose` builds to `to`, once for `cause` (a string naming why, unique per
   * reason to write: `verify-email:<job id>`, `reminder-24h:<attendance id>`). `compose` runs in the
   * message's transaction and may return null to send nothing.
   */
  async send(cause: string, to: string, compose: (manager: EntityManager) => Promise<Message | null>): Promise<SendOutcome> {
    const address = to.trim().toLowerCase();
    const addressHash = sha256(address);
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7171))`, [`mail:${addressHash}`]);
      const inserted: unknown[] = await manager.query(
        `INSERT INTO sent_emails (cause, address_hash) VALUES ($1, $2) ON CONFLICT (cause) DO NOTHING RETURNING cause`,
        [cause, addressHash],
      );
      if (!inserted.length) return 'duplicate' as const;
      const [{ count }] = await manager.query(
        `SELECT count(*)::int AS count FROM sent_emails WHERE address_hash = $1 AND sent_at > now() - interval '1 hour' AND NOT dropped AND cause <> $2`,
        [addressHash, cause],
      );
      if (count >= this.settings.config.MAIL_PER_ADDRESS_PER_HOUR) {
        await manager.query(`UPDATE sent_emails SET dropped = true WHERE cause = $1`, [cause]);
        // The address is personal data; the cause's kind is enough to see what is being capped.
        this.logger.warn(`mail dropped: over ${this.settings.config.MAIL_PER_ADDRESS_PER_HOUR} an hour for one address (${cause.split(':')[0]})`);
        return 'capped' as const;
      }
      const outgoing = await compose(manager);
      if (!outgoing) {
        await manager.query(`DELETE FROM sent_emails WHERE cause = $1`, [cause]);
        return 'nothing' as const;
      }
      const rendered = renderMail(outgoing.template, outgoing.data, outgoing.organisationName ?? null);
      await this.transport.send({
        from: { name: outgoing.organisationName ? `${outgoing.organisationName} (via Marea)` : this.from.name, address: this.from.address },
        to: address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: { 'Auto-Submitted': 'auto-generated', ...outgoing.headers },
      });
      return 'sent' as const;
    });
  }
}

/** `Name <address>` or a bare address. */
function parseFrom(value: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return match ? { name: match[1] || 'Marea', address: match[2] } : { name: 'Marea', address: value.trim() };
}
