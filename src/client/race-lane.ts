/**
 * @module
 * One lane of the race: what one transport delivered, counted by the page itself from the
 * lane's start and never reset (Resource Timing stops recording after 250 entries; these
 * counters do not). A lane is fed by its wire (race-wires.ts): a tick per HTTP request or
 * WebSocket frame, bytes each way (measured, or estimated), the frames it read, and whether it is
 * broken. Delays are on the room's clock: arrival − the message's `ts`, corrected by the
 * clock offset the welcomes give (`now`).
 */
import type { ServerFrame } from "../protocol";

/** The strip shows this much time. */
export const STRIP_MS = 60_000;
/** Seqs a lane remembers, to compare the lanes' order (a class hour has far fewer messages). */
const SEQS_KEPT = 5000;

/** The room's clock as the page best knows it: shared by the lanes, the least-delayed welcome wins. */
export class RoomClock {
  private offset: number | null = null;
  /** A welcome's `now`, read at `arrival` (local ms). */
  saw(now: number, arrival: number): void {
    const offset = now - arrival;
    if (this.offset === null || offset > this.offset) this.offset = offset;
  }
  get offsetMs(): number {
    return this.offset ?? 0;
  }
}

export interface StripEvent {
  at: number;
  /** null: a tick (a request or a frame); else a message's delay. */
  delayMs: number | null;
}

export class LaneCounts {
  requests = 0;
  frames = 0;
  up = 0;
  upEstimated = 0;
  down = 0;
  downEstimated = 0;
  messages = 0;
  /** Sorted, for the median. */
  readonly delays: number[] = [];
  maxDelay = 0;
  /** Delivered seqs, in arrival order. */
  readonly seqs: number[] = [];
  readonly seen = new Set<number>();
  /** Messages that came after a later one (never, if the room keeps its promise). */
  outOfOrder = 0;
  /** The last seq this lane has: messages after it are new. Null before its first welcome. */
  lastSeq: number | null = null;
  /** The first seq the lane could have delivered (the room's seq at its first welcome). */
  firstSeq: number | null = null;
  /** A broken lane's reason, and whether it will try again. */
  broken: { why: string; final: boolean } | null = null;
  readonly events: StripEvent[] = [];

  get p50(): number | null {
    return this.delays.length === 0 ? null : this.delays[Math.floor((this.delays.length - 1) / 2)]!;
  }
}

export class Lane {
  readonly counts = new LaneCounts();
  /** Called after every change (the view redraws on its own clock; this updates what tests read). */
  onChange: () => void = () => {};

  constructor(
    readonly kind: string,
    private readonly clock: RoomClock,
  ) {}

  /** One HTTP request, or one WebSocket frame. */
  tick(at: number, http: boolean): void {
    if (http) this.counts.requests++;
    else this.counts.frames++;
    this.event({ at, delayMs: null });
  }

  bytes(dir: "up" | "down", n: number, estimated: boolean): void {
    const c = this.counts;
    if (dir === "up") {
      c.up += n;
      if (estimated) c.upEstimated += n;
    } else {
      c.down += n;
      if (estimated) c.downEstimated += n;
    }
    this.onChange();
  }

  /** Frames as the lane read them, at `at` (local ms). */
  frames(list: ServerFrame[], at: number): void {
    const c = this.counts;
    for (const f of list) {
      if (f.type === "welcome") {
        this.clock.saw(f.now, at);
        if (c.lastSeq === null) {
          c.lastSeq = f.seq;
          c.firstSeq = f.seq;
        }
        // A welcome after a break resumes: what it missed comes now, late.
        else for (const m of f.history) if (m.seq > (c.firstSeq ?? 0)) this.message(m.seq, m.ts, at);
      } else if (f.type === "message" && c.lastSeq !== null) this.message(f.seq, f.ts, at);
    }
    this.onChange();
  }

  broke(why: string | null, final = false): void {
    this.counts.broken = why === null ? null : { why, final };
    this.onChange();
  }

  private message(seq: number, ts: number, at: number): void {
    const c = this.counts;
    if (c.seen.has(seq)) return;
    if (seq < (c.lastSeq ?? 0)) c.outOfOrder++;
    c.lastSeq = Math.max(c.lastSeq ?? 0, seq);
    c.seen.add(seq);
    c.seqs.push(seq);
    if (c.seqs.length > SEQS_KEPT) c.seen.delete(c.seqs.shift()!);
    c.messages++;
    const delay = Math.max(0, at + this.clock.offsetMs - ts);
    c.maxDelay = Math.max(c.maxDelay, delay);
    // Sorted insert: a class hour is a few thousand messages at most.
    let lo = 0;
    let hi = c.delays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c.delays[mid]! < delay) lo = mid + 1;
      else hi = mid;
    }
    c.delays.splice(lo, 0, delay);
    if (c.delays.length > SEQS_KEPT) c.delays.splice(c.delays.length >> 1, 1);
    this.event({ at, delayMs: delay });
  }

  private event(e: StripEvent): void {
    const list = this.counts.events;
    list.push(e);
    while (list.length > 0 && list[0]!.at < e.at - STRIP_MS) list.shift();
    this.onChange();
  }
}
