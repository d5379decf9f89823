/**
 * @module
 * A token bucket: the room keeps one per name for messages, one per socket for acks and one for
 * its joins (never one per IP: a whole class sits behind one NAT). They live in memory only: a
 * room that wakes from hibernation starts with full buckets, which is harmless.
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
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket holds its whole burst again: a new one would be the same. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  /** How long until the next token, in whole ms (0 when one is there). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((Math.max(now, this.updatedAt) - this.updatedAt) / 1000) * this.perSecond,
    );
    this.updatedAt = Math.max(now, this.updatedAt);
  }

  /** True at most once per `intervalMs`: whether a dropped frame should be reported. */
  shouldReport(now: number, intervalMs: number): boolean {
    if (now - this.lastRefusalAt < intervalMs) return false;
    this.lastRefusalAt = now;
    return true;
  }
}
