import { createHash } from 'node:crypto';
import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import type { DataSource, EntityMetadata, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';

const columnLists = new WeakMap<EntityMetadata, Map<string, string>>();

/**
 * `"alias"."column_name" AS "propertyName", ...` for every column of an entity, so a raw query's rows
 * already have the entity's shape. Hot read paths use it to skip the ORM's per-row transformation.
 */
export function selectColumns(metadata: EntityMetadata, alias = metadata.tableName): string {
  let byAlias = columnLists.get(metadata);
  if (!byAlias) columnLists.set(metadata, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    list = metadata.columns.map((c) => `"${alias}"."${c.databaseName}" AS "${c.propertyName}"`).join(', ');
    byAlias.set(alias, list);
  }
  return list;
}

const statementNames = new Map<string, string>();

/**
 * A read run as a named prepared statement straight on the pool: PostgreSQL parses and plans it once
 * per connection instead of on every request. For hot read paths outside transactions; `text` must
 * come from code (values go in `values`), so the number of distinct statements stays small.
 */
export async function preparedQuery<T>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  return (await requestPool(dataSource).query({ name: statementName(text), text, values })).rows as T[];
}

/** The name a statement text is prepared under (the same on every connection). */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) statementNames.set(text, (name = `m_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name;
}

/** TypeORM's node-postgres pool: the request pool. */
export function requestPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

const byIdBatchers = new WeakMap<EntityMetadata, DataLoader<string, unknown>>();

/**
 * Rows of `repository`'s table with these ids (missing ids are left out). Loads of the same table
 * from concurrent requests in one turn of the event loop share one prepared statement.
 */
export async function findByIds<E extends ObjectLiteral>(repository: Repository<E>, ids: readonly string[]): Promise<E[]> {
  const { metadata } = repository;
  let batcher = byIdBatchers.get(metadata) as DataLoader<string, E | null> | undefined;
  if (!batcher) {
    const text = `SELECT ${selectColumns(metadata)} FROM "${metadata.tableName}" WHERE id = ANY($1)`;
    batcher = new DataLoader<string, E | null>(
      async (keys) => {
        const rows = await preparedQuery<E>(repository.manager.connection, text, [keys]);
        const byId = new Map(rows.map((row) => [row.id as string, row]));
        return keys.map((key) => byId.get(key) ?? null);
      },
      { cache: false, maxBatchSize: 1000, batchScheduleFn: (flush) => setImmediate(flush) },
    );
    byIdBatchers.set(metadata, batcher as DataLoader<string, unknown>);
  }
  const rows = await batcher.loadMany(ids);
  const failure = rows.find((row) => row instanceof Error);
  if (failure) throw failure;
  return rows.filter((row): row is E => row !== null);
}

/** A query builder's rows shaped like its main entity (plus any selections added), as a prepared statement. */
export function rawEntities<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): Promise<E[]> {
  const { metadata, name } = qb.expressionMap.mainAlias!;
  // The entity's columns replace the default selection; selections the caller added stay.
  const added = qb.expressionMap.selects.filter((s) => s.selection !== name);
  qb.select(selectColumns(metadata, name));
  for (const s of added) qb.addSelect(s.selection, s.aliasName);
  const [text, values] = qb.getQueryAndParameters();
  return preparedQuery<E>(qb.connection, text, values);
}
