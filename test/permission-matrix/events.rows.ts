import { DataSource } from 'typeorm';
import { inTransaction } from '../../src/common/database/transaction';
import { EmailTokensService, IssueToken } from '../../src/common/links/email-tokens.service';
import { PUBLISH_EVENT } from '../support/documents';
import {
  ADDRESS_LINE,
  EXACT_POINT,
  PLACE,
  ATTENDEES,
  ATTENDEES_ROW,
  CREATE_EVENT,
  EVENT,
  eventInput,
  FORBID,
  gql,
  listedEvent,
  MANAGE_CHAPTER,
  MANAGE_DRAFT,
  MANAGE_EVENT,
  NAMES,
  newEvent,
  newGuest,
  NOTFND,
  NULL,
  OK,
  ONLINE_URL,
  OWN_ATTENDANCE,
  PUBLIC_ROW,
  RESTRICTED,
  RESTRICTED_GOING,
  RESTRICTED_WAIT,
  Row,
  RSVP,
  RSVP_PUBLIC,
  rsvpAs,
  SEE_CHAPTER,
  SEE_DRAFT,
  SEE_ORGANISATION,
  setupAs,
  t,
  UNAUTH,
  VIEWER_ATTENDANCE,
  w,
} from '../support/permission-matrix';

const GUEST_RSVP = `mutation($input: GuestRsvpInput!) { rsvpAsGuest(input: $input) { event { id } } }`;
// An emailed link is the credential: anyone holding it may use it; only bad credentials are refused.
//                   anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
const LINK_HOLDER = [OK, OK, OK, OK, OK, OK, OK, OK, OK, UNAUTH] as const;

/** A link token as the mail jobs issue them (the matrix runs without jobs). */
async function issueToken(input: IssueToken): Promise<string> {
  return inTransaction(t.app.get(DataSource), (manager) => t.app.get(EmailTokensService).issue(manager, input));
}

/** The `rsvp` link a guest would be mailed for the event. */
function guestRsvpToken(eventId: string, guest: { name: string; email: string }): Promise<string> {
  const data = { eventId, name: guest.name, contactConsent: false, consentWordingId: null, consentedAt: null };
  return issueToken({ kind: 'rsvp', email: guest.email, data, expiresAt: new Date(Date.now() + 60 * 24 * 3600_000) });
}

