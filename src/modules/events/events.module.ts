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
import { EventEntity } from './event.entity';
import { ChapterEventsResolver, EventLocationResolver, EventsResolver } from './events.resolver';
import { EventsService } from './events.service';
import { EventSeriesEntity } from './series/event-series.entity';
import { EventSeriesFieldResolver, EventSeriesResolver } from './series/event-series.resolver';
import { EventSeriesService } from './series/event-series.service';
import { ExtendEventSeriesJob } from './series/extend-event-series.job';

/** Events of chapters, RSVPs with capacity and waitlists, and their calendar files. */
@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, AttendanceEntity, CalendarTokenEntity, EventSeriesEntity]), OrganisationsModule, UsersModule],
  controllers: [CalendarController],
  providers: [
    EventsService,
    AttendancesService,
    CalendarService,
    EventsResolver,
    EventLocationResolver,
    ChapterEventsResolver,
    AttendancesResolver,
    CalendarTokensResolver,
    EventSeriesService,
    EventSeriesResolver,
    EventSeriesFieldResolver,
    ExtendEventSeriesJob,
  ],
  exports: [EventsService],
})
export class EventsModule {}
