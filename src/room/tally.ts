/**
 * @module
 * Aggregation for what a whole class does at once (question votes, poll choices): a change only
 * marks what changed, and the room sends one frame for everything marked, at most once per
 * `LIMITS.tallyIntervalMs`. 300 votes in two seconds are then about eight frames per socket, not
 * 300. The first change after a quiet spell goes out on the next turn (a lone vote shows at
 * once); the counts themselves are in storage, so a lost timer (the room evicted) loses a
 * frame, never a vote: a welcome or the next change carries them.
 */
import { LIMITS } from "../protocol";

/** How a room makes its tallies (`ChatRoom.newTally`): the one seam the bench's naive room uses. */
export type TallyFactory = <K>(flush: (changed: ReadonlySet<K>) => void) => Tally<K>;

export class Tally<K> {
  private dirty = new Set<K>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sentAt = Number.NEGATIVE_INFINITY;

  /** `flush` gets what changed since the last flush (never empty). */
  constructor(
    private readonly flush: (changed: ReadonlySet<K>) => void,
    private readonly intervalMs = LIMITS.tallyIntervalMs,
  ) {}

  /** Notes a change of `key`; the frame goes when the interval since the last one allows. */
  mark(key: K, now = Date.now()): void {
    this.dirty.add(key);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.send(), Math.max(0, this.sentAt + this.intervalMs - now));
  }

  /** Drops what is marked and not yet sent (the room cleared, or the poll closed and said it all). */
  forget(keys?: Iterable<K>): void {
    if (keys === undefined) this.dirty.clear();
    else for (const k of keys) this.dirty.delete(k);
  }

  private send(): void {
    this.timer = null;
    if (this.dirty.size === 0) return;
    const changed = this.dirty;
    this.dirty = new Set();
    this.sentAt = Date.now();
    this.flush(changed);
  }
}
