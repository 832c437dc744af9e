import type { EntityManager } from 'typeorm';
import type { DeletionKind } from '../sync/tombstone.entity';
import { DELETION_KIND_SCOPE, type WebhookEventType } from './event-types';
import { deliverWebhook } from './jobs/deliver-webhook.job';

/** The JSON body of a message, as signed: `{ "type", "timestamp", "data" }`. */
export function webhookBody(type: WebhookEventType, data: Record<string, unknown>, at = new Date()): string {
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

/**
 * The one way features announce a change to partners: writes a delivery (the outbox row) for every
 * enabled endpoint of the organisation subscribed to `type`, and its first attempt's job, in the
 * caller's transaction — so a message exists exactly when the change commits. `manager` is the
 * transaction's. `data` must hold only what the event type's read scope covers (DESIGN.md "Partners").
 * A DELETED message (`{ kind, id }`) goes only to endpoints whose scopes read that kind.
 */
export async function emitWebhookEvent(manager: EntityManager, organisationId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
  const kindScope = type === 'DELETED' ? DELETION_KIND_SCOPE[data.kind as DeletionKind] : undefined;
  const body = webhookBody(type, data);
  // One statement for the outbox rows and their jobs (graphile_worker.add_job, as `enqueue` does): a
  // change with subscribers pays one round trip, not one per endpoint (bench/webhooks.bench.ts).
  await manager.query(
    `WITH deliveries AS (
       INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, payload, next_attempt_at)
       SELECT e.id, 'msg_' || replace(gen_random_uuid()::text, '-', ''), $2, $3, now()
         FROM webhook_endpoints e
        WHERE e.organisation_id = $1 AND e.enabled AND $2 = ANY(e.event_types)
          AND ($4::text IS NULL OR e.read_scopes IS NULL OR $4 = ANY(e.read_scopes))
       RETURNING id
     )
     SELECT graphile_worker.add_job($5, json_build_object('deliveryId', d.id), max_attempts => $6, job_key => 'webhook:' || d.id) FROM deliveries d`,
    [organisationId, type, body, kindScope ?? null, deliverWebhook.name, deliverWebhook.maxAttempts],
  );
}
