import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What an address has asked not to receive, keyed by the SHA-256 of the normalised address (never the
 * address). For now only event reminders and organisers' updates; organisation supporters'
 * emailStatus can fold this in later.
 */
@Entity('email_preferences')
export class EmailPreferenceEntity {
  @PrimaryColumn('text')
  emailHash: string;

  /** Set by an unsubscribe link (or its one-click POST): no more event reminders or event updates. */
  @Column('timestamptz', { nullable: true })
  eventMailUnsubscribedAt: Date | null;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
