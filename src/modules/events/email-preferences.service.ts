import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sha256 } from '../../common/auth/secrets';
import { Settings } from '../../common/config/settings';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError } from '../../common/errors/domain-error';
import { EmailTokensService } from '../../common/links/email-tokens.service';
import { LinkPagesService } from '../../common/links/link-pages.service';

/** Unsubscribe tokens never expire (DESIGN.md); a date PostgreSQL and JavaScript both hold. */
const NEVER = new Date('9999-12-31T00:00:00Z');

/** One answer for an unsubscribe token that is unknown. */
export class InvalidUnsubscribeLinkError extends BadInputError {
  constructor() {
    super({ token: 'This link is invalid' });
  }
}

/**
 * What an address has asked not to receive (the email_preferences table, keyed by a hash of the
 * address). Event reminders and organisers' event updates carry a never-expiring `unsubscribe` token
 * (List-Unsubscribe, RFC 8058); spending it — the one-click POST, the link page's button or the
 * `unsubscribe` mutation — stops both for that address at once.
 */
@Injectable()
export class EmailPreferencesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
    private readonly settings: Settings,
  ) {}

  /** Whether `email` (normalised) has stopped event reminders and updates; read in the sending transaction. */
  async unsubscribedFromEvents(manager: EntityManager, email: string): Promise<boolean> {
    const [row] = await manager.query(`SELECT 1 FROM email_preferences WHERE email_hash = $1 AND event_mail_unsubscribed_at IS NOT NULL`, [sha256(email)]);
    return Boolean(row);
  }

  /**
   * A new unsubscribe token for `email`, stored in the sending transaction: the link for the mail's
   * text and the List-Unsubscribe headers (the one-click POST goes to Marea itself, even with LINK_URL).
   */
  async unsubscribeLink(manager: EntityManager, email: string): Promise<{ link: string; headers: Record<string, string> }> {
    const token = await this.tokens.issue(manager, { kind: 'unsubscribe', email, expiresAt: NEVER });
    return {
      link: this.links.url('unsubscribe', token),
      headers: {
        'List-Unsubscribe': `<${this.settings.config.publicUrl}/unsubscribe/${encodeURIComponent(token)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  }

  /**
   * Spends (reusably) an unsubscribe token: the address gets no more event reminders or updates, and the
   * contact consent of its RSVPs is withdrawn. Unsubscribing twice is harmless.
   */
  async unsubscribe(token: string): Promise<boolean> {
    await inTransaction(this.dataSource, async (manager) => {
      const link = await this.tokens.spend(manager, 'unsubscribe', token, { reusable: true });
      if (!link) throw new InvalidUnsubscribeLinkError();
      await manager.query(
        `INSERT INTO email_preferences (email_hash, event_mail_unsubscribed_at) VALUES ($1, now())
         ON CONFLICT (email_hash) DO UPDATE SET event_mail_unsubscribed_at = coalesce(email_preferences.event_mail_unsubscribed_at, now()), updated_at = now()`,
        [sha256(link.email)],
      );
      // Contact consent given with the address's RSVPs is withdrawn too (the wording record stays, for the history).
      await manager.query(`UPDATE attendances SET contact_consent = false, updated_at = now() WHERE email = $1 AND contact_consent`, [link.email]);
    });
    return true;
  }

  /** Whether the unsubscribe token is known (the link page's GET; reads only). */
  async known(token: string): Promise<boolean> {
    return Boolean(await this.tokens.peek('unsubscribe', token));
  }
}
