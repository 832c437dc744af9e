import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChapterEntity } from '../../organisations/chapter.entity';
import { OrganisationEntity } from '../../organisations/organisation.entity';

/**
 * A recurring event: an RRULE read in `timeZone` from `dtstart` (the first occurrence's local start,
 * `yyyy-MM-ddTHH:mm`). Its occurrences are ordinary events (events.series_id), materialised ahead
 * by createEventSeries and the daily series extension job; each is identified by its slot.
 */
@Entity('event_series')
@Index(['chapterId'])
export class EventSeriesEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @Column('uuid')
  chapterId: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  @Column('text')
  rrule: string;

  @Column('text')
  timeZone: string;

  /** The first occurrence's local start in timeZone, `yyyy-MM-ddTHH:mm`: where the rule starts counting. */
  @Column('text')
  dtstart: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
