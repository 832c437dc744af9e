import { ArgsType, Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsDate, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType, MAX_PAGE_SIZE } from '../../common/pagination/connection';
import { DELETION_KINDS, DeletionKind, type TombstoneEntity } from './tombstone.entity';

export const DeletionKindEnum = graphqlEnum('DeletionKind', DELETION_KINDS);

@ObjectType('Deletion', { description: 'A tombstone: this thing was deleted or erased; partners holding a copy should drop it. Kept 90 days.' })
export class Deletion {
  @Field(() => DeletionKindEnum) kind: DeletionKind;
  @Field(() => ID, { description: 'The id of the deleted thing.' }) id: string;
  @Field(() => GraphQLISODateTime) deletedAt: Date;
}

export const DeletionConnection = ConnectionType(Deletion);

@ArgsType()
export class DeletionsArgs {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) organisationId: string;
  @Field(() => GraphQLISODateTime) @IsDate({ message: 'must be a date-time' }) since: Date;

  /** Partners page through tombstones in bulk: 100 by default (the contract's), at most MAX_PAGE_SIZE. */
  @Field(() => Int, { nullable: true, defaultValue: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_SIZE, { message: `first must be at most ${MAX_PAGE_SIZE}` })
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string;
}

export function toDeletion(e: TombstoneEntity): Deletion {
  return { kind: e.kind, id: e.subjectId, deletedAt: e.deletedAt };
}
