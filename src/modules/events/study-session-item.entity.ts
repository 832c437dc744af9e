import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReadingListItemEntity } from '../reading-lists/reading-list-item.entity';
import { EventEntity } from './event.entity';

/** A study session's link: the event studies the reading-list item. */
@Entity('event_reading_list_items')
@Index(['itemId'])
export class StudySessionItemEntity {
  @PrimaryColumn('uuid')
  eventId: string;

  @PrimaryColumn('uuid')
  itemId: string;

  @ManyToOne(() => EventEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  event?: EventEntity;

  @ManyToOne(() => ReadingListItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  item?: ReadingListItemEntity;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** When the study-session job marked the GOING attendees READING for this item; null until the session has ended and been handled. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  markedAt: Date | null;
}
