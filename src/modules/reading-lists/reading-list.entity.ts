import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Visibility } from '../../common/access/visibility';
import { ChapterEntity } from '../organisations/chapter.entity';
import { OrganisationEntity } from '../organisations/organisation.entity';

/**
 * A chapter's reading list. `itemCount` is kept by the item changes, which lock this row first, so
 * positions stay 1..itemCount without gaps or repeats.
 */
@Entity('reading_lists')
@Index(['chapterId', 'createdAt'])
@Index(['organisationId', 'createdAt'])
@Index('reading_lists_search_idx', { synchronize: false })
@Check('reading_lists_visibility_check', `"visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')`)
export class ReadingListEntity {
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
  title: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  visibility: Visibility;

  @ManyToOne(() => ReadingListEntity, { onDelete: 'SET NULL' })
  @JoinColumn()
  forkedFrom?: ReadingListEntity;

  @Column('uuid', { nullable: true })
  forkedFromId: string | null;

  @Column('integer', { default: 0 })
  itemCount: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
