import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsUUID } from 'class-validator';
import { API_SCOPES, ApiScope } from '../../common/auth/actor';
import { graphqlEnum } from '../../common/graphql/enum';
import { Text } from '../../common/validation/text';
import type { ApiKeyEntity } from './api-key.entity';

export const ApiScopeEnum = graphqlEnum('ApiScope', API_SCOPES);

@ObjectType('ApiKey')
export class ApiKey {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'The first characters of the key, to recognise it; the secret itself is never shown again.' })
  prefix: string;
  @Field(() => [ApiScopeEnum]) scopes: ApiScope[];
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt: Date | null;
  organisationId: string;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey: ApiKey;
  @Field({ description: 'The whole key, shown once.' }) secret: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an id' })
  organisationId: string;

  @Field()
  @Text()
  name: string;

  @Field(() => [ApiScopeEnum])
  @ArrayMinSize(1, { message: 'must name at least one scope' })
  @ArrayMaxSize(API_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true })
  scopes: ApiScope[];
}

export function toApiKey(e: ApiKeyEntity): ApiKey {
  return {
    id: e.id,
    name: e.name,
    prefix: e.prefix,
    scopes: e.scopes as ApiScope[],
    createdAt: e.createdAt,
    lastUsedAt: e.lastUsedAt,
    revokedAt: e.revokedAt,
    organisationId: e.organisationId,
  };
}
