import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per cause of an email (e.g. `verify-email:<job>`): the marker that keeps a cause from being
 * mailed twice, and what the per-address hourly cap counts. Holds a hash of the address, never the address.
 */
@Entity('sent_emails')
@Index(['addressHash', 'sentAt'])
export class SentEmailEntity {
  @PrimaryColumn('text')
  cause: string;

  /** SHA-256 of the normalised recipient address. */
  @Column('text')
  addressHash: string;

  @Column('timestamptz', { default: () => 'now()' })
  sentAt: Date;

  /** True when the cap stopped it: the cause counts as handled, nothing was sent. */
  @Column('boolean', { default: false })
  dropped: boolean;
}
