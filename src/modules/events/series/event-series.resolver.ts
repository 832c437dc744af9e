import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '../../../common/auth/access.decorators';
import { Ctx } from '../../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../../common/graphql/request-context';
import { Connection, PageArgs } from '../../../common/pagination/connection';
import { IdArg } from '../../../common/validation/id';
import { Event, EventConnection } from '../event.model';
import { EventsService } from '../events.service';
import { CreateEventSeriesInput, UpdateEventSeriesArgs } from './event-series.inputs';
import { EventSeries } from './event-series.model';
import { EventSeriesService } from './event-series.service';

/** Every occurrence, past ones too (EventFilter.from defaults to now). */
const ALL_TIME = new Date(0);

@Resolver(() => EventSeries)
export class EventSeriesResolver {
  constructor(
    private readonly seriesService: EventSeriesService,
    private readonly eventsService: EventsService,
  ) {}

  @Public()
  @Query(() => EventSeries, { nullable: true })
  eventSeries(@IdArg('id') id: string, @Ctx() ctx: RequestContext): Promise<EventSeries | null> {
    return this.seriesService.load(ctx, id);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => EventSeries)
  createEventSeries(@Args('input') input: CreateEventSeriesInput, @Ctx() ctx: RequestContext): Promise<EventSeries> {
    return this.seriesService.create(ctx, input);
  }

  @Allow('USER', 'EVENTS_WRITE')
  @Mutation(() => EventSeries, { description: 'Changes the occurrences from fromEventId on (all when omitted); earlier ones keep their fields.' })
  updateEventSeries(@Args() { id, fromEventId, input }: UpdateEventSeriesArgs, @Ctx() ctx: RequestContext): Promise<EventSeries> {
    return this.seriesService.update(ctx, id, fromEventId, input);
  }

  @Public()
  @ResolveField(() => EventConnection, { description: 'Occurrences the caller may see, soonest first.' })
  events(@Parent() series: EventSeries, @Args() args: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Event>> {
    return this.eventsService.list(ctx, { ...args, filter: { from: ALL_TIME } }, undefined, series.id);
  }
}

@Resolver(() => Event)
export class EventSeriesFieldResolver {
  constructor(private readonly seriesService: EventSeriesService) {}

  @Public()
  @ResolveField(() => EventSeries, { nullable: true, description: 'The recurring series this event is an occurrence of.' })
  series(@Parent() event: Event, @Ctx() ctx: RequestContext): Promise<EventSeries | null> {
    return event.seriesId ? this.seriesService.loadUnchecked(ctx, event.seriesId) : Promise.resolve(null);
  }
}
