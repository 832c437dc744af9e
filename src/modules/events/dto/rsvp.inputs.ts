import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ChangesPageArgs } from '../../../common/pagination/changes';
import { NormalisedEmail } from '../../../common/validation/email';
import { Text } from '../../../common/validation/text';
import { ATTENDANCE_STATUSES, AttendanceStatus } from '../attendance.entity';
import { AttendanceStatusEnum } from '../attendance.model';

@InputType()
export class GuestInput {
  @Field() @Text() name: string;
  @Field() @NormalisedEmail() email: string;
}

@InputType()
export class RsvpInput {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) eventId: string;
  @Field(() => GuestInput, { nullable: true, description: 'Required when the caller is not signed in (PUBLIC events only).' })
  @IsOptional() @ValidateNested() @Type(() => GuestInput)
  guest?: GuestInput;
}

@ArgsType()
export class AttendeesArgs extends ChangesPageArgs {
  @Field(() => AttendanceStatusEnum, { nullable: true }) @IsOptional() @IsIn(ATTENDANCE_STATUSES) status?: AttendanceStatus;
}

@ArgsType()
export class CancelRsvpArgs {
  @Field(() => ID) @IsUUID('all', { message: 'must be an id' }) eventId: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) cancelToken?: string | null;
}
