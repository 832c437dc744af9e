import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';
import { UserEntity } from '../users/user.entity';
import { EventEntity } from './event.entity';

export const ATTENDANCE_STATUSES = ['GOING', 'WAITLISTED', 'CANCELLED'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/**
 * One person's RSVP. A member and a guest with the same normalised email are the same person:
 * at most one live (not CANCELLED) attendance per event and email.
 */
@Entity('attendances')
@Index('attendances_one_live_per_person', ['eventId', 'email'], { unique: true, where: `"status" <> 'CANCELLED'` })
@Index(['eventId', 'status', 'waitlistPosition'])
@Index(['userId', 'eventId'])
@Index('attendances_changes_idx', ['eventId', 'changeXid', 'id'])
@Check('attendances_status_check', `"status" IN ('GOING', 'WAITLISTED', 'CANCELLED')`)
@Check('attendances_waitlist_check', `("status" = 'WAITLISTED') = ("waitlist_position" IS NOT NULL)`)
export class AttendanceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => EventEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  event?: EventEntity;

  @Column('uuid')
  eventId: string;

  /** The member, when the RSVP was made signed in. */
  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn()
  user?: UserEntity;

  @Column('uuid', { nullable: true })
  userId: string | null;

  @Column('text')
  name: string;

  /** Normalised email of the attendee (the member's account email for signed-in RSVPs). */
  @Column('text')
  email: string;

  @Column('text')
  status: AttendanceStatus;

  @Column('integer', { nullable: true })
  waitlistPosition: number | null;

  @Column('boolean', { default: false })
  contactConsent: boolean;

  /** The consent wording version a guest was shown, when contactConsent is true. */
  @Column('uuid', { nullable: true })
  consentWordingId: string | null;

  @Column('timestamptz', { nullable: true })
  consentedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  checkedInAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set by the marea_touch_change trigger on every write. */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
