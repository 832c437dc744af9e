import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per cause of an email (e.g. `verify-email:<job>`): the marker that keeps a cause from being
 * mailed twice, and what the per-address hourly cap counts. Holds a hash of the address, never the address.
 */
@Entity('sent_emails')
@Index(['addressHash', 'sentAt'])
@Check('sent_emails_state_check', `"state" IN ('sending', 'sent', 'dropped')`)
export class SentEmailEntity {
  @PrimaryColumn('text')
  cause: string;

  /** SHA-256 of the normalised recipient address. */
  @Column('text')
  addressHash: string;

  @Column('timestamptz', { default: () => 'now()' })
  sentAt: Date;

  /** `sending` while it goes out (or after a crash mid-send), `sent`, or `dropped` by the hourly cap (handled, nothing sent). */
  @Column('text')
  state: 'sending' | 'sent' | 'dropped';
}
