import { ArgsType, Field, Float, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDate, IsIn, IsInt, IsNumber, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { type Visibility, VISIBILITIES, VisibilityEnum } from '../../../common/access/visibility';
import { PageArgs } from '../../../common/pagination/connection';
import { IsCountry, IsHttpUrl, IsZone } from '../../../common/validation/place';
import { OptionalLongText, OptionalText, Text } from '../../../common/validation/text';

const IsId = (options: { each?: boolean } = {}) => IsUUID('all', { message: 'must be an id', ...options });
const Present = () => ValidateIf((_, v) => v !== undefined);
const Latitude = () => [
  IsNumber({}, { message: 'must be a number' }),
  Min(-90, { message: 'must be between -90 and 90' }),
  Max(90, { message: 'must be between -90 and 90' }),
];
const Longitude = () => [
  IsNumber({}, { message: 'must be a number' }),
  Min(-180, { message: 'must be between -180 and 180' }),
  Max(180, { message: 'must be between -180 and 180' }),
];
const Capacity = () => [
  IsInt({ message: 'must be a whole number' }),
  Min(1, { message: 'must be at least 1' }),
  Max(1_000_000, { message: 'must be at most 1000000' }),
];
const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

@InputType()
export class EventLocationInput {
  @Field(() => String, { nullable: true }) @OptionalText() venue?: string | null;
  @Field(() => String, { nullable: true }) @OptionalText() addressLine?: string | null;
  @Field(() => String, { nullable: true }) @OptionalText() city?: string | null;
  @Field(() => String, { nullable: true }) @OptionalText(16) postcode?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsCountry() country?: string | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @apply(Latitude()) latitude?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @apply(Longitude()) longitude?: number | null;
}

@InputType()
export class CreateEventInput {
  @Field(() => ID) @IsId() chapterId: string;
  @Field() @Text() title: string;
  @Field(() => String, { nullable: true }) @OptionalLongText() description?: string | null;
  @Field(() => GraphQLISODateTime) @IsDate({ message: 'must be a date-time' }) startsAt: Date;
  @Field(() => GraphQLISODateTime) @IsDate({ message: 'must be a date-time' }) endsAt: Date;
  @Field() @IsZone() timeZone: string;
  @Field(() => EventLocationInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => EventLocationInput) location?: EventLocationInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsHttpUrl() onlineUrl?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @apply(Capacity()) capacity?: number | null;
  @Field(() => VisibilityEnum, { defaultValue: 'PUBLIC' }) @IsIn(VISIBILITIES) visibility: Visibility;
  @Field(() => [ID], { defaultValue: [], description: "Reading-list items of the caller's organisation this event studies." })
  @IsArray()
  @ArrayMaxSize(50, { message: 'at most 50 items' })
  @IsId({ each: true })
  readingListItemIds: string[];
}

/** Omitted fields stay as they are; `null` clears description, location and onlineUrl, and makes capacity unlimited. */
@InputType()
export class UpdateEventInput {
  @Field(() => String, { nullable: true }) @Present() @Text() title?: string;
  @Field(() => String, { nullable: true }) @OptionalLongText() description?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) @Present() @IsDate({ message: 'must be a date-time' }) startsAt?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) @Present() @IsDate({ message: 'must be a date-time' }) endsAt?: Date;
  @Field(() => String, { nullable: true }) @Present() @IsZone() timeZone?: string;
  @Field(() => EventLocationInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => EventLocationInput) location?: EventLocationInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsHttpUrl() onlineUrl?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @apply(Capacity()) capacity?: number | null;
  @Field(() => VisibilityEnum, { nullable: true }) @Present() @IsIn(VISIBILITIES) visibility?: Visibility;
  @Field(() => [ID], { nullable: true })
  @Present()
  @IsArray()
  @ArrayMaxSize(50, { message: 'at most 50 items' })
  @IsId({ each: true })
  readingListItemIds?: string[];
}

@InputType()
export class GeoRadiusInput {
  @Field(() => Float) @apply(Latitude()) latitude: number;
  @Field(() => Float) @apply(Longitude()) longitude: number;
  @Field(() => Float)
  @IsNumber({}, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(20_100, { message: 'must be at most 20100' })
  radiusKm: number;
}

@InputType()
export class EventFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() chapterId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() organisationId?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Events that end at or after this instant; defaults to now.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time' })
  from?: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Events that start before this instant.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time' })
  to?: Date;
  @Field(() => GeoRadiusInput, { nullable: true, description: 'Matches on the rounded point for callers who may not see the exact one.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoRadiusInput)
  near?: GeoRadiusInput;
  @Field(() => String, { nullable: true, description: 'Full-text search over title and description.' }) @OptionalText() search?: string;
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      'Only events changed (or created) at or after this instant, oldest change first; with it, past events are included and from/to are ignored unless given.',
  })
  @IsOptional()
  @IsDate({ message: 'must be a date-time' })
  updatedSince?: Date;
}

@ArgsType()
export class EventsArgs extends PageArgs {
  @Field(() => EventFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => EventFilter) filter?: EventFilter;
}

@ArgsType()
export class CancelEventArgs {
  @Field(() => ID) @IsId() id: string;
  @Field(() => String, { nullable: true }) @OptionalLongText(1000) reason?: string | null;
}
