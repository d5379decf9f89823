/**
 * @module
 * The room's limits per person, in memory: each name's message bucket (shared by its tabs and
 * transports, so a reconnect does not refill it), a watcher socket's own bucket, each socket's
 * ack allowance, each name's last relayed typing, and the room's join bucket. Losing all of it
 * to a hibernation only refills buckets (the README says so). Never per IP: a class shares one NAT.
 */
import type { RoomConfig } from "../config";
import { LIMITS } from "../protocol";
import { TokenBucket } from "./rate-limit";

export class RoomLimits {
  /** Message buckets by name key; pruned once the name is gone and its bucket full again. */
  private readonly buckets = new Map<string, TokenBucket>();
  /** The projector's watchers are no name: each socket has its own bucket. */
  private readonly watcherBuckets = new WeakMap<WebSocket, TokenBucket>();
  private readonly ackBuckets = new WeakMap<WebSocket, TokenBucket>();
  /** When each name last had a typing frame relayed; pruned once that is older than the interval. */
  private readonly typedAt = new Map<string, number>();
  /** New (session, name) pairs admitted for the whole room: `JOIN_BURST`, refilled at `JOIN_PER_SECOND`. */
  readonly joins: TokenBucket;

  constructor(private readonly config: RoomConfig) {
    this.joins = new TokenBucket(config.joinPerSecond, config.joinBurst, Date.now());
  }

  /** An ack spends no message token while the socket has ack allowance left (`acksPerSecond`). */
  ackAllowed(ws: WebSocket, now: number): boolean {
    let bucket = this.ackBuckets.get(ws);
    if (bucket === undefined) {
      bucket = new TokenBucket(LIMITS.acksPerSecond, LIMITS.acksPerSecond, now);
      this.ackBuckets.set(ws, bucket);
    }
    return bucket.take(now);
  }

  /** The name's message bucket, or a watcher socket's own. */
  bucketOf(key: string, watcher: WebSocket | null, now: number): TokenBucket {
    let bucket = watcher === null ? this.buckets.get(key) : this.watcherBuckets.get(watcher);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.config.ratePerSecond, this.config.rateBurst, now);
      if (watcher === null) this.buckets.set(key, bucket);
      else this.watcherBuckets.set(watcher, bucket);
    }
    return bucket;
  }

  /** True (and noted) when the name's typing may be relayed: once per `typingIntervalMs`. */
  mayRelayTyping(key: string, now: number): boolean {
    if (now - (this.typedAt.get(key) ?? Number.NEGATIVE_INFINITY) < LIMITS.typingIntervalMs) return false;
    this.typedAt.set(key, now);
    return true;
  }

  /**
   * Forgets what no longer holds anything back: a name not `inRoom` whose bucket is full again
   * starts the same with a new one. `key`: only that name (it just left); without it, every name.
   */
  prune(now: number, inRoom: ReadonlySet<string>, key?: string): void {
    for (const k of key === undefined ? [...this.buckets.keys()] : [key]) {
      if (!inRoom.has(k) && this.buckets.get(k)?.isFull(now)) this.buckets.delete(k);
    }
    for (const k of key === undefined ? [...this.typedAt.keys()] : [key]) {
      if (now - (this.typedAt.get(k) ?? now) >= LIMITS.typingIntervalMs) this.typedAt.delete(k);
    }
  }

  /** How many names are held (for a test that the maps stay bounded). */
  get namesHeld(): { buckets: number; typedAt: number } {
    return { buckets: this.buckets.size, typedAt: this.typedAt.size };
  }
}
