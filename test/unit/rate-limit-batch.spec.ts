import { batchTotals, counterKey, Hit, Limit, spentPerHit } from '../../src/common/rate-limit/rate-limit-batch';

const perMinute: Limit = { name: 'sign-ip-minute', points: 3, durationSeconds: 60 };
const perHour: Limit = { name: 'sign-ip-hour', points: 10, durationSeconds: 3600 };
const hit = (limit: Limit, key: string): Hit => ({ limit, key });

describe('rate limit batches', () => {
  it('count each limit and key in a counter of its own', () => {
    expect(counterKey(hit(perMinute, '10.0.0.1'))).toBe('sign-ip-minute:10.0.0.1');
    expect(counterKey(hit(perMinute, '10.0.0.1'))).not.toBe(counterKey(hit(perHour, '10.0.0.1')));
  });

  it('add one point per hit to each counter, counters sorted, each with its limit window', () => {
    const hits = [hit(perMinute, 'b'), hit(perHour, 'a'), hit(perMinute, 'a'), hit(perMinute, 'b'), hit(perMinute, 'b')];
    expect(batchTotals(hits)).toEqual({
      keys: ['sign-ip-hour:a', 'sign-ip-minute:a', 'sign-ip-minute:b'],
      points: [1, 1, 3],
      durations: [3600, 60, 60],
    });
  });

  it('rank the hits of one counter in arrival order after what was spent before the batch', () => {
    const hits = [hit(perMinute, 'b'), hit(perMinute, 'a'), hit(perMinute, 'b'), hit(perMinute, 'b')];
    const batch = batchTotals(hits);
    // After the batch: counter a holds 1 (a fresh window), counter b 7 (4 spent before, 3 now).
    const rows = [
      { key: 'sign-ip-minute:a', points: 1, ms_left: 60_000 },
      { key: 'sign-ip-minute:b', points: 7, ms_left: 12_345 },
    ];
    expect(spentPerHit(hits, batch, rows)).toEqual([
      { spent: 5, msBeforeReset: 12_345 },
      { spent: 1, msBeforeReset: 60_000 },
      { spent: 6, msBeforeReset: 12_345 },
      { spent: 7, msBeforeReset: 12_345 },
    ]);
  });

  it('never report less than 1 ms before the reset (the window may end as the statement runs)', () => {
    const hits = [hit(perMinute, 'a')];
    expect(spentPerHit(hits, batchTotals(hits), [{ key: 'sign-ip-minute:a', points: 4, ms_left: -3 }])).toEqual([{ spent: 4, msBeforeReset: 1 }]);
  });
});
