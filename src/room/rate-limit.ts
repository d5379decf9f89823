/**
 * @module
 * A token bucket per connection (not per IP: a whole class sits behind one NAT). It lives in
 * memory only: a room that wakes from hibernation starts with full buckets, which is harmless.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private lastRefusalAt = -Infinity;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Spends one token; false when the bucket is empty. */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True at most once per `intervalMs`: whether a dropped frame should be reported. */
  shouldReport(now: number, intervalMs: number): boolean {
    if (now - this.lastRefusalAt < intervalMs) return false;
    this.lastRefusalAt = now;
    return true;
  }
}
