import { Check, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AttendanceEntity } from './attendance.entity';

export const REMINDER_KINDS = ['24h', '1h'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/**
 * The marker that an attendance's reminder has been claimed (and its mail job enqueued in the same
 * transaction): the primary key makes each reminder claimable once, whichever instance sweeps first.
 */
@Entity('attendance_reminders')
@Check('attendance_reminders_kind_check', `"kind" IN ('24h', '1h')`)
export class AttendanceReminderEntity {
  @ManyToOne(() => AttendanceEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  attendance?: AttendanceEntity;

  @PrimaryColumn('uuid')
  attendanceId: string;

  @PrimaryColumn('text')
  kind: ReminderKind;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  claimedAt: Date;
}
