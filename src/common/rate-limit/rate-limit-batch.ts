/** The arithmetic of one batch of rate-limit hits, apart from the database round trip that spends them. */

export interface Limit {
  /** Names the counter, e.g. `login-ip`. */
  name: string;
  points: number;
  durationSeconds: number;
}

export interface Hit {
  limit: Limit;
  key: string;
}

export interface Spent {
  /** Points spent in the window, this hit included. */
  spent: number;
  msBeforeReset: number;
}

/** The points a batch adds to each counter row, in the order the rows are written. */
export interface BatchTotals {
  /** Counter rows (`<limit name>:<key>`), sorted so concurrent batches lock rows in the same order. */
  keys: string[];
  /** One point per hit of the row. */
  points: number[];
  /** The window of a new row, in seconds: the first hit's limit decides. */
  durations: number[];
}

/** A counter row as the spend statement returns it: total points after the batch, ms before the window ends. */
export interface SpentRow {
  key: string;
  points: number;
  ms_left: number;
}

/** The counter row a hit counts against. */
export function counterKey(hit: Hit): string {
  return `${hit.limit.name}:${hit.key}`;
}

/** One point per hit, summed per counter row. */
export function batchTotals(hits: readonly Hit[]): BatchTotals {
  const totals = new Map<string, { points: number; duration: number }>();
  for (const hit of hits) {
    const row = totals.get(counterKey(hit)) ?? { points: 0, duration: hit.limit.durationSeconds };
    row.points += 1;
    totals.set(counterKey(hit), row);
  }
  const keys = [...totals.keys()].sort();
  return { keys, points: keys.map((k) => totals.get(k)!.points), durations: keys.map((k) => totals.get(k)!.duration) };
}

/**
 * What each hit has spent, in the order of `hits`: within one counter row, hits are ranked in arrival
 * order after what was spent before this batch. Never less than 1 ms before the reset.
 */
export function spentPerHit(hits: readonly Hit[], batch: BatchTotals, rows: readonly SpentRow[]): Spent[] {
  const added = new Map(batch.keys.map((k, i) => [k, batch.points[i]]));
  const before = new Map(rows.map((r) => [r.key, { spent: r.points - added.get(r.key)!, msLeft: r.ms_left }]));
  return hits.map((hit) => {
    const row = before.get(counterKey(hit))!;
    row.spent += 1;
    return { spent: row.spent, msBeforeReset: Math.max(1, row.msLeft) };
  });
}
