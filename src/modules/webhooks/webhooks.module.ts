import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';
import { OrganisationWebhooksResolver, WebhookDeliveriesResolver, WebhooksResolver } from './webhooks.resolver';
import { WebhooksService } from './webhooks.service';

/**
 * Signed webhooks (Standard Webhooks) to partners' endpoints. Features emit messages with
 * `emitWebhookEvent` (./emit) in their own transactions; the deliver job sends them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpointEntity, WebhookDeliveryEntity]), OrganisationsModule],
  providers: [WebhooksService, WebhookSender, WebhooksResolver, WebhookDeliveriesResolver, OrganisationWebhooksResolver],
  exports: [WebhooksService, WebhookSender],
})
export class WebhooksModule {}
