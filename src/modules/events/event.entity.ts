import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';
import type { Visibility } from '../../common/access/visibility';
import { ChapterEntity } from '../organisations/chapter.entity';
import { OrganisationEntity } from '../organisations/organisation.entity';
import { EventSeriesEntity } from './series/event-series.entity';

export const EVENT_STATUSES = ['DRAFT', 'PUBLISHED', 'CANCELLED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * An event of a chapter. `goingCount` and `waitlistCount` are kept exact by the RSVP transaction,
 * which locks this row, so a page of events needs no count query. Full-text search uses an
 * expression index written by hand in the migration (declared here with synchronize: false).
 */
@Entity('events')
@Index(['chapterId', 'startsAt'])
@Index(['organisationId', 'startsAt'])
@Index('events_search_idx', { synchronize: false })
@Index('events_changes_idx', ['changeXid', 'id'])
@Index('events_series_slot_key', ['seriesId', 'seriesSlot'], { unique: true })
@Check('events_status_check', `"status" IN ('DRAFT', 'PUBLISHED', 'CANCELLED')`)
@Check('events_visibility_check', `"visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')`)
@Check('events_time_check', `"ends_at" > "starts_at"`)
@Check('events_capacity_check', `"capacity" IS NULL OR "capacity" > 0`)
@Check('events_counts_check', `"going_count" >= 0 AND "waitlist_count" >= 0`)
export class EventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @Column('uuid')
  chapterId: string;

  /** The chapter's organisation, kept on the row for organisation filters and visibility checks. */
  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column({ type: 'timestamptz', precision: 3 })
  startsAt: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  endsAt: Date;

  @Column('text')
  timeZone: string;

  @Column('text', { nullable: true }) venue: string | null;
  @Column('text', { nullable: true }) addressLine: string | null;
  @Column('text', { nullable: true }) city: string | null;
  @Column('text', { nullable: true }) postcode: string | null;
  @Column('text', { nullable: true }) country: string | null;
  @Column('double precision', { nullable: true }) latitude: number | null;
  @Column('double precision', { nullable: true }) longitude: number | null;

  @Column('text', { nullable: true })
  onlineUrl: string | null;

  @Column('integer', { nullable: true })
  capacity: number | null;

  @Column('text')
  visibility: Visibility;

  @Column('text')
  status: EventStatus;

  @Column('text', { nullable: true })
  cancelReason: string | null;

  @Column('integer', { default: 0 })
  goingCount: number;

  @Column('integer', { default: 0 })
  waitlistCount: number;

  /** The recurring series this event is an occurrence of (events/series). */
  @ManyToOne(() => EventSeriesEntity, { onDelete: 'SET NULL' })
  @JoinColumn()
  series?: EventSeriesEntity;

  @Column('uuid', { nullable: true })
  seriesId: string | null;

  /** The occurrence's identity in its series: its local start as the rule gives it (`yyyy-MM-ddTHH:mm`), kept when its times are edited. */
  @Column('text', { nullable: true })
  seriesSlot: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Set by the marea_touch_change trigger on every write, RSVP counts included. */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
