import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { type Visibility, VISIBILITIES, VisibilityEnum } from '../../../common/access/visibility';
import { IsHttpUrl } from '../../../common/validation/place';
import { OptionalLongText, OptionalText, Text } from '../../../common/validation/text';
import { CreateEventInput, EventLocationInput } from '../dto/event.inputs';

const Present = () => ValidateIf((_, v) => v !== undefined);

@InputType()
export class CreateEventSeriesInput {
  @Field(() => CreateEventInput, { description: 'The first occurrence: its times, place and every other field.' })
  @ValidateNested()
  @Type(() => CreateEventInput)
  event: CreateEventInput;

  @Field() @Text(1000) rrule: string;
}

@InputType({ description: "What a series edit may change: fields, and times as local wall-clock values in the series' time zone." })
export class UpdateEventSeriesInput {
  @Field(() => String, { nullable: true }) @Present() @Text() title?: string;
  @Field(() => String, { nullable: true }) @OptionalLongText() description?: string | null;
  @Field(() => String, { nullable: true, description: "Local start time, HH:MM, in the series' time zone." })
  @Present()
  @OptionalText(5)
  localStartTime?: string;
  @Field(() => Int, { nullable: true })
  @Present()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(10_080, { message: 'must be at most 10080 (a week)' })
  durationMinutes?: number;
  @Field(() => EventLocationInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => EventLocationInput) location?: EventLocationInput | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsHttpUrl() onlineUrl?: string | null;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1_000_000, { message: 'must be at most 1000000' })
  capacity?: number | null;
  @Field(() => VisibilityEnum, { nullable: true }) @Present() @IsIn(VISIBILITIES) visibility?: Visibility;
  @Field(() => [ID], { nullable: true })
  @Present()
  @IsArray()
  @ArrayMaxSize(50, { message: 'at most 50 items' })
  @IsUUID('all', { each: true, message: 'must be an id' })
  readingListItemIds?: string[];
}

@ArgsType()
export class UpdateEventSeriesArgs {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) id: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'must be an id' }) fromEventId?: string | null;
  @Field(() => UpdateEventSeriesInput) @ValidateNested() @Type(() => UpdateEventSeriesInput) input: UpdateEventSeriesInput;
}
