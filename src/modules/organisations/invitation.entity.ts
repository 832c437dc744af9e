import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { ChapterEntity } from './chapter.entity';
import type { ChapterRole } from './membership.entity';

@Entity('invitations')
@Check('invitations_role_check', `"role" IN ('ORGANISER', 'MEMBER')`)
export class InvitationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @Index()
  @Column('uuid')
  chapterId: string;

  /** Normalised email of the invitee. */
  @Column('text')
  email: string;

  @Column('text')
  role: ChapterRole;

  /** SHA-256 of the single-use token handed to the organiser once. */
  @Index({ unique: true })
  @Column('text')
  tokenHash: string;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  acceptedAt: Date | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn()
  createdBy?: UserEntity;

  @Column('uuid', { nullable: true })
  createdById: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
