import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sha256 } from '../auth/secrets';
import { Settings } from '../config/settings';
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
 * Per message, on one connection: a session advisory lock on the cause (a second sender of the same
 * cause, e.g. on another instance, stands aside); then one transaction under a lock on the address
 * counts the address's hour, lets `compose` write what the message needs (its link token, an
 * account) and marks the cause `sending`, and commits, so the link works the moment the mail
 * arrives; then the message goes out and the cause is marked `sent`. A refused send removes the
 * mark and the job's retry starts over; a crash between the SMTP answer and the `sent` mark is the
 * one case that can send twice (the queue delivers at least once).
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
   * reason to write: `registration:<job id>`, `reminder-24h:<attendance id>`). `compose` runs in a
   * transaction that commits before the message leaves (what the mail links to must exist when the
   * recipient clicks), and may return null to send nothing.
   */
  async send(cause: string, to: string, compose: (manager: EntityManager) => Promise<Message | null>): Promise<SendOutcome> {
    const address = to.trim().toLowerCase();
    const addressHash = sha256(address);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // Held by this connection until the message is sent or given up: a second sender of the cause (another instance) stands aside.
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtextextended($1, 7171)) AS locked`, [`mail-cause:${cause}`]);
      if (!locked) return 'duplicate';
      try {
        const prepared = await this.prepare(runner.manager, cause, addressHash, compose);
        if (typeof prepared === 'string') return prepared;
        try {
          await this.deliver(address, prepared);
        } catch (error) {
          // Not counted and not marked: the job's retry starts over.
          await runner.query(`DELETE FROM sent_emails WHERE cause = $1 AND state = 'sending'`, [cause]);
          throw error;
        }
        await runner.query(`UPDATE sent_emails SET state = 'sent' WHERE cause = $1`, [cause]);
        return 'sent';
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 7171))`, [`mail-cause:${cause}`]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * In one transaction, under a lock on the address (so its hour is counted right): claims the cause
   * (`sending`), counts the address's hour, and composes. A cause already sent or dropped is not sent
   * again; one left `sending` by a crash mid-send is sent again (at least once).
   */
  private async prepare(
    connection: EntityManager,
    cause: string,
    addressHash: string,
    compose: (manager: EntityManager) => Promise<Message | null>,
  ): Promise<Message | SendOutcome> {
    return connection.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7171))`, [`mail:${addressHash}`]);
      const [existing] = await manager.query(`SELECT state FROM sent_emails WHERE cause = $1`, [cause]);
      if (existing && existing.state !== 'sending') return 'duplicate' as const;
      const [{ count }] = await manager.query(
        `SELECT count(*)::int AS count FROM sent_emails WHERE address_hash = $1 AND sent_at > now() - interval '1 hour' AND state <> 'dropped' AND cause <> $2`,
        [addressHash, cause],
      );
      if (count >= this.settings.config.MAIL_PER_ADDRESS_PER_HOUR) {
        await manager.query(
          `INSERT INTO sent_emails (cause, address_hash, state) VALUES ($1, $2, 'dropped') ON CONFLICT (cause) DO UPDATE SET state = 'dropped'`,
          [cause, addressHash],
        );
        // The address is personal data; the cause's kind is enough to see what is being capped.
        this.logger.warn(`mail dropped: over ${this.settings.config.MAIL_PER_ADDRESS_PER_HOUR} an hour for one address (${cause.split(':')[0]})`);
        return 'capped' as const;
      }
      const message = await compose(manager);
      if (!message) return 'nothing' as const;
      await manager.query(`INSERT INTO sent_emails (cause, address_hash, state) VALUES ($1, $2, 'sending') ON CONFLICT (cause) DO UPDATE SET sent_at = now()`, [
        cause,
        addressHash,
      ]);
      return message;
    });
  }

  private async deliver(address: string, message: Message): Promise<void> {
    const rendered = renderMail(message.template, message.data, message.organisationName ?? null);
    await this.transport.send({
      from: { name: message.organisationName ? `${message.organisationName} (via Marea)` : this.from.name, address: this.from.address },
      to: address,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      headers: { 'Auto-Submitted': 'auto-generated', ...message.headers },
    });
  }
}

/** `Name <address>` or a bare address. */
function parseFrom(value: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return match ? { name: match[1] || 'Marea', address: match[2] } : { name: 'Marea', address: value.trim() };
}
