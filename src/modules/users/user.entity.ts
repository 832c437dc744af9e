import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored normalised (trimmed, lowercased), so a plain unique index is case-insensitive. */
  @Index({ unique: true })
  @Column('text')
  email: string;

  @Column('text')
  displayName: string;

  @Column('text')
  passwordHash: string;

  /** Set when the owner followed a link sent to `email`; only verified accounts sign in. */
  @Column('timestamptz', { nullable: true })
  emailVerifiedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
