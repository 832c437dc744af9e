import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OrganisationEntity } from '../organisations/organisation.entity';

/** An organisation's receiver of signed webhooks. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => OrganisationEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: OrganisationEntity;

  @Index()
  @Column('uuid')
  organisationId: string;

  @Column('text')
  url: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { array: true })
  eventTypes: string[];

  /**
   * The read scopes of the key that made or last changed it (null: an admin, who reads everything).
   * DELETED messages name only the kinds these cover.
   */
  @Column('text', { array: true, nullable: true })
  readScopes: string[] | null;

  @Column('boolean', { default: true })
  enabled: boolean;

  @Column('text', { nullable: true })
  disabledReason: string | null;

  /**
   * The `whsec_` signing secret. Stored as it is: it must sign, so it cannot be hashed; it never
   * leaves the database except in the create/rotate answers and HMACs.
   */
  @Column('text')
  secret: string;

  /** The secret before the last rotation; signs alongside the new one until previousSecretExpiresAt. */
  @Column('text', { nullable: true })
  previousSecret: string | null;

  @Column('timestamptz', { nullable: true })
  previousSecretExpiresAt: Date | null;

  /** Start of the current run of failed attempts (null after a success); 5 days of it disable the endpoint. */
  @Column('timestamptz', { nullable: true })
  failingSince: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
