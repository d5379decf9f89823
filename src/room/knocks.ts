/**
 * @module
 * The waiting room of a locked room, in memory only (a refused join writes no storage): who
 * knocked, as (session, name) pairs the host sees by name alone, each under an opaque random id.
 * One knock per session (a new name replaces its older knock); a retry of the same pair renews
 * it (same id); it lapses `lapseMs` after its last retry, and at most `max` are kept (the least
 * recently renewed goes). A lapse is found by one timer, armed only while knocks exist, which
 * tells the room (`lapsed`) so that the hosts get the new list then.
 */
import { type Knock, LIMITS, randomId } from "../protocol";

/** A knock as the room keeps it: the pair it would let in, and when it was last renewed. */
export interface Knocker {
  id: string;
  session: string;
  /** The name's key (`nameKey`): the pair `RoomState.admit` takes. */
  key: string;
  /** The name as typed, as the host sees it. */
  name: string;
  /** First knocked (epoch ms). */
  at: number;
  /** Last retried (epoch ms): it lapses `lapseMs` after this. */
  lastAt: number;
}

export class Knocks {
  /** By session; a Map keeps the first knock first. */
  private readonly bySession = new Map<string, Knocker>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Called when knocks lapsed (the list changed without anyone asking). */
    private readonly lapsed: () => void,
    private readonly lapseMs: number = LIMITS.knockLapseMs,
    private readonly max: number = LIMITS.knocksMax,
  ) {}

  /** A locked-out join of `session` as `name`: true when the list the hosts see changed. */
  knock(session: string, key: string, name: string, now: number): boolean {
    const had = this.bySession.get(session);
    if (had !== undefined && had.key === key) {
      had.lastAt = now;
      const renamed = had.name !== name;
      had.name = name;
      this.arm(now);
      return renamed;
    }
    this.bySession.delete(session);
    this.bySession.set(session, { id: randomId(), session, key, name, at: now, lastAt: now });
    while (this.bySession.size > this.max) this.bySession.delete(this.stalest()!.session);
    this.arm(now);
    return true;
  }

  /** Takes a knock out to answer it (let in, refused): null when no knock has that id. */
  take(id: string, now: number): Knocker | null {
    for (const k of this.bySession.values()) {
      if (k.id !== id || now - k.lastAt >= this.lapseMs) continue;
      this.bySession.delete(k.session);
      this.arm(now);
      return k;
    }
    return null;
  }

  /** The pair got in, or withdrew (the waiting page's Cancel): its knock goes. True when the list changed. */
  gotIn(session: string, key: string, now: number): boolean {
    if (this.bySession.get(session)?.key !== key) return false;
    this.bySession.delete(session);
    this.arm(now);
    return true;
  }

  /** The room unlocked: no one needs letting in (a waiting page gets in on its next retry). */
  clear(): boolean {
    if (this.bySession.size === 0) return false;
    this.bySession.clear();
    this.arm(0);
    return true;
  }

  /** What the hosts see: name and first knock, never the session; first knock first. */
  list(): Knock[] {
    return [...this.bySession.values()].map(({ id, name, at }) => ({ id, name, at }));
  }

  /** For tests: every knock as if made and renewed `ms` earlier (the timer looks again now). */
  age(ms: number, now: number): void {
    for (const k of this.bySession.values()) {
      k.at -= ms;
      k.lastAt -= ms;
    }
    this.arm(now);
  }

  /** Forgets the knocks whose time is up; true when any went. */
  private sweep(now: number): boolean {
    let any = false;
    for (const k of [...this.bySession.values()]) {
      if (now - k.lastAt < this.lapseMs) continue;
      this.bySession.delete(k.session);
      any = true;
    }
    return any;
  }

  private stalest(): Knocker | undefined {
    let out: Knocker | undefined;
    for (const k of this.bySession.values()) if (out === undefined || k.lastAt < out.lastAt) out = k;
    return out;
  }

  /** One timer, for the next lapse; none while no one knocks (the room may then hibernate). */
  private arm(now: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.stalest();
    if (next === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const at = Date.now();
        if (this.sweep(at)) this.lapsed();
        this.arm(at);
      },
      Math.max(0, next.lastAt + this.lapseMs - now),
    );
  }
}
