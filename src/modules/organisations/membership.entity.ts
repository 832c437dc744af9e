import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';
import { UserEntity } from '../users/user.entity';
import { ChapterEntity } from './chapter.entity';

export const CHAPTER_ROLES = ['ORGANISER', 'MEMBER'] as const;
export type ChapterRole = (typeof CHAPTER_ROLES)[number];
export const MEMBERSHIP_STATUSES = ['ACTIVE', 'PENDING'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

@Entity('memberships')
@Index(['chapterId', 'userId'], { unique: true })
@Index(['chapterId', 'status', 'createdAt'])
@Check('memberships_role_check', `"role" IN ('ORGANISER', 'MEMBER')`)
@Check('memberships_status_check', `"status" IN ('ACTIVE', 'PENDING')`)
export class MembershipEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @Column('uuid')
  chapterId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  user?: UserEntity;

  @Index()
  @Column('uuid')
  userId: string;

  @Column('text')
  role: ChapterRole;

  @Column('text')
  status: MembershipStatus;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set by the marea_touch_change trigger on every write. */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
