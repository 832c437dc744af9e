import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ChangeXidColumn } from '../../common/database/change-sequence';

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

  /**
   * When and in which transaction this shard's count last changed (the marea_touch_change trigger).
   * The petition's own row is never written by signing (it would serialise signers), so a petition's
   * updatedAt and its place in incremental sync take the latest of its row and its shards.
   */
  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @ChangeXidColumn()
  changeXid: string;
}
