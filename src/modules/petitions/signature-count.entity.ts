import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many shards a petition's count is spread over; a signature adds one to a random shard. */
export const COUNT_SHARDS = 16;

/**
 * A petition's exact signature count, split into COUNT_SHARDS rows so concurrent signatures rarely
 * wait for the same row lock; the count is the sum of its shards.
 */
@Entity('petition_signature_counts')
export class SignatureCountEntity {
  @PrimaryColumn('uuid')
  petitionId: string;

  @PrimaryColumn('smallint')
  shard: number;

  @Column('integer', { default: 0 })
  count: number;
}
