import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Public } from '../../../common/auth/access.decorators';
import { Ctx } from '../../../common/graphql/ctx.decorator';
import type { RequestContext } from '../../../common/graphql/request-context';
import { Connection, PageArgs } from '../../../common/pagination/connection';
import { ReadingListItem } from '../../reading-lists/reading-list.model';
import { Event, EventConnection } from '../event.model';
import { StudySessionsService } from './study-sessions.service';

@Resolver(() => Event)
export class EventStudyItemsResolver {
  constructor(private readonly studySessions: StudySessionsService) {}

  @Public()
  @ResolveField(() => [ReadingListItem], { description: 'Reading-list items this event studies (a study session); only items the caller may see.' })
  readingListItems(@Parent() event: Event, @Ctx() ctx: RequestContext): Promise<ReadingListItem[]> {
    return this.studySessions.itemsOf(ctx, event.id);
  }
}

@Resolver(() => ReadingListItem)
export class ItemStudySessionsResolver {
  constructor(private readonly sessions: StudySessionsService) {}

  @Public()
  @ResolveField(() => EventConnection, { description: 'Upcoming events that study this item and that the caller may see, soonest first.' })
  studySessions(@Parent() item: ReadingListItem, @Args() args: PageArgs, @Ctx() ctx: RequestContext): Promise<Connection<Event>> {
    return this.sessions.sessionsOf(ctx, item.id, args);
  }
}
