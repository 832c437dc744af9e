import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

export const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One message to one endpoint, the outbox row: written in the transaction of the change. */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint_idx', ['endpointId', 'createdAt', 'id'])
@Index('webhook_deliveries_created_at_idx', ['createdAt'])
@Check('webhook_deliveries_status_check', `"status" IN ('PENDING', 'SUCCEEDED', 'FAILED')`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn()
  endpoint?: WebhookEndpointEntity;

  @Column('uuid')
  endpointId: string;

  /** The webhook-id header: fixed when the message is written, so every attempt carries the same. */
  @Column('text')
  messageId: string;

  @Column('text')
  eventType: string;

  @Column('text', { default: 'PENDING' })
  status: DeliveryStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('timestamptz', { nullable: true })
  lastAttemptAt: Date | null;

  @Column('int', { nullable: true })
  lastResponseStatus: number | null;

  @Column('timestamptz', { nullable: true })
  nextAttemptAt: Date | null;

  /** The JSON body, exactly as signed. */
  @Column('text')
  payload: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
