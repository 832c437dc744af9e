import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { OrganisationEntity } from './organisation.entity';

/** An invitation to become an ADMIN of an organisation; the role exists only once the invitee accepts. */
@Entity('admin_invitations')
// Accepted or revoked, never both: whichever happened first spent it.
@Check('admin_invitations_spent_once_check', `"accepted_at" IS NULL OR "revoked_at" IS NULL`)
@Index(['organisationId', 'createdAt'])
export class AdminInvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  /** Normalised email of the invitee. */
  @Column('text')
  email: string;

  /** SHA-256 of the single-use token handed to the inviter once (the invitee is mailed a token of its own: email_tokens). */
  @Index({ unique: true })
  @Column('text')
  tokenHash: string;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  acceptedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn()
  createdBy?: UserEntity;

  @Column('uuid', { nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
