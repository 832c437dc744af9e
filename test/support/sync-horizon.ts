import type { DbClient } from './db';

/**
 * Resolves once every transaction that began before this call has finished, anywhere in the
 * PostgreSQL cluster: from then on, updatedSince feeds and deletions show everything written before
 * it. (They hold back rows while an older transaction still runs, and other spec files share the cluster.)
 */
export async function syncHorizonPassed(db: DbClient): Promise<void> {
  const [{ xid }] = (await db.query('SELECT pg_current_xact_id()::text::bigint AS xid')).rows;
  for (;;) {
    const [{ passed }] = (await db.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > $1 AS passed', [xid])).rows;
    if (passed) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
