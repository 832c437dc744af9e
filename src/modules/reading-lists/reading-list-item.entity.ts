import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { ReadingListEntity } from './reading-list.entity';

export const READING_ITEM_KINDS = ['BOOK', 'ARTICLE', 'VIDEO', 'PODCAST', 'OTHER'] as const;
export type ReadingItemKind = (typeof READING_ITEM_KINDS)[number];

/** One item of a list. Positions are unique per list, checked at commit so a renumbering may pass through duplicates. */
@Entity('reading_list_items')
@Unique('reading_list_items_position_key', ['listId', 'position'], { deferrable: 'INITIALLY DEFERRED' })
@Check('reading_list_items_kind_check', `"kind" IN ('BOOK', 'ARTICLE', 'VIDEO', 'PODCAST', 'OTHER')`)
@Check('reading_list_items_position_check', `"position" > 0`)
export class ReadingListItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => ReadingListEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  list?: ReadingListEntity;

  @Column('uuid')
  listId: string;

  @Column('integer')
  position: number;

  @Column('text')
  kind: ReadingItemKind;

  @Column('text')
  title: string;

  @Column('text', { array: true, default: () => "'{}'" })
  authors: string[];

  @Column('text', { nullable: true })
  url: string | null;

  /** ISBN-13, digits only. */
  @Column('text', { nullable: true })
  isbn: string | null;

  @Column('integer', { nullable: true })
  year: number | null;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('text', { array: true, default: () => "'{}'" })
  discussionQuestions: string[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
