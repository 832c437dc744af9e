import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { type Visibility, VISIBILITIES, VisibilityEnum } from '../../../common/access/visibility';
import { PageArgs } from '../../../common/pagination/connection';
import { IsIsbn } from '../../../common/validation/isbn';
import { IsHttpUrl } from '../../../common/validation/place';
import { OptionalLongText, OptionalText, Text, TextEach } from '../../../common/validation/text';
import { READING_ITEM_KINDS, ReadingItemKind } from '../reading-list-item.entity';
import { READING_STATUSES, ReadingStatus } from '../reading-status.entity';
import { ReadingItemKindEnum, ReadingStatusEnum } from '../reading-list.model';

const IsId = () => IsUUID('all', { message: 'must be an id' });
const Present = () => ValidateIf((_, v) => v !== undefined);
const MAX_YEAR = 2100;
const Year = (target: object, key: string | symbol) => {
  IsInt({ message: 'must be a whole number' })(target, key);
  Min(-3000, { message: `must be between -3000 and ${MAX_YEAR}` })(target, key);
  Max(MAX_YEAR, { message: `must be between -3000 and ${MAX_YEAR}` })(target, key);
};
/** Lists of short texts (authors, discussion questions): at most 20, each validated. */
const TextList = (max: number) => (target: object, key: string | symbol) => {
  IsArray({ message: 'must be a list' })(target, key);
  ArrayMaxSize(20, { message: 'must have at most 20 entries' })(target, key);
  TextEach(max)(target, key);
};
const trimmedList = Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value));

@InputType()
export class CreateReadingListInput {
  @Field(() => ID) @IsId() chapterId: string;
  @Field() @Text() title: string;
  @Field(() => String, { nullable: true }) @OptionalLongText() description?: string | null;
  @Field(() => VisibilityEnum, { defaultValue: 'CHAPTER' }) @IsIn(VISIBILITIES) visibility: Visibility;
}

@InputType()
export class UpdateReadingListInput {
  @Field(() => String, { nullable: true }) @Present() @Text() title?: string;
  @Field(() => String, { nullable: true }) @OptionalLongText() description?: string | null;
  @Field(() => VisibilityEnum, { nullable: true }) @Present() @IsIn(VISIBILITIES) visibility?: Visibility;
}

@InputType()
export class ReadingListItemInput {
  @Field(() => ReadingItemKindEnum) @IsIn(READING_ITEM_KINDS) kind: ReadingItemKind;
  @Field() @Text() title: string;
  @Field(() => [String], { defaultValue: [] }) @trimmedList @TextList(200) authors: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @IsHttpUrl() url?: string | null;
  @Field(() => String, { nullable: true, description: 'ISBN-10 or ISBN-13, hyphens allowed; checksum verified.' }) @IsOptional() @IsIsbn() isbn?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @Year year?: number | null;
  @Field(() => String, { nullable: true }) @OptionalLongText() note?: string | null;
  @Field(() => [String], { defaultValue: [] }) @trimmedList @TextList(1000) discussionQuestions: string[];
}

/** Omitted fields stay; `null` clears url, isbn, year and note. */
@InputType()
export class UpdateReadingListItemInput {
  @Field(() => ReadingItemKindEnum, { nullable: true }) @Present() @IsIn(READING_ITEM_KINDS) kind?: ReadingItemKind;
  @Field(() => String, { nullable: true }) @Present() @Text() title?: string;
  @Field(() => [String], { nullable: true }) @Present() @trimmedList @TextList(200) authors?: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @IsHttpUrl() url?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsIsbn() isbn?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @Year year?: number | null;
  @Field(() => String, { nullable: true }) @OptionalLongText() note?: string | null;
  @Field(() => [String], { nullable: true }) @Present() @trimmedList @TextList(1000) discussionQuestions?: string[];
}

@InputType()
export class ReadingListFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() organisationId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() chapterId?: string;
  @Field(() => String, { nullable: true }) @OptionalText() search?: string;
}

@ArgsType()
export class ReadingListsArgs extends PageArgs {
  @Field(() => ReadingListFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ReadingListFilter) filter?: ReadingListFilter;
}

@ArgsType()
export class AddReadingListItemArgs {
  @Field(() => ID) @IsId() listId: string;
  @Field(() => ReadingListItemInput) @ValidateNested() @Type(() => ReadingListItemInput) input: ReadingListItemInput;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt({ message: 'must be a whole number' }) @Min(1, { message: 'must be at least 1' }) position?:
    number | null;
}

@ArgsType()
export class MoveReadingListItemArgs {
  @Field(() => ID) @IsId() itemId: string;
  @Field(() => Int) @IsInt({ message: 'must be a whole number' }) @Min(1, { message: 'must be at least 1' }) position: number;
}

@ArgsType()
export class ListAndChapterArgs {
  @Field(() => ID) @IsId() listId: string;
  @Field(() => ID) @IsId() chapterId: string;
}

@ArgsType()
export class SetReadingStatusArgs {
  @Field(() => ID) @IsId() itemId: string;
  @Field(() => ReadingStatusEnum, { nullable: true }) @IsOptional() @IsIn(READING_STATUSES) status?: ReadingStatus | null;
}
