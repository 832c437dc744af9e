import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganisationsModule } from '../organisations/organisations.module';
import { UsersModule } from '../users/users.module';
import { AttendanceEntity } from './attendance.entity';
import { AttendancesResolver } from './attendances.resolver';
import { AttendancesService } from './attendances.service';
import { CalendarTokenEntity } from './calendar-token.entity';
import { CalendarTokensResolver } from './calendar-tokens.resolver';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';
import { EmailPreferencesService } from './email-preferences.service';
import { EventEntity } from './event.entity';
import { EventMailComposer } from './event-mail.composer';
import { GuestRsvpsResolver } from './guest-rsvps.resolver';
import { GuestRsvpsService } from './guest-rsvps.service';
import { ClaimDueRemindersJob } from './jobs/claim-due-reminders.job';
import { SendAttendanceMailJob } from './jobs/send-attendance-mail.job';
import { SendGuestRsvpLinkJob } from './jobs/send-guest-rsvp-link.job';
import { RsvpPage } from './pages/rsvp.page';
import { UnsubscribePage } from './pages/unsubscribe.page';
import { UnsubscribeController } from './unsubscribe.controller';
import { ChapterEventsResolver, EventLocationResolver, EventsResolver } from './events.resolver';
import { EventsService } from './events.service';
import { EventSeriesEntity } from './series/event-series.entity';
import { EventSeriesFieldResolver, EventSeriesResolver } from './series/event-series.resolver';
import { EventSeriesService } from './series/event-series.service';
import { ExtendEventSeriesJob } from './series/extend-event-series.job';
import { ReadingListItemEntity } from '../reading-lists/reading-list-item.entity';
import { StudySessionItemEntity } from './study-session-item.entity';
import { MarkStudySessionReadingJob } from './study-sessions/mark-reading.job';
import { EventStudyItemsResolver, ItemStudySessionsResolver } from './study-sessions/study-sessions.resolver';
import { StudySessionsService } from './study-sessions/study-sessions.service';

/** Events of chapters, RSVPs (members and guests by emailed link) with capacity and waitlists, event mail, and calendar files. */
@Module({
  imports: [
    TypeOrmModule.forFeature([EventEntity, AttendanceEntity, CalendarTokenEntity, EventSeriesEntity, StudySessionItemEntity, ReadingListItemEntity]),
    OrganisationsModule,
    UsersModule,
  ],
  controllers: [CalendarController, UnsubscribeController],
  providers: [
    EventsService,
    AttendancesService,
    CalendarService,
    EventsResolver,
    EventLocationResolver,
    ChapterEventsResolver,
    AttendancesResolver,
    CalendarTokensResolver,
    GuestRsvpsService,
    GuestRsvpsResolver,
    EmailPreferencesService,
    EventMailComposer,
    SendGuestRsvpLinkJob,
    SendAttendanceMailJob,
    ClaimDueRemindersJob,
    RsvpPage,
    UnsubscribePage,
    EventSeriesService,
    EventSeriesResolver,
    EventSeriesFieldResolver,
    ExtendEventSeriesJob,
    StudySessionsService,
    EventStudyItemsResolver,
    ItemStudySessionsResolver,
    MarkStudySessionReadingJob,
  ],
  exports: [EventsService],
})
export class EventsModule {}
