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

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
