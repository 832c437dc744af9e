import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineJob } from '../../../common/jobs/job';
import { JobContext, JobsService } from '../../../common/jobs/jobs.service';
import { EmailTokensService } from '../../../common/links/email-tokens.service';
import { LinkPagesService } from '../../../common/links/link-pages.service';
import { MailService, message } from '../../../common/mail/mail.service';
import { OrganisationEntity } from '../../organisations/organisation.entity';
import { alreadySignedMail } from '../mail/already-signed.mail';
import { confirmSignatureMail } from '../mail/confirm-signature.mail';
import { PetitionEntity } from '../petition.entity';
import { NewSignature, RECEIVE_SIGNATURE_ATTEMPTS, RECEIVE_SIGNATURE_JOB } from '../signature-batcher';
import { signatureLinkExpiry } from '../signature-confirmation.service';

/** A signature queued by signPetition (its signature_inbox row; DRAIN_STATEMENT adds these in bulk under this name). */
export const receiveSignature = defineJob<NewSignature>(RECEIVE_SIGNATURE_JOB, { maxAttempts: RECEIVE_SIGNATURE_ATTEMPTS });

export type SignatureState = 'new' | 'pending' | 'confirmed';

/**
 * Stores a queued signature as pending (unless the address has one, pending or confirmed, which is
 * left as it is) and writes to the address: the confirmation link, a reminder with a fresh link, or
 * an "already signed" note. The stored signature commits before the mail (which the per-address cap
 * may drop), so a capped address still has its pending signature for a later link.
 */
@Injectable()
export class ReceiveSignatureJob {
  constructor(
    jobs: JobsService,
    private readonly mail: MailService,
    private readonly tokens: EmailTokensService,
    private readonly links: LinkPagesService,
    private readonly dataSource: DataSource,
  ) {
    jobs.register(receiveSignature, (payload, context) => this.handle(payload, context));
  }

  async handle(signature: NewSignature, context: JobContext): Promise<void> {
    const petition = await this.dataSource.getRepository(PetitionEntity).findOneBy({ id: signature.petitionId });
    if (!petition) return;
    const { id, state } = await this.store(signature);
    const organisation = await this.dataSource.getRepository(OrganisationEntity).findOneBy({ id: petition.organisationId });
    const options = { organisationName: organisation?.name ?? null };
    await this.mail.send(`signature:${context.jobId}`, signature.email, async (manager) => {
      if (state === 'confirmed') return message(alreadySignedMail, { petitionTitle: petition.title }, options);
      const token = await this.tokens.issue(manager, {
        kind: 'signature',
        email: signature.email,
        data: { signatureId: id, petitionId: petition.id },
        expiresAt: signatureLinkExpiry(petition),
      });
      const data = { fullName: signature.fullName, petitionTitle: petition.title, link: this.links.url('signature', token), reminder: state === 'pending' };
      return message(confirmSignatureMail, data, options);
    });
  }

  /**
   * Inserts the pending signature, or finds the address's existing one. A concurrent insert of the
   * same address waits on the unique index and then finds the other's row. Consent records the
   * wording shown, else the organisation's current one.
   */
  async store(s: NewSignature): Promise<{ id: string; state: SignatureState }> {
    const [inserted] = await this.dataSource.query(
      `WITH wording AS (
         SELECT w.id FROM consent_wordings w, petitions p WHERE p.id = $1 AND (w.organisation_id = p.organisation_id OR w.organisation_id IS NULL)
          ORDER BY w.organisation_id NULLS LAST, w.created_at DESC LIMIT 1
       )
       INSERT INTO signatures (petition_id, full_name, email, postcode, country, comment, display_publicly, contact_consent, consent_wording_id, consented_at, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8 THEN coalesce($9::uuid, (SELECT id FROM wording)) END, CASE WHEN $8 THEN now() END, $10)
       ON CONFLICT (petition_id, email) DO NOTHING
       RETURNING id`,
      [s.petitionId, s.fullName, s.email, s.postcode, s.country, s.comment, s.displayPublicly, s.contactConsent, s.consentWordingId ?? null, s.source],
    );
    if (inserted) return { id: inserted.id, state: 'new' };
    const [existing] = await this.dataSource.query(`SELECT id, confirmed_at FROM signatures WHERE petition_id = $1 AND email = $2`, [s.petitionId, s.email]);
    return { id: existing.id, state: existing.confirmed_at ? 'confirmed' : 'pending' };
  }
}
