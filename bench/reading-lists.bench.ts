import { BenchServer, countStatements, signUp, printLoad, runLoad, startServerProcess } from './support';

const READ = `query ReadingList($id: ID!) {
  readingList(id: $id) { title itemCount viewerProgress { read reading total } items { position title authors viewerStatus readCount } }
}`;

/** A chapter with a member and other readers, and one list per size whose items some readers have marked. */
async function seed(s: BenchServer, sizes: number[]): Promise<{ token: string; listIds: string[] }> {
  const register = (email: string) => signUp(s, email);
  const admin = await register('lists-admin@example.org');
  const member = await register('lists-member@example.org');
  const token = admin.register.accessToken;
  const org = (await s.gql(`mutation { createOrganisation(input: { name: "Reading group" }) { id } }`, {}, token)).createOrganisation;
  const chapter = (
    await s.gql(
      `mutation($input: CreateChapterInput!) { createChapter(input: $input) { id } }`,
      { input: { organisationId: org.id, name: 'London', timeZone: 'Europe/London' } },
      token,
    )
  ).createChapter;
  await s.sql.query(`INSERT INTO memberships (chapter_id, user_id, role, status) VALUES ($1, $2, 'MEMBER', 'ACTIVE')`, [chapter.id, member.register.user.id]);
  // Fifty other readers, so readCount has something to count.
  await s.sql.query(
    `INSERT INTO users (email, display_name, password_hash) SELECT 'reader-' || g || '@example.org', 'Reader ' || g, 'x' FROM generate_series(1, 50) g`,
  );
  const listIds: string[] = [];
  for (const size of sizes) {
    const list = (
      await s.gql(
        `mutation($input: CreateReadingListInput!) { createReadingList(input: $input) { id } }`,
        { input: { chapterId: chapter.id, title: `${size} books` } },
        token,
      )
    ).createReadingList;
    await s.sql.query(
      `INSERT INTO reading_list_items (list_id, position, kind, title, authors, isbn, year)
       SELECT $1, g, 'BOOK', 'Book ' || g, ARRAY['Author ' || g], '9780306406157', 1970 + g % 50 FROM generate_series(1, $2::int) g`,
      [list.id, size],
    );
    await s.sql.query('UPDATE reading_lists SET item_count = $2 WHERE id = $1', [list.id, size]);
    await s.sql.query(
      `INSERT INTO reading_statuses (user_id, item_id, status)
       SELECT u.id, i.id, (ARRAY['TO_READ', 'READING', 'READ'])[1 + (abs(hashtext(u.id::text || i.id::text)) % 3)]
         FROM users u CROSS JOIN reading_list_items i WHERE i.list_id = $1 AND random() < 0.5`,
      [list.id],
    );
    listIds.push(list.id);
  }
  await s.sql.query('ANALYZE');
  return { token: member.register.accessToken, listIds };
}

export async function readingListBenchmark(s: BenchServer, durationSeconds: number): Promise<void> {
  console.log('\n## Reading list read by a member (viewerStatus and readCount on every item)');
  const sizes = [20, 200];
  const { token, listIds } = await seed(s, sizes);
  for (const [i, size] of sizes.entries()) {
    await s.gql(READ, { id: listIds[i] }, token);
    const statements = await countStatements(() => s.gql(READ, { id: listIds[i] }, token));
    console.log(`SQL statements per request, ${size} items: ${statements}`);
  }
  const server = await startServerProcess(s, 1);
  try {
    const result = await runLoad({ url: server.url, connections: 50, durationSeconds, token, query: READ, variables: [{ id: listIds[1] }] });
    printLoad(`reading list of 200 items, 50 connections, ${durationSeconds} s`, result);
  } finally {
    await server.stop();
  }
}
