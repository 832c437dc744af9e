import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { type Visibility, VisibilityEnum } from '../../common/access/visibility';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { READING_ITEM_KINDS, ReadingItemKind, type ReadingListItemEntity } from './reading-list-item.entity';
import type { ReadingListEntity } from './reading-list.entity';
import { READING_STATUSES, type ReadingStatus } from './reading-status.entity';

export const ReadingItemKindEnum = graphqlEnum('ReadingItemKind', READING_ITEM_KINDS);
export const ReadingStatusEnum = graphqlEnum('ReadingStatus', READING_STATUSES);

@ObjectType('ReadingList')
export class ReadingList {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => VisibilityEnum) visibility: Visibility;
  @Field(() => Int) itemCount: number;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  chapterId: string;
  organisationId: string;
  forkedFromId: string | null;
}

export const ReadingListConnection = ConnectionType(ReadingList);

@ObjectType('ReadingListItem')
export class ReadingListItem {
  @Field(() => ID) id: string;
  @Field(() => Int, { description: '1-based and gapless within the list.' }) position: number;
  @Field(() => ReadingItemKindEnum) kind: ReadingItemKind;
  @Field() title: string;
  @Field(() => [String]) authors: string[];
  @Field(() => String, { nullable: true }) url: string | null;
  @Field(() => String, { nullable: true, description: 'Normalised ISBN-13.' }) isbn: string | null;
  @Field(() => Int, { nullable: true }) year: number | null;
  @Field(() => String, { nullable: true, description: "The organiser's note on why to read it." }) note: string | null;
  @Field(() => [String]) discussionQuestions: string[];
  listId: string;
  /** Loaded with the list's items: the caller's own status and the READ count. */
  known?: { viewerStatus: ReadingStatus | null; readCount: number };
}

@ObjectType('ReadingProgress')
export class ReadingProgress {
  @Field(() => Int) read: number;
  @Field(() => Int) reading: number;
  @Field(() => Int) total: number;
}

export function toReadingList(e: ReadingListEntity): ReadingList {
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    visibility: e.visibility,
    itemCount: e.itemCount,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    chapterId: e.chapterId,
    organisationId: e.organisationId,
    forkedFromId: e.forkedFromId,
  };
}

export function toReadingListItem(e: ReadingListItemEntity): ReadingListItem {
  return {
    id: e.id,
    position: e.position,
    kind: e.kind,
    title: e.title,
    authors: e.authors,
    url: e.url,
    isbn: e.isbn,
    year: e.year,
    note: e.note,
    discussionQuestions: e.discussionQuestions,
    listId: e.listId,
  };
}
