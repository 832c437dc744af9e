import { Column } from 'typeorm';

/**
 * The id of the transaction that last wrote a row (`pg_current_xact_id()`), set by the
 * `marea_touch_change` trigger together with `updated_at`, never by the application.
 *
 * Incremental sync orders changes by it and only hands out rows whose transaction is older than the
 * oldest one still running (CHANGE_HORIZON_SQL). Every transaction that can still commit has an id at
 * or above that horizon, so a cursor at or below it can never be overtaken by a row committed later
 * with an earlier timestamp; ordering by `updated_at` alone would skip exactly those rows.
 */
export const ChangeXidColumn = (): PropertyDecorator => Column({ type: 'bigint', insert: false, update: false });

/** Transaction ids below this belong to transactions that have all finished (committed or rolled back). */
export const CHANGE_HORIZON_SQL = `(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)`;
