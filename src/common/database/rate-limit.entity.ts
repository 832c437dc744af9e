import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Fixed-window counters of RateLimiterService: `<limit name>:<key>`, points spent, window end in epoch ms. */
@Entity('rate_limits')
export class RateLimitEntity {
  @PrimaryColumn('varchar', { length: 255 })
  key: string;

  @Column('integer', { default: 0 })
  points: number;

  @Column('bigint', { nullable: true })
  expire: string | null;
}
