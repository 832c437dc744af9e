import { ArgsType, Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { type Visibility, VISIBILITIES, VisibilityEnum } from '../../../common/access/visibility';
import { PageArgs } from '../../../common/pagination/connection';
import { NormalisedEmail } from '../../../common/validation/email';
import { IsCountry } from '../../../common/validation/place';
import { IsSlug } from '../../../common/validation/slug';
import { LongText, OptionalLongText, OptionalText, Text } from '../../../common/validation/text';
import { PETITION_STATUSES, PetitionStatus } from '../petition.entity';
import { PetitionStatusEnum } from '../petition.model';

const IsId = () => IsUUID('all', { message: 'must be an id' });
const Present = () => ValidateIf((_, v) => v !== undefined);
const Goal = (target: object, key: string | symbol) => {
  IsInt({ message: 'must be a whole number' })(target, key);
  Min(1, { message: 'must be at least 1' })(target, key);
  Max(100_000_000, { message: 'must be at most 100000000' })(target, key);
};
const trimmed = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

@InputType()
export class CreatePetitionInput {
  @Field(() => ID) @IsId() organisationId: string;
  @Field(() => ID, { nullable: true, description: 'Omit for an organisation-wide petition (admins only).' }) @IsOptional() @IsId() chapterId?: string;
  @Field() @Text() title: string;
  @Field() @Text() target: string;
  @Field() @LongText() body: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @Goal goal?: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsDate({ message: 'must be a date-time' }) closesAt?: Date | null;
  @Field(() => VisibilityEnum, { defaultValue: 'PUBLIC' }) @IsIn(VISIBILITIES) visibility: Visibility;
  @Field(() => String, { nullable: true }) @IsOptional() @IsSlug() slug?: string;
}

/** Omitted fields stay as they are; `null` clears goal and closesAt. */
@InputType()
export class UpdatePetitionInput {
  @Field(() => String, { nullable: true }) @Present() @Text() title?: string;
  @Field(() => String, { nullable: true }) @Present() @Text() target?: string;
  @Field(() => String, { nullable: true }) @Present() @LongText() body?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @Goal goal?: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) @IsOptional() @IsDate({ message: 'must be a date-time' }) closesAt?: Date | null;
  @Field(() => VisibilityEnum, { nullable: true }) @Present() @IsIn(VISIBILITIES) visibility?: Visibility;
}

@InputType()
export class PetitionFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() organisationId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsId() chapterId?: string;
  @Field(() => PetitionStatusEnum, { nullable: true }) @IsOptional() @IsIn(PETITION_STATUSES) status?: PetitionStatus;
  @Field(() => String, { nullable: true }) @OptionalText() search?: string;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Only petitions changed (or created) at or after this instant, oldest change first.' })
  @IsOptional()
  @IsDate({ message: 'must be a date-time' })
  updatedSince?: Date;
}

@ArgsType()
export class PetitionsArgs extends PageArgs {
  @Field(() => PetitionFilter, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => PetitionFilter) filter?: PetitionFilter;
}

@ArgsType()
export class RecentSignaturesArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(50, { message: 'first must be at most 50' })
  first?: number;
}

@InputType()
export class SignPetitionInput {
  @Field(() => ID) @IsId() petitionId: string;
  @Field() @trimmed @Text() fullName: string;
  @Field() @NormalisedEmail() email: string;
  @Field(() => String, { nullable: true }) @trimmed @OptionalText(16) postcode?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) @IsOptional() @IsCountry() country?: string | null;
  @Field(() => String, { nullable: true }) @OptionalLongText(1000) comment?: string | null;
  @Field({ defaultValue: false }) @IsBoolean() displayPublicly: boolean;
  @Field({ defaultValue: false }) @IsBoolean() contactConsent: boolean;
  @Field(() => ID, { nullable: true, description: 'The wording version the signer was shown beside the consent box; the current one when omitted.' })
  @IsOptional()
  @IsId()
  consentWordingId?: string | null;
  @Field(() => String, { nullable: true, description: 'Where the signer came from, e.g. a partner site or campaign code.' })
  @trimmed
  @OptionalText(200)
  source?: string | null;
}
