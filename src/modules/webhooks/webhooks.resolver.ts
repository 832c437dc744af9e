import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Organisation } from '../organisations/organisation.model';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  DeliveriesArgs,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookEndpoint,
} from './webhook.model';
import { WebhooksService } from './webhooks.service';

@Resolver(() => WebhookEndpoint)
export class WebhooksResolver {
  constructor(
    private readonly service: WebhooksService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => CreatedWebhookEndpoint)
  createWebhookEndpoint(@Args('input') input: CreateWebhookEndpointInput, @Ctx() ctx: RequestContext): Promise<CreatedWebhookEndpoint> {
    return this.service.create(ctx, input);
  }

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(@IdArg('id') id: string, @Args('input') input: UpdateWebhookEndpointInput, @Ctx() ctx: RequestContext): Promise<WebhookEndpoint> {
    return this.service.update(ctx, id, input);
  }

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => Boolean)
  deleteWebhookEndpoint(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return this.service.delete(ctx, id);
  }

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => CreatedWebhookEndpoint, { description: 'A new secret; the old one keeps signing alongside it for 24 hours.' })
  rotateWebhookSecret(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<CreatedWebhookEndpoint> {
    return this.service.rotate(ctx, id);
  }

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => WebhookDelivery, { description: 'Sends a PING message now.' })
  sendTestWebhook(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<WebhookDelivery> {
    return this.service.sendTest(ctx, id);
  }

  @Allow('USER', 'WEBHOOKS_WRITE')
  @Mutation(() => WebhookDelivery, { description: 'Sends the message again (same webhook-id, the stored body re-signed now).' })
  redeliverWebhook(@IdArg('deliveryId') deliveryId: string, @Ctx() ctx: RequestContext): Promise<WebhookDelivery> {
    return this.service.redeliver(ctx, deliveryId);
  }

  // Endpoints reach callers only through the checked operations above and Organisation.webhookEndpoints.
  @Public()
  @ResolveField(() => Organisation)
  organisation(endpoint: WebhookEndpoint, _args: unknown, ctx: RequestContext): Promise<Organisation> {
    return this.organisations.load(ctx, endpoint.organisationId);
  }

  @Public()
  @ResolveField(() => WebhookDeliveryConnection, { description: 'Newest first.' })
  deliveries(@Parent() endpoint: WebhookEndpoint, @Args() args: DeliveriesArgs): Promise<Connection<WebhookDelivery>> {
    return this.service.listDeliveries(endpoint, args);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveriesResolver {
  constructor(private readonly service: WebhooksService) {}

  @Public()
  @PersonalData('admins; WEBHOOKS_WRITE keys holding the read scope of the event type; null otherwise')
  @ResolveField(() => String, {
    nullable: true,
    description:
      'The JSON body as last signed (personal data in it is redacted after an erasure). Null for callers without the read scope its event type needs.',
  })
  payload(delivery: WebhookDelivery, _args: unknown, ctx: RequestContext): Promise<string | null> {
    return this.service.payloadFor(ctx, delivery);
  }
}

@Resolver(() => Organisation)
export class OrganisationWebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Public()
  @ResolveField(() => [WebhookEndpoint], { nullable: true, description: 'Admins and WEBHOOKS_WRITE keys. Null with a FORBIDDEN error for anyone else.' })
  webhookEndpoints(organisation: Organisation, _args: unknown, ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return this.service.listFor(ctx, organisation.id);
  }
}
