import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganisationEntity } from './organisation.entity';

export const JOIN_POLICIES = ['OPEN', 'APPROVAL', 'INVITE_ONLY'] as const;
export type JoinPolicy = (typeof JOIN_POLICIES)[number];

@Entity('chapters')
@Index(['organisationId', 'slug'], { unique: true })
@Check('chapters_join_policy_check', `"join_policy" IN ('OPEN', 'APPROVAL', 'INVITE_ONLY')`)
export class ChapterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Column('uuid')
  organisationId: string;

  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { nullable: true })
  city: string | null;

  @Column('text', { nullable: true })
  country: string | null;

  @Column('text')
  timeZone: string;

  @Column('text')
  joinPolicy: JoinPolicy;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
