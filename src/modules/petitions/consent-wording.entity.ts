import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One version of an organisation's contact-consent text, never changed once written; the newest is
 * current. Rows without an organisation are the platform default.
 */
@Entity('consent_wordings')
@Index(['organisationId', 'createdAt'])
export class ConsentWordingEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { nullable: true })
  organisationId: string | null;

  @Column('text')
  text: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
