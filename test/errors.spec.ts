import { withDb } from './support/db';
import { startTestApp, TestApp } from './support/test-app';

describe('unexpected errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // Break this file's own database so that a query fails inside PostgreSQL.
    await withDb(t.databaseUrl, (db) => db.query('ALTER TABLE organisations RENAME TO organisations_gone'));
  });
  afterAll(() => t.close());

  it('answer INTERNAL_SERVER_ERROR with no SQL, stack or driver detail', async () => {
    const res = await t.gql('{ organisations { totalCount } me { id } }');
    expect(res.status).toBe(200);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toEqual({
      message: 'Internal server error',
      path: ['organisations'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(res.data).toEqual(null);
    expect(JSON.stringify(res)).not.toMatch(/organisations_gone|relation|SELECT|stack/i);
  });

  it('leave plain HTTP routes answering', async () => {
    const live = await fetch(`${t.url}/health/live`);
    expect(live.status).toBe(200);
  });
});
