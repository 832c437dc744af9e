import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The table rate-limiter-flexible's PostgreSQL store reads and writes, declared here so migrations own it. */
@Entity('rate_limits')
export class RateLimitEntity {
  @PrimaryColumn('varchar', { length: 255 })
  key: string;

  @Column('integer', { default: 0 })
  points: number;

  @Column('bigint', { nullable: true })
  expire: string | null;
}
