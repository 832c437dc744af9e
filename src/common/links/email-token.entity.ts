import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One emailed link's token, for every kind of link (verify-email, reset-password, change-email,
 * invitation, …). Only the SHA-256 of the token is kept; what the link acts on is in `data`.
 */
@Entity('email_tokens')
export class EmailTokenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The link kind (LinkKind), also the page it opens: /l/<kind>/<token>. */
  @Column('text')
  kind: string;

  @Index({ unique: true })
  @Column('text')
  tokenHash: string;

  /** Normalised address the link was sent to; following the link proves it. */
  @Index()
  @Column('text')
  email: string;

  @Column('uuid', { nullable: true })
  userId: string | null;

  /** What the link acts on, per kind (e.g. the registration's password hash, the new address). */
  @Column('jsonb', { default: {} })
  data: Record<string, unknown>;

  @Index()
  @Column('timestamptz')
  expiresAt: Date;

  /** Set when a single-use token is spent. */
  @Column('timestamptz', { nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
