import {
  FORBID,
  FORK_PUBLIC,
  forkTarget,
  gql,
  listedList,
  listInput,
  MANAGE_CHAPTER_LIST,
  MANAGE_LIST,
  newList,
  NOTFND,
  NULL,
  OK,
  PUBLIC_ROW,
  READING_LIST,
  Row,
  SEE_CHAPTER_LIST,
  SEE_ORG_LIST,
  SEE_SHARED_LIST,
  SET_STATUS,
  SET_STATUS_CHAPTER,
  SET_STATUS_PUBLIC,
  setup,
  SHARE_LIST,
  sharedWithNow,
  UNAUTH,
  UNSHARE_LIST,
  w,
} from '../support/permission-matrix';

/** The permission matrix rows of reading lists: seeing, managing, sharing, forking, and one's own reading status. */
export const readingListRows: Row[] = [
  // ---------------------------------------------------------------- reading lists: reading
  {
    name: 'Query.readingList (a PUBLIC list of A1)',
    covers: 'Query.readingList',
    perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.public }, a), pick: (d) => d.readingList }),
    expected: PUBLIC_ROW,
  },
  {
    name: 'Query.readingList (an ORGANISATION list of A1)',
    covers: 'Query.readingList',
    perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.organisation }, a), pick: (d) => d.readingList }),
    expected: SEE_ORG_LIST,
  },
  {
    name: 'Query.readingList (a CHAPTER list of A1)',
    covers: 'Query.readingList',
    perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.chapter }, a), pick: (d) => d.readingList }),
    expected: SEE_CHAPTER_LIST,
  },
  {
    name: 'Query.readingList (a CHAPTER list of A2 shared with A1)',
    covers: 'Query.readingList',
    perform: async (a) => ({ res: await gql(READING_LIST, { id: w.rl.shared }, a), pick: (d) => d.readingList }),
    expected: SEE_SHARED_LIST,
  },
  {
    name: 'Query.readingLists (lists an ORGANISATION list of A1)',
    covers: 'Query.readingLists',
    perform: listedList('organisation'),
    expected: SEE_ORG_LIST,
  },
  {
    name: 'Query.readingLists (lists a CHAPTER list of A1)',
    covers: 'Query.readingLists',
    perform: listedList('chapter'),
    expected: SEE_CHAPTER_LIST,
  },
  {
    name: 'Query.readingLists (lists a CHAPTER list of A2 shared with A1)',
    covers: 'Query.readingLists',
    perform: listedList('shared'),
    expected: SEE_SHARED_LIST,
  },
  {
    name: "ReadingListItem.viewerStatus (the bystander's READ: theirs alone; readCount is everyone's)",
    covers: 'ReadingListItem.viewerStatus',
    perform: async (a) => ({
      res: await gql(
        `query($id: ID!) { readingList(id: $id) { id items { id viewerStatus readCount } viewerProgress { read reading } } }`,
        { id: w.rl.public },
        a,
      ),
      pick: (d) => {
        const item = d.readingList.items.find((i: any) => i.id === w.rl.readItem);
        expect(item.readCount).toBe(1);
        // Signed-in callers get their own (empty) progress, never the bystander's.
        if (d.readingList.viewerProgress !== null) expect(d.readingList.viewerProgress).toEqual({ read: 0, reading: 0 });
        return item.viewerStatus;
      },
    }),
    //         anonymous user member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
    expected: [NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, UNAUTH],
  },

  // ---------------------------------------------------------------- reading lists: managing (a fresh list per cell)
  {
    name: 'Mutation.createReadingList (in A1)',
    covers: 'Mutation.createReadingList',
    perform: async (a) => ({
      res: await gql(`mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id chapter { id } } }`, { input: listInput() }, a),
      pick: (d) => (d.createReadingList.chapter.id === w.a1.id ? d.createReadingList : null),
    }),
    expected: MANAGE_LIST,
  },
  ...(['PUBLIC', 'CHAPTER'] as const).flatMap((visibility): Row[] => {
    const expected = visibility === 'PUBLIC' ? MANAGE_LIST : MANAGE_CHAPTER_LIST;
    const of = `(a ${visibility} list of A1)`;
    return [
      {
        name: `Mutation.updateReadingList ${of}`,
        covers: 'Mutation.updateReadingList',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          return {
            res: await gql(
              `mutation($id: ID!, $t: String) { updateReadingList(id: $id, input: { title: $t }) { id title } }`,
              { id, t: `Edited by ${a.name}` },
              a,
            ),
            pick: (d) => (d.updateReadingList.title === `Edited by ${a.name}` ? d.updateReadingList : null),
          };
        },
        expected,
      },
      {
        name: `Mutation.deleteReadingList ${of}`,
        covers: 'Mutation.deleteReadingList',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          return { res: await gql(`mutation($id: ID!) { deleteReadingList(id: $id) }`, { id }, a), pick: (d) => d.deleteReadingList || null };
        },
        expected,
      },
      {
        name: `Mutation.addReadingListItem ${of}`,
        covers: 'Mutation.addReadingListItem',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          return {
            res: await gql(`mutation($l: ID!) { addReadingListItem(listId: $l, input: { kind: ARTICLE, title: "Water war" }) { id position } }`, { l: id }, a),
            pick: (d) => (d.addReadingListItem.position === 1 ? d.addReadingListItem : null),
          };
        },
        expected,
      },
      {
        name: `Mutation.updateReadingListItem ${of}`,
        covers: 'Mutation.updateReadingListItem',
        perform: async (a) => {
          const { items } = await newList({ visibility }, 1);
          return {
            res: await gql(
              `mutation($i: ID!, $t: String) { updateReadingListItem(itemId: $i, input: { title: $t }) { id title } }`,
              { i: items[0], t: `Edited by ${a.name}` },
              a,
            ),
            pick: (d) => (d.updateReadingListItem.title === `Edited by ${a.name}` ? d.updateReadingListItem : null),
          };
        },
        expected,
      },
      {
        name: `Mutation.removeReadingListItem ${of}`,
        covers: 'Mutation.removeReadingListItem',
        perform: async (a) => {
          const { items } = await newList({ visibility }, 1);
          return {
            res: await gql(`mutation($i: ID!) { removeReadingListItem(itemId: $i) }`, { i: items[0] }, a),
            pick: (d) => d.removeReadingListItem || null,
          };
        },
        expected,
      },
      {
        name: `Mutation.moveReadingListItem ${of}: the second to the top`,
        covers: 'Mutation.moveReadingListItem',
        perform: async (a) => {
          const { items } = await newList({ visibility }, 2);
          return {
            res: await gql(`mutation($i: ID!) { moveReadingListItem(itemId: $i, position: 1) { id items { id position } } }`, { i: items[1] }, a),
            pick: (d) => (d.moveReadingListItem.items.map((i: any) => i.id).join() === [items[1], items[0]].join() ? d.moveReadingListItem : null),
          };
        },
        expected,
      },
      {
        name: `Mutation.shareReadingList ${of}, with A2 of the same organisation`,
        covers: 'Mutation.shareReadingList',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          const res = await gql(SHARE_LIST, { l: id, c: w.a2.id }, a);
          const shared = res.errors ? [] : await sharedWithNow(id);
          return { res, pick: (d) => (d.shareReadingList.id === id && shared.includes(w.a2.id) ? d.shareReadingList : null) };
        },
        expected,
      },
      {
        name: `Mutation.unshareReadingList ${of}, shared with A2`,
        covers: 'Mutation.unshareReadingList',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          await setup(SHARE_LIST, { l: id, c: w.a2.id });
          const res = await gql(UNSHARE_LIST, { l: id, c: w.a2.id }, a);
          const shared = res.errors ? [w.a2.id] : await sharedWithNow(id);
          return { res, pick: (d) => (d.unshareReadingList.id === id && !shared.includes(w.a2.id) ? d.unshareReadingList : null) };
        },
        // Shared with A2, a CHAPTER list is read by `otherOrganiser` (a member of A2): FORBIDDEN, not NOT_FOUND.
        //                                      anonymous user    member organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
        expected: visibility === 'PUBLIC' ? MANAGE_LIST : [UNAUTH, NOTFND, FORBID, OK, FORBID, OK, NOTFND, OK, FORBID, UNAUTH],
      },
      {
        name: `Mutation.forkReadingList ${of}, into a chapter the actor organises (A1 when none)`,
        covers: 'Mutation.forkReadingList',
        perform: async (a) => {
          const { id } = await newList({ visibility });
          const target = forkTarget(a);
          return {
            res: await gql(
              `mutation($l: ID!, $c: ID!) { forkReadingList(listId: $l, chapterId: $c) { id chapter { id } forkedFrom { id } } }`,
              { l: id, c: target },
              a,
            ),
            pick: (d) => (d.forkReadingList.chapter.id === target && d.forkReadingList.forkedFrom?.id === id ? d.forkReadingList : null),
          };
        },
        expected: visibility === 'PUBLIC' ? FORK_PUBLIC : MANAGE_CHAPTER_LIST,
      },
      {
        name: `Mutation.setReadingStatus ${of}: the actor's own status`,
        covers: 'Mutation.setReadingStatus',
        perform: async (a) => {
          const { items } = await newList({ visibility }, 1);
          return {
            res: await gql(SET_STATUS, { i: items[0], s: 'READ' }, a),
            pick: (d) => (d.setReadingStatus.viewerStatus === 'READ' ? d.setReadingStatus : null),
          };
        },
        // `otherOrganiser` is an ACTIVE member of A2, a chapter of the list's organisation: a member who sees the list.
        expected: visibility === 'PUBLIC' ? SET_STATUS_PUBLIC : SET_STATUS_CHAPTER,
      },
    ];
  }),
];
