import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersService } from '../users/users.service';
import { UsersResolver } from '../users/users.resolver';
import { UserEntity } from '../users/user.entity';
import { ChapterEntity } from './chapter.entity';
import { ChaptersResolver } from './chapters.resolver';
import { ChaptersService } from './chapters.service';
import { InvitationEntity } from './invitation.entity';
import { MembershipEntity } from './membership.entity';
import { InvitationsResolver, MembershipsResolver } from './memberships.resolver';
import { MembershipsService } from './memberships.service';
import { OrganisationAdminEntity } from './organisation-admin.entity';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationsResolver } from './organisations.resolver';
import { OrganisationsService } from './organisations.service';
import { SendInvitationMailJob } from './jobs/send-invitation-mail.job';
import { InvitationPage } from './pages/invitation.page';

/** Organisations, chapters, memberships and invitations, plus the user profile they point to. */
@Module({
  imports: [TypeOrmModule.forFeature([OrganisationEntity, OrganisationAdminEntity, ChapterEntity, MembershipEntity, InvitationEntity, UserEntity])],
  providers: [
    OrganisationsService,
    ChaptersService,
    MembershipsService,
    UsersService,
    OrganisationsResolver,
    ChaptersResolver,
    MembershipsResolver,
    InvitationsResolver,
    UsersResolver,
    SendInvitationMailJob,
    InvitationPage,
  ],
  exports: [OrganisationsService, ChaptersService, MembershipsService, UsersService],
})
export class OrganisationsModule {}
