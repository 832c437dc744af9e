/**
 * How long to wait before replacing a worker that died: `firstMs`, doubling with each death up to
 * `maxMs`, and back to `firstMs` once a worker had stayed up `stableAfterMs` before dying. A fault
 * every worker shares (a bad deployment, a missing secret) then costs a slow retry, not a fork loop.
 */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 30_000,
    private readonly stableAfterMs = 60_000,
  ) {}

  /** The delay before replacing a worker that ran for `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.stableAfterMs) this.failures = 0;
    const delay = Math.min(this.firstMs * 2 ** this.failures, this.maxMs);
    this.failures++;
    return delay;
  }
}
