import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';
import type { Visibility } from '../../common/access/visibility';
import { ChapterEntity } from '../organisations/chapter.entity';
import { OrganisationEntity } from '../organisations/organisation.entity';

export const PETITION_STATUSES = ['DRAFT', 'OPEN', 'CLOSED'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

/**
 * A petition of a chapter, or of a whole organisation when `chapterId` is null. Its signature count
 * lives in `petition_signature_counts` (sharded), not on this row, so signing never updates it.
 */
@Entity('petitions')
@Index(['organisationId', 'slug'], { unique: true })
@Index(['organisationId', 'createdAt'])
@Index(['chapterId', 'createdAt'])
@Index('petitions_search_idx', { synchronize: false })
@Index('petitions_changes_idx', ['changeXid', 'id'])
@Check('petitions_status_check', `"status" IN ('DRAFT', 'OPEN', 'CLOSED')`)
@Check('petitions_visibility_check', `"visibility" IN ('PUBLIC', 'ORGANISATION', 'CHAPTER')`)
@Check('petitions_goal_check', `"goal" IS NULL OR "goal" > 0`)
export class PetitionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  @ManyToOne(() => ChapterEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  chapter?: ChapterEntity;

  @Column('uuid', { nullable: true })
  chapterId: string | null;

  @Column('text')
  slug: string;

  @Column('text')
  title: string;

  @Column('text')
  target: string;

  @Column('text')
  body: string;

  @Column('integer', { nullable: true })
  goal: number | null;

  @Column('text')
  status: PetitionStatus;

  @Column('text')
  visibility: Visibility;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  closesAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Of this row only, set by the marea_touch_change trigger; Petition.updatedAt also counts its count shards. */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
