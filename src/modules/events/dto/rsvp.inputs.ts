import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ChangesPageArgs } from '../../../common/pagination/changes';
import { NormalisedEmail } from '../../../common/validation/email';
import { Text } from '../../../common/validation/text';
import { ATTENDANCE_STATUSES, AttendanceStatus } from '../attendance.entity';
import { AttendanceStatusEnum } from '../attendance.model';

@InputType()
export class GuestInput {
  @Field() @Text() name: string;
  @Field() @NormalisedEmail() email: string;
  @Field(() => Boolean, { defaultValue: false }) @IsBoolean() contactConsent: boolean;
  @Field(() => ID, { nullable: true, description: 'The wording version the guest was shown; the current one when omitted.' })
  @IsOptional()
  @IsUUID('all', { message: 'must be an id' })
  consentWordingId?: string | null;
}

@InputType({ description: 'Signed-in callers.' })
export class RsvpInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) eventId: string;
}

@InputType({ description: 'People without an account, PUBLIC events only.' })
export class GuestRsvpInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) eventId: string;
  @Field(() => GuestInput) @ValidateNested() @Type(() => GuestInput) guest: GuestInput;
}

@ArgsType()
export class AttendeesArgs extends ChangesPageArgs {
  @Field(() => AttendanceStatusEnum, { nullable: true }) @IsOptional() @IsIn(ATTENDANCE_STATUSES) status?: AttendanceStatus;
}

@ArgsType()
export class CancelRsvpArgs {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) eventId: string;
}

@ArgsType()
export class LinkTokenArgs {
  @Field() @IsString() @MaxLength(200) token: string;
}
