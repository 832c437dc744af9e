import { PUBLISH_EVENT } from '../support/documents';
import {
  CREATE_EVENT,
  eventInput,
  gql,
  MANAGE_EVENT,
  newList,
  NULL,
  OK,
  PUBLIC_ROW,
  Row,
  SEE_CHAPTER,
  SEE_DRAFT,
  setup,
  UNAUTH,
} from '../support/permission-matrix';

const DAY = 86_400_000;
const CREATE_SERIES = `mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id rrule events(first: 5) { edges { node { id status } } } } }`;
const SERIES = `query($id: ID!) { eventSeries(id: $id) { id rrule timeZone } }`;

/** A weekly series of A1 starting on a whole minute 30 days ahead, three occurrences. */
function seriesInput(extra: Record<string, unknown> = {}) {
  const startsAt = new Date(Math.floor((Date.now() + 30 * DAY) / 60_000) * 60_000);
  return {
    event: eventInput({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(), ...extra }),
    rrule: 'FREQ=WEEKLY;COUNT=3',
  };
}

/** A fresh series made by the founder; its first occurrence published unless `draft`. */
async function newSeries(draft = false): Promise<string> {
  const created = (await setup(CREATE_SERIES, { input: seriesInput() })).createEventSeries;
  if (!draft) await setup(PUBLISH_EVENT, { id: created.events.edges[0].node.id });
  return created.id;
}

/** A published event of A1 (PUBLIC unless `extra` says otherwise) studying `itemIds`. */
async function newSession(itemIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = (await setup(CREATE_EVENT, { input: eventInput({ readingListItemIds: itemIds, ...extra }) })).createEvent;
  await setup(PUBLISH_EVENT, { id });
  return id;
}

// An item of a CHAPTER list of A1: its chapter's members, organisers, admins and READING_LISTS_READ keys.
const SEE_CHAPTER_ITEM = /**/ [NULL, NULL, OK, OK, NULL, OK, NULL, OK, NULL, UNAUTH] as const;

/** The permission matrix rows of recurring series ("series, questions, study-session links" in DESIGN.md). */
export const seriesRows: Row[] = [
  {
    name: 'Mutation.createEventSeries (in A1)',
    covers: 'Mutation.createEventSeries',
    perform: async (a) => ({
      res: await gql(CREATE_SERIES, { input: seriesInput() }, a),
      pick: (d) => (d.createEventSeries.events.edges.length === 3 ? d.createEventSeries : null),
    }),
    expected: MANAGE_EVENT,
  },
  {
    name: 'Mutation.updateEventSeries (a series with a published PUBLIC occurrence)',
    covers: 'Mutation.updateEventSeries',
    perform: async (a) => {
      const id = await newSeries();
      const title = `Edited by ${a.name}`;
      return {
        res: await gql(
          `mutation($id: ID!, $t: String) { updateEventSeries(id: $id, input: { title: $t }) { id events { edges { node { title } } } } }`,
          { id, t: title },
          a,
        ),
        pick: (d) => (d.updateEventSeries.events.edges.every((e: any) => e.node.title === title) ? d.updateEventSeries : null),
      };
    },
    expected: MANAGE_EVENT,
  },
  {
    name: 'Query.eventSeries (a series with a published PUBLIC occurrence)',
    covers: 'Query.eventSeries',
    perform: async (a) => {
      const id = await newSeries();
      return { res: await gql(SERIES, { id }, a), pick: (d) => d.eventSeries };
    },
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.eventSeries (a series of DRAFT occurrences only)',
    covers: 'Query.eventSeries',
    perform: async (a) => {
      const id = await newSeries(true);
      return { res: await gql(SERIES, { id }, a), pick: (d) => d.eventSeries };
    },
    expected: SEE_DRAFT,
  },

  // ---------------------------------------------------------------- study sessions
  {
    name: 'Event.readingListItems (an item of a CHAPTER list of A1, through a PUBLIC event)',
    covers: 'Event.readingListItems',
    perform: async (a) => {
      const list = await newList({ visibility: 'CHAPTER' }, 1);
      const id = await newSession(list.items);
      return {
        res: await gql(`query($id: ID!) { event(id: $id) { id readingListItems { id } } }`, { id }, a),
        pick: (d) => d.event.readingListItems[0] ?? null,
      };
    },
    expected: SEE_CHAPTER_ITEM,
  },
  {
    name: 'ReadingListItem.studySessions (a CHAPTER event of A1 studying an item of a PUBLIC list)',
    covers: 'ReadingListItem.studySessions',
    perform: async (a) => {
      const list = await newList({ visibility: 'PUBLIC' }, 1);
      await newSession(list.items, { visibility: 'CHAPTER' });
      return {
        res: await gql(`query($id: ID!) { readingList(id: $id) { items { studySessions { totalCount edges { node { id } } } } } }`, { id: list.id }, a),
        pick: (d) => d.readingList.items[0].studySessions.edges[0] ?? null,
      };
    },
    expected: SEE_CHAPTER,
  },
];
