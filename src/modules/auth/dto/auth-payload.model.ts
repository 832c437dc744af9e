import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { User } from '../../users/user.model';

@ObjectType()
export class AuthPayload {
  @Field() accessToken: string;
  @Field(() => GraphQLISODateTime) accessTokenExpiresAt: Date;
  @Field() refreshToken: string;
  @Field(() => User) user: User;
}
