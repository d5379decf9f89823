/**
 * @module
 * A latency histogram that merges across processes: 0.05 ms buckets below 100 ms, then 1 ms
 * buckets up to 60 s (later values land in the last bucket; the exact max is kept apart).
 */
const FINE = 2000; // 100 ms / 0.05 ms
const SIZE = FINE + 60_000 + 1;

export class Histogram {
  readonly counts = new Uint32Array(SIZE);
  count = 0;
  max = 0;

  add(ms: number): void {
    const v = Math.max(0, ms);
    const i = v < 100 ? Math.floor(v * 20) : Math.min(SIZE - 1, FINE + Math.floor(v - 100));
    this.counts[i]!++;
    this.count++;
    if (v > this.max) this.max = v;
  }

  /** Non-empty buckets as [index, count], for IPC. */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < SIZE; i++) if (this.counts[i]! > 0) out.push([i, this.counts[i]!]);
    return out;
  }

  merge(entries: [number, number][], max: number): void {
    for (const [i, n] of entries) {
      this.counts[i]! += n;
      this.count += n;
    }
    this.max = Math.max(this.max, max);
  }

  /** The value at quantile q (upper edge of its bucket, capped by the max seen). */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, i < FINE ? (i + 1) / 20 : 100 + (i - FINE + 1));
    }
    return this.max;
  }
}
