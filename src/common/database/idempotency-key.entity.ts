import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One `Idempotency-Key` of one caller (`user:<id>`, `key:<api key id>` or `ip:<address or /64>`):
 * RUNNING while its first request runs (`claim` tells that request's write from a later reclaim),
 * then DONE with the stored answer, until `expiresAt`.
 */
@Entity('idempotency_keys')
@Index('idempotency_keys_expires_at_idx', ['expiresAt'])
@Check('idempotency_keys_state_check', `"state" IN ('RUNNING', 'DONE')`)
export class IdempotencyKeyEntity {
  @PrimaryColumn('text')
  caller: string;

  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of the document, operation name and variables. */
  @Column('text')
  requestHash: string;

  @Column('text')
  state: 'RUNNING' | 'DONE';

  @Column('uuid')
  claim: string;

  @Column({ type: 'timestamptz', precision: 3 })
  lockedAt: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column('integer', { nullable: true })
  status: number | null;

  @Column('jsonb', { nullable: true })
  headers: Record<string, string> | null;

  @Column('bytea', { nullable: true })
  body: Buffer | null;
}
