import { RestartBackoff } from '../src/common/lifecycle/restart-backoff';

describe('worker restart backoff', () => {
  it('doubles the delay while workers keep dying soon after starting, up to the maximum', () => {
    const backoff = new RestartBackoff(250, 30_000, 60_000);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => backoff.next(100))).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('starts again from the first delay once a worker stayed up long enough', () => {
    const backoff = new RestartBackoff(250, 30_000, 60_000);
    backoff.next(10);
    backoff.next(10);
    expect(backoff.next(59_999)).toBe(1000);
    expect(backoff.next(60_000)).toBe(250);
    expect(backoff.next(5)).toBe(500);
  });
});
