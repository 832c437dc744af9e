import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { IsCountry, IsZone } from '../../common/validation/place';
import { IsSlug } from '../../common/validation/slug';
import { OptionalLongText, OptionalText, Text } from '../../common/validation/text';
import { JOIN_POLICIES, JoinPolicy, type ChapterEntity } from './chapter.entity';

export const JoinPolicyEnum = graphqlEnum('JoinPolicy', JOIN_POLICIES);

@ObjectType('Chapter')
export class Chapter {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => String, { nullable: true }) city: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country: string | null;
  @Field({ description: 'IANA time zone, e.g. Europe/London.' }) timeZone: string;
  @Field(() => JoinPolicyEnum) joinPolicy: JoinPolicy;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  organisationId: string;
}

export const ChapterConnection = ConnectionType(Chapter);

@InputType()
export class CreateChapterInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an id' })
  organisationId: string;

  @Field()
  @Text()
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsSlug()
  slug?: string;

  @Field(() => String, { nullable: true })
  @OptionalLongText()
  description?: string;

  @Field(() => String, { nullable: true })
  @OptionalText()
  city?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsCountry()
  country?: string;

  @Field()
  @IsZone()
  timeZone: string;

  @Field(() => JoinPolicyEnum, { defaultValue: 'OPEN' })
  @IsIn(JOIN_POLICIES)
  joinPolicy: JoinPolicy;
}

@InputType()
export class UpdateChapterInput {
  @Field(() => String, { nullable: true })
  @ValidateIf((_, v) => v !== undefined)
  @Text()
  name?: string;

  @Field(() => String, { nullable: true })
  @OptionalLongText()
  description?: string | null;

  @Field(() => String, { nullable: true })
  @OptionalText()
  city?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsCountry()
  country?: string | null;

  @Field(() => String, { nullable: true })
  @ValidateIf((_, v) => v !== undefined)
  @IsZone()
  timeZone?: string;

  @Field(() => JoinPolicyEnum, { nullable: true })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(JOIN_POLICIES)
  joinPolicy?: JoinPolicy;
}

export function toChapter(e: ChapterEntity): Chapter {
  return {
    id: e.id,
    slug: e.slug,
    name: e.name,
    description: e.description,
    city: e.city,
    country: e.country,
    timeZone: e.timeZone,
    joinPolicy: e.joinPolicy,
    createdAt: e.createdAt,
    organisationId: e.organisationId,
  };
}
