import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { ConnectionType } from '../../common/pagination/connection';
import { IsSlug } from '../../common/validation/slug';
import { OptionalLongText, Text } from '../../common/validation/text';
import type { OrganisationEntity } from './organisation.entity';

@ObjectType('Organisation')
export class Organisation {
  @Field(() => ID) id: string;
  @Field() slug: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
}

export const OrganisationConnection = ConnectionType(Organisation);

@InputType()
export class CreateOrganisationInput {
  @Field()
  @Text()
  name: string;

  @Field(() => String, { nullable: true, description: 'Lowercase letters, digits and hyphens; derived from the name when omitted.' })
  @IsOptional()
  @IsSlug()
  slug?: string;

  @Field(() => String, { nullable: true })
  @OptionalLongText()
  description?: string;
}

export function toOrganisation(e: OrganisationEntity): Organisation {
  return { id: e.id, slug: e.slug, name: e.name, description: e.description, createdAt: e.createdAt };
}
