import { GraphQLObjectType } from 'graphql';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { BenchServer, benchProcesses, signUp, countStatements, printLoad, runLoad, startServerProcess } from './support';

const CHAPTERS = 50;
const EVENTS_PER_CHAPTER = 40;
const MAX_ATTENDANCES = 150;

export const pageQuery = (withPetitions: boolean, withStudyItems = false) => `query ChapterPage($id: ID!, $first: Int!) {
  chapter(id: $id) {
    name
    events(first: $first) { edges { node { title startsAt goingCount spotsLeft viewerAttendance { status } chapter { name }
      ${withStudyItems ? 'readingListItems { title authors discussionQuestions }' : ''} } } }
    ${withPetitions ? 'petitions(first: 5) { edges { node { title } } }' : ''}
  }
}`;

/** Seeds 50 chapters × 40 events (half upcoming) with 0–150 attendances each; the member belongs to every chapter. */
export async function seed(s: BenchServer): Promise<{ token: string; chapterIds: string[] }> {
  const register = (email: string) => signUp(s, email);
  const admin = await register('bench-admin@example.org');
  const member = await register('bench-member@example.org');
  const org = (await s.gql(`mutation { createOrganisation(input: { name: "Friends of Bolivia" }) { id } }`, {}, admin.register.accessToken)).createOrganisation;
  const chapterIds: string[] = [];
  for (let i = 0; i < CHAPTERS; i++) {
    const chapter = await s.gql(
      `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id } }`,
      { input: { organisationId: org.id, name: `Chapter ${i + 1}`, city: 'London', timeZone: 'Europe/London' } },
      admin.register.accessToken,
    );
    chapterIds.push(chapter.createChapter.id);
  }
  const memberId = member.register.user.id;
  await s.sql.query(`INSERT INTO memberships (chapter_id, user_id, role, status) SELECT unnest($1::uuid[]), $2, 'MEMBER', 'ACTIVE'`, [chapterIds, memberId]);
  // Events n = 1..20 ended in the past; n = 21..40 are upcoming. A third have a capacity.
  await s.sql.query(
    `INSERT INTO events (chapter_id, organisation_id, title, description, starts_at, ends_at, time_zone, capacity, visibility, status, city)
     SELECT c.id, c.organisation_id, 'Event ' || n || ' of ' || c.name, 'A bench event', now() + (n - 21) * interval '3 days' + interval '1 hour',
            now() + (n - 21) * interval '3 days' + interval '3 hours', 'Europe/London', CASE WHEN n % 3 = 0 THEN 200 END,
            (ARRAY['PUBLIC', 'ORGANISATION', 'CHAPTER'])[1 + n % 3], 'PUBLISHED', 'London'
       FROM chapters c CROSS JOIN generate_series(1, $1::int) n WHERE c.organisation_id = $2`,
    [EVENTS_PER_CHAPTER, org.id],
  );
  await s.sql.query(
    `WITH sizes AS (SELECT id, floor(random() * ($1::int + 1))::int AS n FROM events)
     INSERT INTO attendances (event_id, name, email, status)
     SELECT sizes.id, 'Guest ' || g, 'guest-' || g || '@example.org', 'GOING' FROM sizes CROSS JOIN generate_series(1, sizes.n) g`,
    [MAX_ATTENDANCES],
  );
  // The member is going to every fourth event.
  await s.sql.query(
    `INSERT INTO attendances (event_id, user_id, name, email, status)
     SELECT id, $1, 'Bench Member', 'bench-member@example.org', 'GOING' FROM events WHERE random() < 0.25`,
    [memberId],
  );
  // Every chapter has a PUBLIC and a CHAPTER reading list of three items each; every event studies all six (study sessions).
  const studied = await s.sql.query(`SELECT to_regclass('event_reading_list_items') IS NOT NULL AS present`);
  if (studied.rows[0].present) {
    await s.sql.query(
      `INSERT INTO reading_lists (chapter_id, organisation_id, title, visibility, item_count)
       SELECT c.id, c.organisation_id, v || ' reading of ' || c.name, v, 3 FROM chapters c CROSS JOIN unnest(ARRAY['PUBLIC', 'CHAPTER']) v WHERE c.organisation_id = $1`,
      [org.id],
    );
    await s.sql.query(
      `INSERT INTO reading_list_items (list_id, position, kind, title, authors, discussion_questions)
       SELECT l.id, n, 'BOOK', 'Book ' || n, ARRAY['Eduardo Galeano'], ARRAY['Why?', 'What next?'] FROM reading_lists l CROSS JOIN generate_series(1, 3) n WHERE l.organisation_id = $1`,
      [org.id],
    );
    await s.sql.query(
      `INSERT INTO event_reading_list_items (event_id, item_id)
       SELECT e.id, i.id FROM events e JOIN reading_lists l ON l.chapter_id = e.chapter_id JOIN reading_list_items i ON i.list_id = l.id WHERE e.organisation_id = $1`,
      [org.id],
    );
  }
  await s.sql.query(`UPDATE events e SET going_count = (SELECT count(*) FROM attendances a WHERE a.event_id = e.id AND a.status = 'GOING')`);
  await s.sql.query('ANALYZE');
  return { token: member.register.accessToken, chapterIds };
}

export async function eventsBenchmark(s: BenchServer, durationSeconds: number): Promise<void> {
  console.log('\n## Chapter page with events (member)');
  const started = Date.now();
  const { token, chapterIds } = await seed(s);
  const [{ n: attendances }] = (await s.sql.query('SELECT count(*)::int AS n FROM attendances')).rows;
  console.log(`seeded ${CHAPTERS} chapters × ${EVENTS_PER_CHAPTER} events, ${attendances} attendances in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const chapterType = s.app.get(GraphQLSchemaHost).schema.getType('Chapter') as GraphQLObjectType;
  const withPetitions = Boolean(chapterType.getFields().petitions);
  if (!withPetitions) console.log('(Chapter.petitions is not in the schema yet: the page is measured without it)');
  const eventType = s.app.get(GraphQLSchemaHost).schema.getType('Event') as GraphQLObjectType;
  const withStudyItems = Boolean(eventType.getFields().readingListItems);
  const query = pageQuery(withPetitions, withStudyItems && !process.env.BENCH_NO_STUDY);

  for (const first of [5, 20]) {
    const id = chapterIds[0];
    const data = await s.gql(query, { id, first }, token); // warm the loaders' code paths
    const statements = await countStatements(() => s.gql(query, { id, first }, token));
    console.log(`SQL statements per request, events(first: ${first}): ${statements} (${data.chapter.events.edges.length} events on the page)`);
  }

  for (const processes of benchProcesses()) {
    const server = await startServerProcess(s, processes);
    try {
      const result = await runLoad({ url: server.url, connections: 50, durationSeconds, token, query, variables: chapterIds.map((id) => ({ id, first: 20 })) });
      printLoad(`chapter page, events(first: 20), ${processes} server process(es), 50 connections, ${durationSeconds} s`, result);
    } finally {
      await server.stop();
    }
  }
}
