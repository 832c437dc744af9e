import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsBoolean, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType, PageArgs } from '../../common/pagination/connection';
import { Text } from '../../common/validation/text';
import { DELIVERY_STATUSES, DeliveryStatus, type WebhookDeliveryEntity } from './webhook-delivery.entity';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from './event-types';

export const WebhookEventTypeEnum = graphqlEnum('WebhookEventType', WEBHOOK_EVENT_TYPES, {
  DELETED: { description: 'Something the receiver holds was erased or deleted; the payload names its kind and id.' },
  PING: { description: 'Sent only by sendTestWebhook.' },
});
export const WebhookDeliveryStatusEnum = graphqlEnum('WebhookDeliveryStatus', DELIVERY_STATUSES);

@ObjectType('WebhookEndpoint')
export class WebhookEndpoint {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [WebhookEventTypeEnum]) eventTypes: WebhookEventType[];
  @Field() enabled: boolean;
  @Field(() => String, { nullable: true, description: 'Why Marea disabled it (410 Gone, or failing for 5 days); null when enabled or disabled by hand.' })
  disabledReason: string | null;
  @Field({ description: 'The first characters of the current signing secret.' }) secretPrefix: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  organisationId: string;
}

@ObjectType()
export class CreatedWebhookEndpoint {
  @Field(() => WebhookEndpoint) endpoint: WebhookEndpoint;
  @Field({ description: 'whsec_ followed by base64; shown once.' }) secret: string;
}

@ObjectType('WebhookDelivery')
export class WebhookDelivery {
  @Field(() => ID) id: string;
  @Field({ description: 'The webhook-id header; the same on every attempt of one message.' }) messageId: string;
  @Field(() => WebhookEventTypeEnum) eventType: WebhookEventType;
  @Field(() => WebhookDeliveryStatusEnum) status: DeliveryStatus;
  @Field(() => Int) attempts: number;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastAttemptAt: Date | null;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it got none (timeout, refused, blocked address).' })
  lastResponseStatus: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) nextAttemptAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  body: string;
  organisationId: string;
}

export const WebhookDeliveryConnection = ConnectionType(WebhookDelivery);

@ArgsType()
export class DeliveriesArgs extends PageArgs {
  @Field(() => WebhookDeliveryStatusEnum, { nullable: true })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an id' })
  organisationId: string;

  @Field()
  @MaxLength(2000)
  url: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Text()
  description?: string | null;

  @Field(() => [WebhookEventTypeEnum])
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes: WebhookEventType[];
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2000)
  url?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Text()
  description?: string | null;

  @Field(() => [WebhookEventTypeEnum], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: 'must name at least one event type' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  eventTypes?: WebhookEventType[];

  @Field({ nullable: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export function toWebhookEndpoint(e: WebhookEndpointEntity): WebhookEndpoint {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes as WebhookEventType[],
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    secretPrefix: e.secret.slice(0, 12),
    createdAt: e.createdAt,
    organisationId: e.organisationId,
  };
}

export function toWebhookDelivery(organisationId: string) {
  return (e: WebhookDeliveryEntity): WebhookDelivery => ({
    id: e.id,
    messageId: e.messageId,
    eventType: e.eventType as WebhookEventType,
    status: e.status,
    attempts: e.attempts,
    lastAttemptAt: e.lastAttemptAt,
    lastResponseStatus: e.lastResponseStatus,
    nextAttemptAt: e.nextAttemptAt,
    createdAt: e.createdAt,
    body: e.payload,
    organisationId,
  });
}
