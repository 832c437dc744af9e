import type { EntityMetadata, ObjectLiteral, Repository } from 'typeorm';

const cache = new WeakMap<EntityMetadata, Map<string, string>>();

/**
 * `"alias"."column_name" AS "propertyName", ...` for every column of an entity, so a raw query's rows
 * already have the entity's shape. Hot read paths use it to skip the ORM's per-row transformation.
 */
export function selectColumns(metadata: EntityMetadata, alias = metadata.tableName): string {
  let byAlias = cache.get(metadata);
  if (!byAlias) cache.set(metadata, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    list = metadata.columns.map((c) => `"${alias}"."${c.databaseName}" AS "${c.propertyName}"`).join(', ');
    byAlias.set(alias, list);
  }
  return list;
}

/** Rows of `repository`'s table with these ids, in one raw statement (for DataLoader batch functions). */
export function findByIds<E extends ObjectLiteral>(repository: Repository<E>, ids: readonly string[]): Promise<E[]> {
  const { metadata } = repository;
  return repository.query(`SELECT ${selectColumns(metadata)} FROM "${metadata.tableName}" WHERE id = ANY($1)`, [ids]);
}
