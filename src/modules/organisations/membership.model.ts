import { ArgsType, Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsIn, IsUUID } from 'class-validator';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType, PageArgs } from '../../common/pagination/connection';
import { NormalisedEmail } from '../../common/validation/email';
import { CHAPTER_ROLES, ChapterRole, MEMBERSHIP_STATUSES, MembershipStatus, type MembershipEntity } from './membership.entity';

export const ChapterRoleEnum = graphqlEnum('ChapterRole', CHAPTER_ROLES);
export const MembershipStatusEnum = graphqlEnum('MembershipStatus', MEMBERSHIP_STATUSES);

@ObjectType('Membership')
export class Membership {
  @Field(() => ID) id: string;
  @Field(() => ChapterRoleEnum) role: ChapterRole;
  @Field(() => MembershipStatusEnum) status: MembershipStatus;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  userId: string;
  chapterId: string;
}

export const MembershipConnection = ConnectionType(Membership);

@ArgsType()
export class MembersArgs extends PageArgs {
  @Field(() => MembershipStatusEnum, { nullable: true, defaultValue: 'ACTIVE' })
  @IsIn(MEMBERSHIP_STATUSES)
  status: MembershipStatus;
}

@ObjectType('Invitation')
export class Invitation {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field(() => ChapterRoleEnum) role: ChapterRole;
  @Field(() => GraphQLISODateTime) expiresAt: Date;
  chapterId: string;
}

@ObjectType()
export class CreatedInvitation {
  @Field(() => Invitation) invitation: Invitation;
  @Field({ description: 'Returned once; the invitee passes it to acceptInvitation.' }) token: string;
}

@InputType()
export class InviteMemberInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be an id' })
  chapterId: string;

  @Field()
  @NormalisedEmail()
  email: string;

  @Field(() => ChapterRoleEnum, { defaultValue: 'MEMBER' })
  @IsIn(CHAPTER_ROLES)
  role: ChapterRole;
}

export function toMembership(e: MembershipEntity): Membership {
  return { id: e.id, role: e.role, status: e.status, createdAt: e.createdAt, updatedAt: e.updatedAt, userId: e.userId, chapterId: e.chapterId };
}
