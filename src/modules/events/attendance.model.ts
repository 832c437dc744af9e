import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { graphqlEnum } from '../../common/graphql/enum';
import { ConnectionType } from '../../common/pagination/connection';
import { Event } from './event.model';
import { ATTENDANCE_STATUSES, AttendanceStatus, type AttendanceEntity } from './attendance.entity';

export const AttendanceStatusEnum = graphqlEnum('AttendanceStatus', ATTENDANCE_STATUSES);

@ObjectType('Attendance')
export class Attendance {
  @Field(() => ID) id: string;
  @Field(() => AttendanceStatusEnum) status: AttendanceStatus;
  @Field(() => Int, { nullable: true, description: '1 for the first person on the waitlist; null unless WAITLISTED.' })
  waitlistPosition: number | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) checkedInAt: Date | null;
  @Field(() => GraphQLISODateTime) createdAt: Date;
  @Field(() => GraphQLISODateTime) updatedAt: Date;
  eventId: string;
  userId: string | null;
  /** Personal data, resolved behind a check by Attendance.name / email / user. */
  personal: { name: string; email: string };
  /** Set when the caller proved to be the attendee (their own RSVP or cancellation, or a guest holding the emailed link). */
  viewerIsAttendee?: boolean;
}

export const AttendanceConnection = ConnectionType(Attendance);

@ObjectType()
export class RsvpPayload {
  @Field(() => Attendance) attendance: Attendance;
}

@ObjectType({ description: "The same answer whatever the address's state; what happens next arrives by email." })
export class GuestRsvpPayload {
  @Field(() => Event) event: Event;
}

export function toAttendance(e: AttendanceEntity): Attendance {
  return {
    id: e.id,
    status: e.status,
    waitlistPosition: e.waitlistPosition,
    checkedInAt: e.checkedInAt,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    eventId: e.eventId,
    userId: e.userId,
    personal: { name: e.name, email: e.email },
  };
}
