import { Client } from 'pg';

/** A raw PostgreSQL client of a test: for looking at rows or arranging what the API cannot. */
export type DbClient = Client;

/** A connected client on `url`; the caller ends it (`await db.end()`), e.g. in afterAll. */
export async function dbClient(url: string): Promise<DbClient> {
  const db = new Client({ connectionString: url });
  await db.connect();
  return db;
}

/** Runs `fn` with a client on `url` and ends the client afterwards, whatever happens. */
export async function withDb<T>(url: string, fn: (db: DbClient) => Promise<T>): Promise<T> {
  const db = await dbClient(url);
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}
