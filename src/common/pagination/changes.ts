import { ArgsType, Field, GraphQLISODateTime } from '@nestjs/graphql';
import { IsDate, IsOptional } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CHANGE_HORIZON_SQL } from '../database/change-sequence';
import { PageArgs } from './connection';
import type { SortKey } from './paginate';

/** `first`, `after` and `updatedSince`: the arguments of a child list that can be synced incrementally. */
@ArgsType()
export class ChangesPageArgs extends PageArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only rows changed (or created) at or after this instant, oldest change first.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time' })
  updatedSince?: Date;
}

/**
 * Orders an `updatedSince` list oldest change first by `key` (a change-xid expression, see
 * change-sequence.ts) and leaves out rows written by transactions newer than the oldest one still
 * running: those come in a later page, after the cursor, so no row committed late is ever skipped.
 * `keyOf` reads the key back from a fetched row for its cursor.
 */
export function changesFirst<E extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<E>,
  alias: string,
  key = `${alias}.changeXid`,
  keyOf: (row: E) => string | number = (row) => row.changeXid as string,
): SortKey<E> {
  qb.andWhere(`${key} < ${CHANGE_HORIZON_SQL}`);
  return { column: key, id: `${alias}.id`, direction: 'ASC', valueOf: (row) => ({ value: String(keyOf(row)), id: row.id }) };
}
