import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { ReadingListItemEntity } from './reading-list-item.entity';

export const READING_STATUSES = ['TO_READ', 'READING', 'READ'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

/** A member's own status for an item; private to them (others see only aggregate counts). */
@Entity('reading_statuses')
@Index(['itemId', 'status'])
@Check('reading_statuses_status_check', `"status" IN ('TO_READ', 'READING', 'READ')`)
export class ReadingStatusEntity {
  @PrimaryColumn('uuid')
  userId: string;

  @PrimaryColumn('uuid')
  itemId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  user?: UserEntity;

  @ManyToOne(() => ReadingListItemEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  item?: ReadingListItemEntity;

  @Column('text')
  status: ReadingStatus;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
