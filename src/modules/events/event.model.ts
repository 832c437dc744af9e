import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { type Visibility, VisibilityEnum } from '../../common/access/visibility';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { EVENT_STATUSES, EventStatus, type EventEntity } from './event.entity';

export const EventStatusEnum = graphqlEnum('EventStatus', EVENT_STATUSES);

/** Where an event of a chapter is; `addressLine` is resolved behind a check. */
@ObjectType('EventLocation')
export class EventLocation {
  @Field(() => String, { nullable: true }) venue: string | null;
  @Field(() => String, { nullable: true }) city: string | null;
  @Field(() => String, { nullable: true }) postcode: string | null;
  @Field(() => String, { nullable: true }) country: string | null;
  @Field(() => Float, { nullable: true }) latitude: number | null;
  @Field(() => Float, { nullable: true }) longitude: number | null;
  /** Resolved by EventLocation.addressLine once the caller is known to be allowed. */
  restrictedAddressLine: string | null;
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
  chapterId: string;
  organisationId: string;
  cancelReason: string | null;
  updatedAt: Date;
  /** Resolved by Event.onlineUrl once the caller is known to be allowed. */
  restrictedOnlineUrl: string | null;
  locationData: Omit<EventLocation, 'event'> | null;
}

export const EventConnection = ConnectionType(Event);

export function toEvent(e: EventEntity): Event {
  const hasLocation = [e.venue, e.addressLine, e.city, e.postcode, e.country, e.latitude, e.longitude].some((v) => v !== null);
  return {
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
    createdAt: e.createdAt,
    chapterId: e.chapterId,
    organisationId: e.organisationId,
    cancelReason: e.cancelReason,
    updatedAt: e.updatedAt,
    restrictedOnlineUrl: e.onlineUrl,
    locationData: hasLocation
      ? { venue: e.venue, city: e.city, postcode: e.postcode, country: e.country, latitude: e.latitude, longitude: e.longitude, restrictedAddressLine: e.addressLine }
      : null,
  };
}
