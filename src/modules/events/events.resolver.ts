import { Args, Float, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, PersonalData, Public } from '../../common/auth/access.decorators';
import { Ctx } from '../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../common/graphql/request-context';
import { Connection } from '../../common/pagination/connection';
import { IdArg } from '../../common/validation/id';
import { Chapter } from '../organisations/chapter.model';
import { ChaptersService } from '../organisations/chapters.service';
import { Attendance, AttendanceConnection } from './attendance.model';
import { AttendancesService } from './attendances.service';
import { CancelEventArgs, CreateEventInput, EventsArgs, UpdateEventInput } from './dto/event.inputs';
import { AttendeesArgs } from './dto/rsvp.inputs';
import { Event, EventConnection, EventLocation } from './event.model';
import { roundCoordinate } from './events-access';
import { EventsService } from './events.service';

@Resolver(() => Event)
export class EventsResolver {
  constructor(
    private readonly eventsService: EventsService,
    private readonly attendances: AttendancesService,
    private readonly chapters: ChaptersService,
  ) {}

  @Public()
  @Query(() => Event, { nullable: true })
  event(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Event | null> {
    return this.eventsService.load(ctx, id);
  }

  @Public()
  @Query(() => EventConnection, { description: 'Upcoming and current events the caller may see, soonest first.' })
  events(@Args() args: EventsArgs, @Ctx() ctx: RequestContext): Promise<Connection<Event>> {
    return this.eventsService.list(ctx, args);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => Event)
  createEvent(@Args('input') input: CreateEventInput, @Ctx() ctx: RequestContext): Promise<Event> {
    return this.eventsService.create(ctx, input);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => Event)
  updateEvent(@IdArg('id') id: string, @Args('input') input: UpdateEventInput, @Ctx() ctx: RequestContext): Promise<Event> {
    return this.eventsService.update(ctx, id, input);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => Event)
  publishEvent(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<Event> {
    return this.eventsService.publish(ctx, id);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => Event)
  cancelEvent(@Args() { id, reason }: CancelEventArgs, @Ctx() ctx: RequestContext): Promise<Event> {
    return this.eventsService.cancel(ctx, id, reason ?? null);
  }

  @Public()
  @ResolveField(() => Chapter)
  async chapter(event: Event, _args: unknown, ctx: RequestContext): Promise<Chapter> {
    return (await this.chapters.load(ctx, event.chapterId))!;
  }

  @Public()
  @PersonalData('GOING attendees, organisers, admins and EVENTS_WRITE keys; null for everyone else')
  @ResolveField(() => String, { nullable: true, description: 'Shown only to GOING attendees, organisers and admins; null for everyone else.' })
  async onlineUrl(event: Event, _args: unknown, ctx: RequestContext): Promise<string | null> {
    if (event.restrictedOnlineUrl === null) return null;
    return (await this.attendances.mayReadRestricted(ctx, event)) ? event.restrictedOnlineUrl : null;
  }

  @Public()
  @ResolveField(() => Attendance, { nullable: true, description: "The caller's own live attendance, if any." })
  viewerAttendance(event: Event, _args: unknown, ctx: RequestContext): Promise<Attendance | null> {
    return this.attendances.viewerAttendance(ctx, event.id);
  }

  @Public()
  @PersonalData('organisers of the chapter, admins and ATTENDEES_READ keys; FORBIDDEN otherwise')
  @ResolveField(() => AttendanceConnection, {
    nullable: true,
    description: 'Organisers, admins and ATTENDEES_READ keys only. Null with a FORBIDDEN error for anyone else.',
  })
  attendees(@Parent() event: Event, @Args() args: AttendeesArgs, @Ctx() ctx: RequestContext): Promise<Connection<Attendance>> {
    return this.attendances.attendees(ctx, event, args);
  }
}

const EXACT_PLACE = 'GOING attendees, organisers, admins and EVENTS_WRITE keys; null (coordinates rounded) for everyone else';

@Resolver(() => EventLocation)
export class EventLocationResolver {
  constructor(private readonly attendances: AttendancesService) {}

  @Public()
  @PersonalData(EXACT_PLACE)
  @ResolveField(() => String, { nullable: true, description: 'Shown only to GOING attendees, organisers and admins; null for everyone else.' })
  async addressLine(location: EventLocation, _args: unknown, ctx: RequestContext): Promise<string | null> {
    if (location.restricted.addressLine === null) return null;
    return (await this.attendances.mayReadRestricted(ctx, location.event)) ? location.restricted.addressLine : null;
  }

  @Public()
  @PersonalData(EXACT_PLACE)
  @ResolveField(() => String, { nullable: true, description: 'As addressLine.' })
  async postcode(location: EventLocation, _args: unknown, ctx: RequestContext): Promise<string | null> {
    if (location.restricted.postcode === null) return null;
    return (await this.attendances.mayReadRestricted(ctx, location.event)) ? location.restricted.postcode : null;
  }

  @Public()
  @PersonalData(EXACT_PLACE)
  @ResolveField(() => Float, {
    nullable: true,
    description: 'Exact for GOING attendees, organisers and admins; for everyone else rounded to 2 decimal places (about 1 km).',
  })
  latitude(location: EventLocation, _args: unknown, ctx: RequestContext): Promise<number | null> {
    return this.coordinate(ctx, location, location.restricted.latitude);
  }

  @Public()
  @PersonalData(EXACT_PLACE)
  @ResolveField(() => Float, { nullable: true, description: 'As latitude.' })
  longitude(location: EventLocation, _args: unknown, ctx: RequestContext): Promise<number | null> {
    return this.coordinate(ctx, location, location.restricted.longitude);
  }

  private async coordinate(ctx: RequestContext, location: EventLocation, exact: number | null): Promise<number | null> {
    if (exact === null) return null;
    return (await this.attendances.mayReadRestricted(ctx, location.event)) ? exact : roundCoordinate(exact);
  }
}

@Resolver(() => Chapter)
export class ChapterEventsResolver {
  constructor(private readonly eventsService: EventsService) {}

  @Public()
  @ResolveField(() => EventConnection)
  events(@Parent() chapter: Chapter, @Args() args: EventsArgs, @Ctx() ctx: RequestContext): Promise<Connection<Event>> {
    return this.eventsService.list(ctx, args, chapter.id);
  }
}
