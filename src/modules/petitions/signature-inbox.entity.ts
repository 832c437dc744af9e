import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NewSignature } from './signature-batcher';

/**
 * Anonymous signatures as signPetition received them, until the drain job
 * (jobs/drain-signature-inbox.job.ts) turns each into a `petitions:receive-signature` job. A plain
 * insert-only table: no foreign key (it would lock the petition row) and no NOTIFY on insert, so
 * concurrent signers never wait for one another's commits.
 */
@Entity('signature_inbox')
export class SignatureInboxEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column('uuid')
  petitionId: string;

  @Column('jsonb')
  payload: NewSignature;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
