import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { AdminInvitationEntity } from './admin-invitation.entity';
import { AdminInvitationsResolver } from './admin-invitations.resolver';
import { AdminInvitationsService } from './admin-invitations.service';
import { ChapterEntity } from './chapter.entity';
import { ChaptersResolver } from './chapters.resolver';
import { ChaptersService } from './chapters.service';
import { InvitationEntity } from './invitation.entity';
import { MembershipEntity } from './membership.entity';
import { InvitationsResolver, MembershipsResolver, UserMembershipsResolver } from './memberships.resolver';
import { MembershipsService } from './memberships.service';
import { OrganisationAdminEntity } from './organisation-admin.entity';
import { OrganisationEntity } from './organisation.entity';
import { OrganisationsResolver } from './organisations.resolver';
import { OrganisationsService } from './organisations.service';
import { SendInvitationMailJob } from './jobs/send-invitation-mail.job';
import { InvitationPage } from './pages/invitation.page';
import { SendAdminInvitationMailJob } from './jobs/send-admin-invitation-mail.job';
import { AdminInvitationPage } from './pages/admin-invitation.page';

/** Organisations and their admins and admin invitations, chapters, memberships and invitations. */
@Module({
  imports: [
    TypeOrmModule.forFeature([OrganisationEntity, OrganisationAdminEntity, AdminInvitationEntity, ChapterEntity, MembershipEntity, InvitationEntity]),
    UsersModule,
  ],
  providers: [
    OrganisationsService,
    AdminInvitationsService,
    ChaptersService,
    MembershipsService,
    OrganisationsResolver,
    AdminInvitationsResolver,
    ChaptersResolver,
    MembershipsResolver,
    InvitationsResolver,
    UserMembershipsResolver,
    SendInvitationMailJob,
    InvitationPage,
    SendAdminInvitationMailJob,
    AdminInvitationPage,
  ],
  exports: [OrganisationsService, ChaptersService, MembershipsService],
})
export class OrganisationsModule {}
