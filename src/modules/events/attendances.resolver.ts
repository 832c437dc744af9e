import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { IdArg } from '../../common/validation/id';
import { User } from '../users/user.model';
import { UsersService } from '../users/users.service';
import { Attendance, RsvpPayload } from './attendance.model';
import { AttendancesService } from './attendances.service';
import { CancelRsvpArgs, RsvpInput } from './dto/rsvp.inputs';
import { Event } from './event.model';
import { EventsService } from './events.service';

const PERSONAL = 'the attendee themself, organisers of the chapter, admins and ATTENDEES_READ keys; null otherwise';

@Resolver(() => Attendance)
export class AttendancesResolver {
  constructor(
    private readonly attendances: AttendancesService,
    private readonly events: EventsService,
    private readonly users: UsersService,
  ) {}

  @Allow('USER')
  @Mutation(() => RsvpPayload, { description: 'Signed-in callers.' })
  rsvp(@Args('input') input: RsvpInput, @Ctx() ctx: RequestContext): Promise<RsvpPayload> {
    return this.attendances.rsvp(ctx, input);
  }

  @Allow('USER')
  @Mutation(() => Attendance, { description: 'Signed-in attendees.' })
  cancelRsvp(@Args() { eventId }: CancelRsvpArgs, @Ctx() ctx: RequestContext): Promise<Attendance> {
    return this.attendances.cancelRsvp(ctx, eventId);
  }

  @Allow('USER')
  @Mutation(() => Attendance)
  checkIn(@IdArg('attendanceId') attendanceId: string, @Ctx() ctx: RequestContext): Promise<Attendance> {
    return this.attendances.checkIn(ctx, attendanceId);
  }

  @Public()
  @ResolveField(() => Event)
  async event(attendance: Attendance, _args: unknown, ctx: RequestContext): Promise<Event> {
    return this.events.require(ctx, attendance.eventId);
  }

  @Public()
  @PersonalData(PERSONAL)
  @ResolveField(() => String, {
    nullable: true,
    description: 'Personal data: the attendee themself, organisers, admins and ATTENDEES_READ keys; null otherwise.',
  })
  async name(attendance: Attendance, _args: unknown, ctx: RequestContext): Promise<string | null> {
    return (await this.attendances.mayReadPersonal(ctx, attendance)) ? attendance.personal.name : null;
  }

  @Public()
  @PersonalData(PERSONAL)
  @ResolveField(() => String, { nullable: true, description: 'Personal data: as name.' })
  async email(attendance: Attendance, _args: unknown, ctx: RequestContext): Promise<string | null> {
    return (await this.attendances.mayReadPersonal(ctx, attendance)) ? attendance.personal.email : null;
  }

  @Public()
  @PersonalData(PERSONAL)
  @ResolveField(() => User, { nullable: true, description: 'The member, when the RSVP was made signed in.' })
  async user(attendance: Attendance, _args: unknown, ctx: RequestContext): Promise<User | null> {
    if (!attendance.userId || !(await this.attendances.mayReadPersonal(ctx, attendance))) return null;
    return this.users.load(ctx, attendance.userId);
  }
}
