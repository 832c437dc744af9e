import { ArgsType, Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { NormalisedEmail } from '../../common/validation/email';
import type { AdminInvitationEntity } from './admin-invitation.entity';

@ObjectType('AdminInvitation', { description: 'An invitation to become an ADMIN of an organisation; the role exists only once the invitee accepts.' })
export class AdminInvitation {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => GraphQLISODateTime) expiresAt: Date;
  organisationId: string;
}

@ObjectType('CreatedAdminInvitation')
export class CreatedAdminInvitation {
  @Field(() => AdminInvitation) invitation: AdminInvitation;
  @Field({ description: 'Returned once, and also emailed to the invitee; the invitee passes it to acceptAdminInvitation.' }) token: string;
}

@ArgsType()
export class InviteOrganisationAdminArgs {
  // Lowercased as UuidPipe does: grants compare ids as strings.
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an id' })
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  organisationId: string;

  @Field()
  @NormalisedEmail()
  email: string;
}

export function toAdminInvitation(e: AdminInvitationEntity): AdminInvitation {
  return { id: e.id, email: e.email, expiresAt: e.expiresAt, organisationId: e.organisationId };
}
