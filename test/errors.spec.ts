import { Client } from 'pg';
import { startTestApp, TestApp } from './support/test-app';

describe('unexpected errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    // Break this file's own database so that a query fails inside PostgreSQL.
    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await db.query('ALTER TABLE organisations RENAME TO organisations_gone');
    await db.end();
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
