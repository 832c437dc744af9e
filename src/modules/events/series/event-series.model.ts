import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import type { EventSeriesEntity } from './event-series.entity';

@ObjectType('EventSeries', { description: 'An event repeated by an iCalendar RRULE; each occurrence is an Event with its own RSVPs.' })
export class EventSeries {
  @Field(() => ID) id: string;
  @Field({ description: "RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=10, read in the series' time zone." }) rrule: string;
  @Field() timeZone: string;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  chapterId: string;
  organisationId: string;
}

export function toEventSeries(row: EventSeriesEntity): EventSeries {
  return { id: row.id, rrule: row.rrule, timeZone: row.timeZone, createdAt: row.createdAt, chapterId: row.chapterId, organisationId: row.organisationId };
}
