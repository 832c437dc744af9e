import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { IsString, Length, MaxLength } from 'class-validator';
import { NormalisedEmail } from '../../../common/validation/email';
import { Text } from '../../../common/validation/text';

@InputType()
export class RegisterInput {
  @Field()
  @NormalisedEmail()
  email: string;

  @Field({ description: 'At least 10 characters.' })
  @IsString()
  @Length(10, 200, { message: 'must be 10–200 characters' })
  password: string;

  @Field()
  @Text()
  displayName: string;
}

@InputType()
export class LoginInput {
  @Field()
  @IsString()
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password: string;
}

@ArgsType()
export class TokenArgs {
  @Field()
  @IsString()
  @MaxLength(200)
  token: string;
}

@ArgsType()
export class EmailArgs {
  @Field()
  @NormalisedEmail()
  email: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field()
  @IsString()
  @MaxLength(200)
  token: string;

  @Field()
  @IsString()
  @Length(10, 200, { message: 'must be 10–200 characters' })
  password: string;
}

@ArgsType()
export class EmailChangeArgs {
  @Field()
  @NormalisedEmail()
  newEmail: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password: string;
}
