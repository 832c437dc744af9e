import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import type { UserEntity } from './user.entity';

@ObjectType('User')
export class User {
  @Field(() => ID) id: string;
  @Field() displayName: string;
  @Field({ description: 'True once the address has been verified by a link sent to it; only verified accounts can sign in.' })
  emailVerified: boolean;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  /** Resolved by UserFieldsResolver.email, which checks who is asking. */
  privateEmail: string;
  /** Set where the user is known to be the caller (AuthPayload), before the request's actor is. */
  isCaller?: boolean;
}

/** Explicit mapping: the password hash never reaches the API shape. */
export function toUser(entity: UserEntity): User {
  return {
    id: entity.id,
    displayName: entity.displayName,
    emailVerified: entity.emailVerifiedAt !== null && entity.emailVerifiedAt !== undefined,
    createdAt: entity.createdAt,
    privateEmail: entity.email,
  };
}
