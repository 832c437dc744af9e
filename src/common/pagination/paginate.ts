import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { rawEntities } from '../database/raw-reads';
import { BadInputError } from '../errors/domain-error';
import { isUuid } from '../validation/id';
import { Connection, DEFAULT_PAGE_SIZE, PageArgs } from './connection';

type CursorValue = string | number;

/** How a list is ordered: one column plus the id as tie-breaker, both in the same direction. */
export interface SortKey<E> {
  /** `alias.property` of the sort column in the query builder. */
  column: string;
  /** `alias.property` of the unique tie-breaker (the id). */
  id: string;
  direction: 'ASC' | 'DESC';
  valueOf(row: E): { value: CursorValue | Date; id: string };
}

/** Opaque and stable under inserts: the sort value and id of the last row seen. */
export function encodeCursor(value: CursorValue | Date, id: string): string {
  return Buffer.from(JSON.stringify([value instanceof Date ? value.toISOString() : value, id])).toString('base64url');
}

const notACursor = () => new BadInputError({ after: 'Not a cursor from this list' });

export function decodeCursor(cursor: string): [CursorValue, string] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const [value, id] = Array.isArray(parsed) && parsed.length === 2 ? parsed : [];
    const valueOk = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    if (valueOk && isUuid(id)) return [value, id];
  } catch {
    // fall through
  }
  throw notACursor();
}

/** Keyset pagination over a query builder; the total is counted only when asked for. */
export async function paginate<E extends ObjectLiteral, N>(
  qb: SelectQueryBuilder<E>,
  args: PageArgs,
  sort: SortKey<E>,
  toNode: (row: E) => N,
): Promise<Connection<N>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  const counter = qb.clone();
  if (args.after) {
    const [value, id] = decodeCursor(args.after);
    const op = sort.direction === 'ASC' ? '>' : '<';
    qb.andWhere(`(${sort.column}, ${sort.id}) ${op} (:cursorValue, :cursorId)`, { cursorValue: value, cursorId: id });
  }
  // Raw rows shaped like the entity: the ORM's per-row transformation is the costliest part of a page.
  const rows = await rawEntities(
    qb
      .orderBy(sort.column, sort.direction)
      .addOrderBy(sort.id, sort.direction)
      .limit(first + 1),
  ).catch((error: { driverError?: { code?: string }; code?: string }) => {
    // A well-formed cursor whose value PostgreSQL cannot compare with this list's sort column (data exception, class 22).
    if (args.after && String(error.driverError?.code ?? error.code).startsWith('22')) throw notACursor();
    throw error;
  });
  return toConnection(
    rows,
    first,
    (row) => sort.valueOf(row),
    toNode,
    () => counter.getCount(),
    Boolean(args.after),
  );
}

/** Builds a connection from `first + 1` rows already fetched in order. */
export function toConnection<E, N>(
  rows: E[],
  first: number,
  keyOf: (row: E) => { value: CursorValue | Date; id: string },
  toNode: (row: E) => N,
  count: () => Promise<number>,
  hasPreviousPage = false,
): Connection<N> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => {
    const key = keyOf(row);
    return { cursor: encodeCursor(key.value, key.id), node: toNode(row) };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    // A getter: the count query runs only when a client asks for totalCount.
    get totalCount() {
      return count();
    },
  };
}
