import { defineJob } from '../../../common/jobs/job';

/**
 * One attempt of one delivery. Its job key (`webhook:<deliveryId>`) keeps one pending job per
 * delivery; the handler schedules the next attempt in the transaction that records this one. A
 * worker that dies mid-attempt leaves the job locked, and graphile-worker runs it again once the lock
 * expires: the delivery row (and its webhook-id) is untouched until an outcome is recorded.
 */
export const deliverWebhook = defineJob<{ deliveryId: string }>('webhooks:deliver', { maxAttempts: 25 });
export const sweepWebhookDeliveries = defineJob<Record<string, never>>('webhooks:sweep-deliveries');

/** Also spelled out in SQL in ../emit.ts. */
export const deliveryJobKey = (deliveryId: string) => `webhook:${deliveryId}`;
