import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import type { Grants } from '../../common/access/grants';
import { API_SCOPES, ApiScope } from '../../common/auth/actor';
import { Settings } from '../../common/config/settings';
import { inTransaction } from '../../common/database/transaction';
import { BadInputError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import type { RequestContext } from '../../common/graphql/request-context';
import { enqueue } from '../../common/jobs/job';
import { JobsService } from '../../common/jobs/jobs.service';
import { Connection } from '../../common/pagination/connection';
import { paginate } from '../../common/pagination/paginate';
import { OrganisationsService } from '../organisations/organisations.service';
import { webhookBody } from './emit';
import { ATTEMPT_DELAYS_S, DELIVERY_RETENTION_DAYS, DISABLE_AFTER_FAILING_MS, EVENT_TYPE_SCOPE, ROTATION_OVERLAP_MS, WebhookEventType } from './event-types';
import { deliverWebhook, deliveryJobKey, sweepWebhookDeliveries } from './jobs/deliver-webhook.job';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';
import {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointInput,
  DeliveriesArgs,
  toWebhookDelivery,
  toWebhookEndpoint,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookEndpoint,
} from './webhook.model';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const READ_SCOPES = API_SCOPES.filter((s) => s.endsWith('_READ'));

/** Admins of the organisation and its WEBHOOKS_WRITE keys manage its endpoints. */
function mayManage(grants: Grants, organisationId: string): boolean {
  return grants.isAdmin(organisationId) || grants.keyHas(organisationId, 'WEBHOOKS_WRITE');
}

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
    private readonly organisations: OrganisationsService,
    private readonly sender: WebhookSender,
    private readonly settings: Settings,
    jobs: JobsService,
  ) {
    jobs.register(deliverWebhook, ({ deliveryId }) => this.attempt(deliveryId));
    // Daily, once across instances: deliveries older than DELIVERY_RETENTION_DAYS go.
    jobs.register(sweepWebhookDeliveries, async () => void (await this.sweep()));
    jobs.schedule(sweepWebhookDeliveries, '41 4 * * *', {});
  }

  // ------------------------------------------------------------------ endpoints

  async create(ctx: RequestContext, input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    await this.organisations.requireVisible(input.organisationId);
    const grants = await ctx.grants();
    if (!mayManage(grants, input.organisationId)) throw new ForbiddenError("Only admins and the organisation's WEBHOOKS_WRITE keys manage its webhooks");
    this.checkUrl(input.url);
    const readScopes = this.checkEventTypes(grants, input.eventTypes);
    const secret = newSecret();
    const entity = await this.endpoints.save(
      this.endpoints.create({
        organisationId: input.organisationId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: input.eventTypes,
        readScopes,
        secret,
      }),
    );
    return { endpoint: toWebhookEndpoint(entity), secret };
  }

  async update(ctx: RequestContext, id: string, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    const { endpoint, grants } = await this.requireManageable(ctx, id);
    if (input.url !== undefined && input.url !== null) this.checkUrl(input.url);
    const eventTypes = input.eventTypes ?? (endpoint.eventTypes as WebhookEventType[]);
    // A key changing an endpoint answers for all of its subscriptions, not only the new ones.
    const readScopes = this.checkEventTypes(grants, eventTypes);
    const changes: Partial<WebhookEndpointEntity> = { eventTypes, readScopes };
    if (input.url != null) changes.url = input.url;
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabled != null) {
      changes.enabled = input.enabled;
      changes.disabledReason = null;
      if (input.enabled) changes.failingSince = null;
    }
    await this.endpoints.update({ id }, changes);
    return toWebhookEndpoint({ ...endpoint, ...changes } as WebhookEndpointEntity);
  }

  async delete(ctx: RequestContext, id: string): Promise<boolean> {
    await this.requireManageable(ctx, id);
    await this.endpoints.delete({ id });
    return true;
  }

  /** A new secret; the old one keeps signing alongside it for 24 hours. */
  async rotate(ctx: RequestContext, id: string): Promise<CreatedWebhookEndpoint> {
    const { endpoint } = await this.requireManageable(ctx, id);
    const secret = newSecret();
    const changes = { secret, previousSecret: endpoint.secret, previousSecretExpiresAt: new Date(Date.now() + ROTATION_OVERLAP_MS) };
    await this.endpoints.update({ id }, changes);
    return { endpoint: toWebhookEndpoint({ ...endpoint, ...changes }), secret };
  }

  /** `Organisation.webhookEndpoints`: admins and WEBHOOKS_WRITE keys (FORBIDDEN at the field otherwise). */
  async listFor(ctx: RequestContext, organisationId: string): Promise<WebhookEndpoint[]> {
    if (!mayManage(await ctx.grants(), organisationId)) throw new ForbiddenError("Only admins and the organisation's WEBHOOKS_WRITE keys see its webhooks");
    const rows = await this.endpoints.find({ where: { organisationId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toWebhookEndpoint);
  }

  /** `WebhookEndpoint.deliveries`, newest first (the endpoint was already shown to the caller). */
  listDeliveries(endpoint: WebhookEndpoint, args: DeliveriesArgs): Promise<Connection<WebhookDelivery>> {
    const qb = this.deliveries.createQueryBuilder('d').where('d.endpointId = :id', { id: endpoint.id });
    if (args.status) qb.andWhere('d.status = :status', { status: args.status });
    return paginate(
      qb,
      args,
      { column: 'd.createdAt', id: 'd.id', direction: 'DESC', valueOf: (d) => ({ value: d.createdAt, id: d.id }) },
      toWebhookDelivery(endpoint.organisationId),
    );
  }

  /** `WebhookDelivery.payload`: null unless the caller reads what the event type carries (admins always). */
  async payloadFor(ctx: RequestContext, delivery: WebhookDelivery): Promise<string | null> {
    const grants = await ctx.grants();
    if (grants.isAdmin(delivery.organisationId)) return delivery.body;
    const scope = EVENT_TYPE_SCOPE[delivery.eventType];
    if (!grants.keyHas(delivery.organisationId, 'WEBHOOKS_WRITE')) return null;
    return scope === null || grants.keyHas(delivery.organisationId, scope) ? delivery.body : null;
  }

  // ------------------------------------------------------------------ messages

  /** Sends a PING now. */
  async sendTest(ctx: RequestContext, id: string): Promise<WebhookDelivery> {
    const { endpoint } = await this.requireManageable(ctx, id);
    const delivery = await inTransaction(this.dataSource, async (manager) => {
      const [row]: Array<{ id: string }> = await manager.query(
        `INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, next_attempt_at)
         VALUES ($1, 'msg_' || replace(gen_random_uuid()::text, '-', ''), 'PING', $2, now()) RETURNING id`,
        [endpoint.id, webhookBody('PING', { endpointId: endpoint.id })],
      );
      await enqueue(manager, deliverWebhook, { deliveryId: row.id }, { jobKey: deliveryJobKey(row.id) });
      return manager.findOneByOrFail(WebhookDeliveryEntity, { id: row.id });
    });
    return toWebhookDelivery(endpoint.organisationId)(delivery);
  }

  /** Sends the stored body again, same webhook-id, signed now with the current secret(s); the attempt count starts over. */
  async redeliver(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
    const found = await this.deliveries.findOne({ where: { id: deliveryId }, relations: { endpoint: true } });
    const grants = await ctx.grants();
    if (!found?.endpoint || !mayManage(grants, found.endpoint.organisationId)) throw new NotFoundError('Webhook delivery');
    const delivery = await inTransaction(this.dataSource, async (manager) => {
      await manager.query(`UPDATE webhook_deliveries SET status = 'PENDING', attempts = 0, next_attempt_at = now() WHERE id = $1`, [deliveryId]);
      await enqueue(manager, deliverWebhook, { deliveryId }, { jobKey: deliveryJobKey(deliveryId) });
      return manager.findOneByOrFail(WebhookDeliveryEntity, { id: deliveryId });
    });
    return toWebhookDelivery(found.endpoint.organisationId)(delivery);
  }

  /**
   * One attempt of a delivery (the job's handler). The outcome, the next attempt's time and its job
   * are written in one transaction; until then the row is untouched, so a worker dying mid-request
   * leaves the message (and its webhook-id) for graphile-worker's retry of the locked job.
   */
  async attempt(deliveryId: string): Promise<void> {
    const delivery = await this.deliveries.findOne({ where: { id: deliveryId }, relations: { endpoint: true } });
    if (!delivery?.endpoint || delivery.status !== 'PENDING') return;
    const endpoint = delivery.endpoint;
    if (!endpoint.enabled) {
      await this.deliveries.update({ id: deliveryId, status: 'PENDING' }, { status: 'FAILED', nextAttemptAt: null });
      return;
    }
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()) secrets.push(endpoint.previousSecret);
    const result = await this.sender.send(endpoint.url, secrets, delivery.messageId, delivery.payload);
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
    if (!succeeded) this.logger.warn(`delivery ${deliveryId} to endpoint ${endpoint.id} failed: ${result.status ?? result.error}`);

    await inTransaction(this.dataSource, async (manager) => {
      const attempts = delivery.attempts + 1;
      const now = new Date();
      let status: WebhookDelivery['status'] = 'SUCCEEDED';
      let nextAttemptAt: Date | null = null;
      if (succeeded) {
        await manager.update(WebhookEndpointEntity, { id: endpoint.id }, { failingSince: null });
      } else {
        const failingSince = endpoint.failingSince ?? now;
        const gone = result.status === 410;
        const failingTooLong = now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
        if (gone || failingTooLong) {
          await manager.update(
            WebhookEndpointEntity,
            { id: endpoint.id },
            { enabled: false, disabledReason: gone ? '410 Gone' : 'failing for 5 days', failingSince },
          );
          status = 'FAILED';
        } else {
          if (!endpoint.failingSince) await manager.update(WebhookEndpointEntity, { id: endpoint.id }, { failingSince });
          if (attempts < ATTEMPT_DELAYS_S.length) {
            status = 'PENDING';
            // The schedule counts from the message's first attempt, not from this one.
            const firstAt = delivery.attempts === 0 ? now : (delivery.nextAttemptAt ?? now);
            nextAttemptAt = new Date(firstAt.getTime() + (ATTEMPT_DELAYS_S[attempts] - ATTEMPT_DELAYS_S[attempts - 1]) * 1000);
          } else {
            status = 'FAILED';
          }
        }
      }
      // Only while still PENDING at the count this attempt read: a redelivery in between wins.
      await manager.query(
        `UPDATE webhook_deliveries SET attempts = $2, status = $3, last_attempt_at = $4, last_response_status = $5, next_attempt_at = $6
          WHERE id = $1 AND status = 'PENDING' AND attempts = $7`,
        [deliveryId, attempts, status, now, result.status, nextAttemptAt, delivery.attempts],
      );
      if (nextAttemptAt) await enqueue(manager, deliverWebhook, { deliveryId }, { jobKey: deliveryJobKey(deliveryId), runAt: nextAttemptAt });
    });
  }

  /** Forgets deliveries older than DELIVERY_RETENTION_DAYS; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.dataSource.query(`DELETE FROM webhook_deliveries WHERE created_at < now() - make_interval(days => $1)`, [
      DELIVERY_RETENTION_DAYS,
    ]);
    return (result as [unknown, number])[1] ?? 0;
  }

  // ------------------------------------------------------------------ checks

  /** Endpoints are invisible to all but their managers: NOT_FOUND for anyone else. */
  private async requireManageable(ctx: RequestContext, id: string): Promise<{ endpoint: WebhookEndpointEntity; grants: Grants }> {
    const endpoint = await this.endpoints.findOneBy({ id });
    const grants = await ctx.grants();
    if (!endpoint || !mayManage(grants, endpoint.organisationId)) throw new NotFoundError('Webhook endpoint');
    return { endpoint, grants };
  }

  /** http(s) only; https in production unless WEBHOOK_ALLOW_PRIVATE (addresses are checked when connecting). */
  private checkUrl(url: string): void {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadInputError({ url: 'must be an absolute URL' });
    }
    const config = this.settings.config;
    const httpAllowed = config.WEBHOOK_ALLOW_PRIVATE || !config.isProduction;
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && httpAllowed)) throw new BadInputError({ url: 'must be an https URL' });
    if (parsed.username || parsed.password) throw new BadInputError({ url: 'must not hold credentials' });
  }

  /**
   * A key may subscribe only to the event types its read scopes cover; returns the read scopes to
   * store with the endpoint (null for admins, who read everything).
   */
  private checkEventTypes(grants: Grants, eventTypes: WebhookEventType[]): string[] | null {
    const actor = grants.actor;
    if (actor.kind !== 'apiKey') return null;
    const missing = eventTypes.filter((type) => {
      const scope = EVENT_TYPE_SCOPE[type];
      return scope !== null && !actor.scopes.has(scope);
    });
    if (missing.length) throw new BadInputError({ eventTypes: `this key may not read ${missing.join(', ')}` });
    return READ_SCOPES.filter((s) => actor.scopes.has(s as ApiScope));
  }
}
