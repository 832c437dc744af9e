import { DataSource, EntityManager } from 'typeorm';
import { whereVisibleTo } from '../../../common/access/visibility-sql';
import type { Actor } from '../../../common/auth/actor';
import { BadInputError } from '../../../common/errors/domain-error';
import { ReadingListItemEntity } from '../../reading-lists/reading-list-item.entity';
import { ReadingListEntity } from '../../reading-lists/reading-list.entity';
import { LIST_KEY_SCOPES, LIST_SHARES_SQL } from '../../reading-lists/reading-lists-access';

/** Writing study-session links (used by the events and series services, so free of their imports). */

/**
 * The ids as given, when every one is an item of a list the caller may read in `organisationId`;
 * otherwise BAD_USER_INPUT naming `readingListItemIds.N`, the same answer for an item that does not
 * exist and one the caller may not see (DESIGN.md: the invisible is indistinguishable from the absent).
 */
export async function checkLinkable(
  dataSource: DataSource,
  actor: Actor,
  organisationId: string,
  ids: readonly string[],
  field = 'readingListItemIds',
): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  if (unique.length > 50) throw new BadInputError({ [field]: 'at most 50 items' });
  const qb = dataSource
    .getRepository(ReadingListEntity)
    .createQueryBuilder('l')
    .innerJoin(ReadingListItemEntity, 'i', 'i.listId = l.id')
    .select('i.id', 'id')
    .where('i.id IN (:...ids)', { ids: unique })
    .andWhere('l.organisationId = :organisationId', { organisationId });
  whereVisibleTo(qb, 'l', actor, LIST_KEY_SCOPES, { published: 'true', sharedWith: LIST_SHARES_SQL });
  const found = new Set((await qb.getRawMany<{ id: string }>()).map((r) => r.id));
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0) throw new BadInputError({ [`${field}.${missing}`]: 'is not a reading-list item you may see in this organisation' });
  return unique;
}

/** Replaces the study-session links of `eventIds` with `itemIds` (already checked), in the caller's transaction. */
export async function setStudyItems(manager: EntityManager, eventIds: readonly string[], itemIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await manager.query(`DELETE FROM event_reading_list_items WHERE event_id = ANY($1) AND NOT (item_id = ANY($2))`, [eventIds, itemIds]);
  if (itemIds.length === 0) return;
  await manager.query(
    `INSERT INTO event_reading_list_items (event_id, item_id)
     SELECT e, i FROM unnest($1::uuid[]) e CROSS JOIN unnest($2::uuid[]) i ON CONFLICT DO NOTHING`,
    [eventIds, itemIds],
  );
}

/** Gives `targetIds` the links `sourceId` has (new occurrences of a series study what the latest one studies). */
export async function copyStudyItems(manager: EntityManager, sourceId: string, targetIds: readonly string[]): Promise<void> {
  if (targetIds.length === 0) return;
  await manager.query(
    `INSERT INTO event_reading_list_items (event_id, item_id)
     SELECT t, l.item_id FROM event_reading_list_items l CROSS JOIN unnest($2::uuid[]) t WHERE l.event_id = $1 ON CONFLICT DO NOTHING`,
    [sourceId, targetIds],
  );
}
