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

/** Events of chapters, RSVPs with capacity and waitlists, and their calendar files. */
@Module({
  imports: [TypeOrmModule.forFeature([EventEntity, AttendanceEntity, CalendarTokenEntity]), OrganisationsModule, UsersModule],
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
  ],
  exports: [EventsService],
})
export class EventsModule {}
