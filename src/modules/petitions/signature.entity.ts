import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';

/**
 * One signer of one petition: at most one per normalised email, pending until confirmed. No foreign key to `petitions`: it
 * would make every insert lock the (hot) petition row FOR KEY SHARE. Signatures are only inserted by
 * a statement that selects the OPEN petition, and petitions are never deleted.
 */
@Entity('signatures')
@Index(['petitionId', 'email'], { unique: true })
@Index(['petitionId', 'createdAt', 'id'])
@Index('signatures_changes_idx', ['petitionId', 'changeXid', 'id'])
@Index('signatures_public_idx', ['petitionId', 'confirmedAt'], { where: `"display_publicly" AND "confirmed_at" IS NOT NULL` })
@Index('signatures_unconfirmed_idx', ['petitionId'], { where: `"confirmed_at" IS NULL` })
export class SignatureEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  petitionId: string;

  @Column('text')
  fullName: string;

  /** Trimmed and lowercased. */
  @Column('text')
  email: string;

  @Column('text', { nullable: true })
  postcode: string | null;

  @Column('text', { nullable: true })
  country: string | null;

  @Column('text', { nullable: true })
  comment: string | null;

  @Column('boolean')
  displayPublicly: boolean;

  @Column('boolean')
  contactConsent: boolean;

  /** The consent wording shown, when the signer consented. */
  @Column('uuid', { nullable: true })
  consentWordingId: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  consentedAt: Date | null;

  @Column('text', { nullable: true })
  source: string | null;

  /**
   * Null until the signer follows the emailed link (double opt-in); set at once for verified users
   * signing with their own address and for SIGNATURES_WRITE keys. Only confirmed signatures count,
   * are listed and exported.
   */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  confirmedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set by the marea_touch_change trigger on every write. */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
