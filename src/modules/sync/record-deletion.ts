import type { EntityManager } from 'typeorm';
import { emitWebhookEvent } from '../webhooks/emit';
import type { DeletionKind } from './tombstone.entity';

/**
 * Leaves a tombstone for partners: call it in the transaction that deletes (or erases) the thing, so
 * the tombstone exists exactly when the deletion does. Query.deletions lists it for TOMBSTONE_DAYS,
 * and endpoints subscribed to DELETED get a message in the same transaction.
 */
export async function recordDeletion(manager: EntityManager, organisationId: string, kind: DeletionKind, id: string): Promise<void> {
  await manager.query('INSERT INTO tombstones (organisation_id, kind, subject_id) VALUES ($1, $2, $3)', [organisationId, kind, id]);
  await emitWebhookEvent(manager, organisationId, 'DELETED', { kind, id });
}
