import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { type Visibility, VisibilityEnum } from '../../common/access/visibility';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { EVENT_STATUSES, EventStatus, type EventEntity } from './event.entity';

export const EventStatusEnum = graphqlEnum('EventStatus', EVENT_STATUSES);

/**
 * Where an event of a chapter is. What locates the place itself (street address, postcode, exact
 * coordinates) is resolved by EventLocationResolver behind a check.
 */
@ObjectType('EventLocation')
export class EventLocation {
  @Field(() => String, { nullable: true }) venue: string | null;
  @Field(() => String, { nullable: true }) city: string | null;
  @Field(() => String, { nullable: true }) country: string | null;
  /** The exact place, for those allowed to read it. */
  restricted: { addressLine: string | null; postcode: string | null; latitude: number | null; longitude: number | null };
  /** The event it belongs to, for that check. */
  event: Event;
}

@ObjectType('Event')
export class Event {
  @Field(() => ID) id: string;
  @Field() title: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => GraphQLISODateTime) startsAt: Date;
  @Field(() => GraphQLISODateTime) endsAt: Date;
  @Field({ description: 'IANA time zone the event was planned in.' }) timeZone: string;
  @Field(() => Int, { nullable: true, description: 'Null means unlimited.' }) capacity: number | null;
  @Field(() => VisibilityEnum) visibility: Visibility;
  @Field(() => EventStatusEnum) status: EventStatus;
  @Field(() => Int) goingCount: number;
  @Field(() => Int) waitlistCount: number;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => Int, { nullable: true, description: 'Null when capacity is unlimited.' }) spotsLeft: number | null;
  @Field(() => EventLocation, { nullable: true }) location: EventLocation | null;
  @Field({ description: "Absolute URL of this event's iCalendar file." }) icsUrl: string;
  chapterId: string;
  organisationId: string;
  cancelReason: string | null;
  /** The series it is an occurrence of (Event.series). */
  seriesId: string | null;
  @Field(() => GraphQLISODateTime, { description: 'Moves on every change, RSVP counts included.' }) updatedAt: Date;
  /** Resolved by Event.onlineUrl once the caller is known to be allowed. */
  restrictedOnlineUrl: string | null;
}

export const EventConnection = ConnectionType(Event);

/** The API shape of an event row; `publicUrl` is the base of `icsUrl`. */
export function toEvent(e: EventEntity, publicUrl: string): Event {
  const hasLocation = [e.venue, e.addressLine, e.city, e.postcode, e.country, e.latitude, e.longitude].some((v) => v !== null);
  const event: Event = {
    id: e.id,
    title: e.title,
    description: e.description,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    timeZone: e.timeZone,
    capacity: e.capacity,
    visibility: e.visibility,
    status: e.status,
    goingCount: e.goingCount,
    waitlistCount: e.waitlistCount,
    spotsLeft: e.capacity === null ? null : Math.max(0, e.capacity - e.goingCount),
    createdAt: e.createdAt,
    icsUrl: `${publicUrl}/calendar/events/${e.id}.ics`,
    chapterId: e.chapterId,
    organisationId: e.organisationId,
    cancelReason: e.cancelReason,
    seriesId: e.seriesId,
    updatedAt: e.updatedAt,
    restrictedOnlineUrl: e.onlineUrl,
    location: null,
  };
  if (hasLocation) {
    const { venue, city, country, addressLine, postcode, latitude, longitude } = e;
    event.location = { venue, city, country, restricted: { addressLine, postcode, latitude, longitude }, event };
  }
  return event;
}
