import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ChapterEntity } from '../organisations/chapter.entity';
import { ReadingListEntity } from './reading-list.entity';

/** Members of `chapterId` may read the list as if it were their chapter's. */
@Entity('reading_list_shares')
@Index(['chapterId'])
export class ReadingListShareEntity {
  @PrimaryColumn('uuid')
  listId: string;

  @PrimaryColumn('uuid')
  chapterId: string;

  @ManyToOne(() => ReadingListEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  list?: ReadingListEntity;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
