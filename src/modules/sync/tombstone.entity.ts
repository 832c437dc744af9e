import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';
import { OrganisationEntity } from '../organisations/organisation.entity';

export const DELETION_KINDS = ['EVENT', 'ATTENDANCE', 'PETITION', 'SIGNATURE', 'SUPPORTER', 'MEMBERSHIP', 'READING_LIST'] as const;
export type DeletionKind = (typeof DELETION_KINDS)[number];

/** Tombstones are kept this long; partners syncing less often than this must resync in full. */
export const TOMBSTONE_DAYS = 90;

/** A thing of an organisation that was deleted or erased, so partners holding a copy can drop it. */
@Entity('tombstones')
@Index('tombstones_changes_idx', ['organisationId', 'changeXid', 'id'])
@Index('tombstones_deleted_at_idx', ['deletedAt'])
@Check('tombstones_kind_check', `"kind" IN ('EVENT', 'ATTENDANCE', 'PETITION', 'SIGNATURE', 'SUPPORTER', 'MEMBERSHIP', 'READING_LIST')`)
export class TombstoneEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  @Column('text')
  kind: DeletionKind;

  /** The id of the deleted thing. */
  @Column('uuid')
  subjectId: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  deletedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