/** The permission matrix rows of events: seeing, managing, attending, and the personal data of attendees. */
export const eventRows: Row[] = [
  // ---------------------------------------------------------------- events: reading
  {
    name: 'Query.event (a PUBLIC event)',
    covers: 'Query.event',
    perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.public }, a), pick: (d) => d.event }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.event (an ORGANISATION event of A1)',
    covers: 'Query.event',
    perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.organisation }, a), pick: (d) => d.event }),
    expected: SEE_ORGANISATION,
  },
  {
    name: 'Query.event (a CHAPTER event of A1)',
    covers: 'Query.event',
    perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.chapter }, a), pick: (d) => d.event }),
    expected: SEE_CHAPTER,
  },
  {
    name: 'Query.event (a DRAFT event of A1)',
    covers: 'Query.event',
    perform: async (a) => ({ res: await gql(EVENT, { id: w.ev.draft }, a), pick: (d) => d.event }),
    expected: SEE_DRAFT,
  },
  {
    name: 'Query.events (lists an ORGANISATION event of A1)',
    covers: 'Query.events',
    perform: listedEvent('organisation'),
    expected: SEE_ORGANISATION,
  },
  {
    name: 'Query.events (lists a CHAPTER event of A1)',
    covers: 'Query.events',
    perform: listedEvent('chapter'),
    expected: SEE_CHAPTER,
  },
  {
    name: 'Query.events (lists a DRAFT event of A1)',
    covers: 'Query.events',
    perform: listedEvent('draft'),
    expected: SEE_DRAFT,
  },

  // ---------------------------------------------------------------- events: managing
  {
    name: 'Mutation.createEvent (in A1)',
    covers: 'Mutation.createEvent',
    perform: async (a) => ({
      res: await gql(CREATE_EVENT, { input: eventInput() }, a),
      pick: (d) => (d.createEvent.status === 'DRAFT' ? d.createEvent : null),
    }),
    expected: MANAGE_EVENT,
  },
  {
    name: 'Mutation.updateEvent (a published PUBLIC event)',
    covers: 'Mutation.updateEvent',
    perform: async (a) => {
      const id = await newEvent();
      return {
        res: await gql(`mutation($id: ID!, $t: String) { updateEvent(id: $id, input: { title: $t }) { id title } }`, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updateEvent.title === `Edited by ${a.name}` ? d.updateEvent : null),
      };
    },
    expected: MANAGE_EVENT,
  },
  {
    name: 'Mutation.updateEvent (a published CHAPTER event)',
    covers: 'Mutation.updateEvent',
    perform: async (a) => {
      const id = await newEvent({ visibility: 'CHAPTER' });
      return {
        res: await gql(`mutation($id: ID!, $t: String) { updateEvent(id: $id, input: { title: $t }) { id title } }`, { id, t: `Edited by ${a.name}` }, a),
        pick: (d) => (d.updateEvent.title === `Edited by ${a.name}` ? d.updateEvent : null),
      };
    },
    expected: MANAGE_CHAPTER,
  },
  {
    name: 'Mutation.publishEvent (a DRAFT event)',
    covers: 'Mutation.publishEvent',
    perform: async (a) => {
      const id = await newEvent({}, true);
      return { res: await gql(PUBLISH_EVENT, { id }, a), pick: (d) => (d.publishEvent.status === 'PUBLISHED' ? d.publishEvent : null) };
    },
    expected: MANAGE_DRAFT,
  },
  {
    name: 'Mutation.publishEvent (a published PUBLIC event: nothing changes)',
    covers: 'Mutation.publishEvent',
    perform: async (a) => {
      const id = await newEvent();
      return { res: await gql(PUBLISH_EVENT, { id }, a), pick: (d) => (d.publishEvent.status === 'PUBLISHED' ? d.publishEvent : null) };
    },
    expected: MANAGE_EVENT,
  },
  {
    name: 'Mutation.cancelEvent (a published PUBLIC event)',
    covers: 'Mutation.cancelEvent',
    perform: async (a) => {
      const id = await newEvent();
      return {
        res: await gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { id status } }`, { id }, a),
        pick: (d) => (d.cancelEvent.status === 'CANCELLED' ? d.cancelEvent : null),
      };
    },
    expected: MANAGE_EVENT,
  },
  {
    name: 'Mutation.cancelEvent (a DRAFT event)',
    covers: 'Mutation.cancelEvent',
    perform: async (a) => {
      const id = await newEvent({}, true);
      return {
        res: await gql(`mutation($id: ID!) { cancelEvent(id: $id, reason: "Storm") { id status } }`, { id }, a),
        pick: (d) => (d.cancelEvent.status === 'CANCELLED' ? d.cancelEvent : null),
      };
    },
    expected: MANAGE_DRAFT,
  },

  // ---------------------------------------------------------------- events: attending
  {
    name: 'Mutation.rsvp (a PUBLIC event; signed-in callers only)',
    covers: 'Mutation.rsvp',
    perform: async (a) => {
      const eventId = await newEvent();
      return { res: await gql(RSVP, { input: { eventId } }, a), pick: (d) => (d.rsvp.attendance.status === 'GOING' ? d.rsvp.attendance : null) };
    },
    //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.rsvp (a CHAPTER event of A1)',
    covers: 'Mutation.rsvp',
    perform: async (a) => {
      const eventId = await newEvent({ visibility: 'CHAPTER' });
      return { res: await gql(RSVP, { input: { eventId } }, a), pick: (d) => (d.rsvp.attendance.status === 'GOING' ? d.rsvp.attendance : null) };
    },
    //         anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, NOTFND, OK, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
  },
  {
    name: "Mutation.cancelRsvp (the actor's own RSVP to a PUBLIC event)",
    covers: 'Mutation.cancelRsvp',
    perform: async (a) => {
      const eventId = await newEvent();
      if (a.user) await rsvpAs(a.user, eventId);
      return {
        res: await gql(`mutation($e: ID!) { cancelRsvp(eventId: $e) { id status } }`, { e: eventId }, a),
        pick: (d) => (d.cancelRsvp.status === 'CANCELLED' ? d.cancelRsvp : null),
      };
    },
    //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.rsvpAsGuest (a PUBLIC event; keys only for their organisation, confirmed at once)',
    covers: 'Mutation.rsvpAsGuest',
    perform: async (a) => {
      const eventId = await newEvent();
      return {
        res: await gql(GUEST_RSVP, { input: { eventId, guest: newGuest() } }, a),
        pick: (d) => (d.rsvpAsGuest.event.id === eventId ? d.rsvpAsGuest.event : null),
      };
    },
    expected: RSVP_PUBLIC,
  },
  {
    name: 'Mutation.rsvpAsGuest (a CHAPTER event of A1: guests RSVP to PUBLIC events only)',
    covers: 'Mutation.rsvpAsGuest',
    perform: async (a) => {
      const eventId = await newEvent({ visibility: 'CHAPTER' });
      return { res: await gql(GUEST_RSVP, { input: { eventId, guest: newGuest() } }, a), pick: (d) => d.rsvpAsGuest.event };
    },
    //         anonymous user    member  organiser otherOrg admin  otherAdmin keyScope keyNoScope revokedKey
    expected: [NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, NOTFND, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.confirmGuestRsvp (with the link emailed to a guest: whoever holds it)',
    covers: 'Mutation.confirmGuestRsvp',
    perform: async (a) => {
      const eventId = await newEvent();
      const guest = newGuest();
      return {
        res: await gql(`mutation($t: String!) { confirmGuestRsvp(token: $t) { id status } }`, { t: await guestRsvpToken(eventId, guest) }, a),
        pick: (d) => (d.confirmGuestRsvp.status === 'GOING' ? d.confirmGuestRsvp : null),
      };
    },
    expected: LINK_HOLDER,
  },
  {
    name: 'Mutation.cancelGuestRsvp (with the link emailed to a guest: whoever holds it)',
    covers: 'Mutation.cancelGuestRsvp',
    perform: async (a) => {
      const eventId = await newEvent();
      const token = await guestRsvpToken(eventId, newGuest());
      await setupAs(w.actors.anonymous, `mutation($t: String!) { confirmGuestRsvp(token: $t) { id } }`, { t: token });
      return {
        res: await gql(`mutation($t: String!) { cancelGuestRsvp(token: $t) { id status } }`, { t: token }, a),
        pick: (d) => (d.cancelGuestRsvp.status === 'CANCELLED' ? d.cancelGuestRsvp : null),
      };
    },
    expected: LINK_HOLDER,
  },
  {
    name: 'Mutation.unsubscribe (with the link in a reminder: whoever holds it)',
    covers: 'Mutation.unsubscribe',
    perform: async (a) => {
      const token = await issueToken({ kind: 'unsubscribe', email: newGuest().email, expiresAt: new Date('9999-12-31T00:00:00Z') });
      return { res: await gql(`mutation($t: String!) { unsubscribe(token: $t) }`, { t: token }, a), pick: (d) => d.unsubscribe || null };
    },
    expected: LINK_HOLDER,
  },
  {
    name: "Mutation.checkIn (the bystander's attendance of a PUBLIC event)",
    covers: 'Mutation.checkIn',
    perform: async (a) => {
      const attendance = await rsvpAs(w.bystander, await newEvent());
      return {
        res: await gql(`mutation($id: ID!) { checkIn(attendanceId: $id) { id checkedInAt } }`, { id: attendance.id }, a),
        pick: (d) => d.checkIn.checkedInAt,
      };
    },
    // Someone else's attendance is invisible (NOT_FOUND) to all who may not read the event's attendees; keys are refused by the operation guard.
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
  },
  {
    name: "Mutation.checkIn (the bystander's attendance of a CHAPTER event)",
    covers: 'Mutation.checkIn',
    perform: async (a) => {
      const attendance = await rsvpAs(w.bystander, await newEvent({ visibility: 'CHAPTER' }));
      return {
        res: await gql(`mutation($id: ID!) { checkIn(attendanceId: $id) { id checkedInAt } }`, { id: attendance.id }, a),
        pick: (d) => d.checkIn.checkedInAt,
      };
    },
    //         anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, NOTFND, NOTFND, OK, NOTFND, OK, NOTFND, FORBID, FORBID, UNAUTH],
  },

  // ---------------------------------------------------------------- personal-data fields of events
  {
    name: 'Event.attendees (a PUBLIC event)',
    covers: 'Event.attendees',
    perform: async (a) => ({
      res: await gql(ATTENDEES, { id: w.ev.public }, a),
      pick: (d) => (d.event.attendees?.edges.some((e: any) => e.node.id === w.ev.bystanderAttendance) ? d.event.attendees : null),
      fieldPath: ['event', 'attendees'],
    }),
    expected: ATTENDEES_ROW,
  },
  {
    name: 'Event.attendees (a CHAPTER event: null event for those who may not see it)',
    covers: 'Event.attendees',
    perform: async (a) => ({
      res: await gql(ATTENDEES, { id: w.ev.chapter }, a),
      pick: (d) => (d.event?.attendees?.edges.some((e: any) => e.node.name === NAMES.bystander) ? d.event.attendees : null),
      fieldPath: ['event', 'attendees'],
    }),
    //         anonymous user member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NULL, NULL, FORBID, OK, NULL, OK, NULL, OK, FORBID, UNAUTH],
  },
  ...(['name', 'email', 'user'] as const).map((field): Row => ({
    name: `Attendance.${field} (the bystander's, through Event.attendees)`,
    covers: `Attendance.${field}`,
    perform: async (a) => ({
      res: await gql(ATTENDEES, { id: w.ev.public }, a),
      pick: (d) => {
        const node = d.event.attendees?.edges.find((e: any) => e.node.id === w.ev.bystanderAttendance)?.node;
        const value = field === 'user' ? node?.user?.id : node?.[field];
        if (value != null) expect(value).toBe({ name: NAMES.bystander, email: w.bystander.email, user: w.bystander.id }[field]);
        return value;
      },
      fieldPath: ['event', 'attendees'],
    }),
    expected: ATTENDEES_ROW,
  })),
  ...(['name', 'email', 'user'] as const).map((field): Row => ({
    name: `Attendance.${field} (own, through Event.viewerAttendance)`,
    covers: `Attendance.${field}`,
    perform: async (a) => ({
      res: await gql(VIEWER_ATTENDANCE, { id: w.ev.public }, a),
      pick: (d) => {
        const own = d.event.viewerAttendance;
        const value = field === 'user' ? own?.user?.id : own?.[field];
        if (value != null) expect(value).toBe({ name: a.displayName, email: a.user?.email, user: a.user?.id }[field]);
        return value;
      },
    }),
    expected: OWN_ATTENDANCE,
  })),
  {
    name: 'Attendance.email (own, through the rsvp payload)',
    covers: 'Attendance.email',
    perform: async (a) => ({
      res: await gql(`mutation($input: RsvpInput!) { rsvp(input: $input) { attendance { id name email } } }`, { input: { eventId: await newEvent() } }, a),
      pick: (d) => {
        const value = d.rsvp.attendance.email;
        if (value != null) expect(value).toBe(a.user!.email);
        return value;
      },
    }),
    //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [UNAUTH, OK, OK, OK, OK, OK, OK, FORBID, FORBID, UNAUTH],
  },
  {
    name: "Attendance.email (a guest's, through confirmGuestRsvp with the link emailed to them)",
    covers: 'Attendance.email',
    perform: async (a) => {
      const guest = newGuest();
      const token = await guestRsvpToken(await newEvent(), guest);
      return {
        res: await gql(`mutation($t: String!) { confirmGuestRsvp(token: $t) { id name email } }`, { t: token }, a),
        pick: (d) => {
          expect(d.confirmGuestRsvp.email).toBe(guest.email);
          return d.confirmGuestRsvp.email;
        },
      };
    },
    expected: LINK_HOLDER,
  },
  {
    name: 'Event.onlineUrl (a PUBLIC event where `member` is GOING)',
    covers: 'Event.onlineUrl',
    perform: async (a) => ({
      res: await gql(RESTRICTED, { id: w.ev.memberGoing }, a),
      pick: (d) => {
        if (d.event.onlineUrl != null) expect(d.event.onlineUrl).toBe(ONLINE_URL);
        return d.event.onlineUrl;
      },
    }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'Event.onlineUrl (the same, through Query.events)',
    covers: 'Event.onlineUrl',
    perform: async (a) => ({
      res: await gql(
        `query($f: EventFilter) { events(filter: $f, first: 100) { edges { node { id onlineUrl } } } }`,
        { f: { chapterId: w.a1.id, search: w.listed } },
        a,
      ),
      pick: (d) => d.events.edges.find((e: any) => e.node.id === w.ev.memberGoing)!.node.onlineUrl,
    }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'Event.onlineUrl (a PUBLIC event where `member` is WAITLISTED)',
    covers: 'Event.onlineUrl',
    perform: async (a) => ({ res: await gql(RESTRICTED, { id: w.ev.memberWaitlisted }, a), pick: (d) => d.event.onlineUrl }),
    expected: RESTRICTED_WAIT,
  },
  {
    name: 'EventLocation.addressLine (a PUBLIC event where `member` is GOING)',
    covers: 'EventLocation.addressLine',
    perform: async (a) => ({
      res: await gql(RESTRICTED, { id: w.ev.memberGoing }, a),
      pick: (d) => {
        expect(d.event.location.city).toBe('London'); // the rest of the location is public
        if (d.event.location.addressLine != null) expect(d.event.location.addressLine).toBe(ADDRESS_LINE);
        return d.event.location.addressLine;
      },
    }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'EventLocation.addressLine (a PUBLIC event where `member` is WAITLISTED)',
    covers: 'EventLocation.addressLine',
    perform: async (a) => ({ res: await gql(RESTRICTED, { id: w.ev.memberWaitlisted }, a), pick: (d) => d.event.location.addressLine }),
    expected: RESTRICTED_WAIT,
  },
  {
    name: 'EventLocation.postcode (a PUBLIC event where `member` is GOING)',
    covers: 'EventLocation.postcode',
    perform: async (a) => ({ res: await gql(PLACE, { id: w.ev.memberGoing }, a), pick: (d) => d.event.location.postcode }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'EventLocation.latitude exact (a PUBLIC event where `member` is GOING; everyone else gets it rounded)',
    covers: 'EventLocation.latitude',
    perform: async (a) => ({
      res: await gql(PLACE, { id: w.ev.memberGoing }, a),
      pick: (d) => {
        expect([EXACT_POINT.latitude, 51.51]).toContain(d.event.location.latitude);
        return d.event.location.latitude === EXACT_POINT.latitude ? d.event.location.latitude : null;
      },
    }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'EventLocation.longitude exact (a PUBLIC event where `member` is GOING; everyone else gets it rounded)',
    covers: 'EventLocation.longitude',
    perform: async (a) => ({
      res: await gql(PLACE, { id: w.ev.memberGoing }, a),
      pick: (d) => {
        expect([EXACT_POINT.longitude, -0.13]).toContain(d.event.location.longitude);
        return d.event.location.longitude === EXACT_POINT.longitude ? d.event.location.longitude : null;
      },
    }),
    expected: RESTRICTED_GOING,
  },
  {
    name: 'EventLocation.postcode (a PUBLIC event where `member` is WAITLISTED)',
    covers: 'EventLocation.postcode',
    perform: async (a) => ({ res: await gql(PLACE, { id: w.ev.memberWaitlisted }, a), pick: (d) => d.event.location.postcode }),
    expected: RESTRICTED_WAIT,
  },
];
