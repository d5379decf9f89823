/**
 * @module
 * Watchers over HTTP (`/poll/:room/~watch`): the race's long-polling and polling lanes. A watcher
 * reads the room's feed like a poller but is not a user: no name, no presence, no row in storage.
 * It lives in memory only (a room that restarts forgets it, and its next poll, with a cursor the
 * new feed does not know, is welcomed anew), and leaves `POLL_TIMEOUT_SECONDS` after its last
 * answer unless a poll of it is held (an open stream, `/sse/:room/~watch`, is answered at every
 * write). Each is named by its `session` (one per lane).
 */
import type { PollEndCode } from "../protocol";
import type { HeldOutcome } from "./pollers";

export interface HttpWatcher {
  session: string;
  /** The room's key hash it was let in with: it is ended when the room's key changes. */
  keyHash: string;
  answeredAt: number;
}

export class Watchers {
  private readonly watchers = new Map<string, HttpWatcher>();
  private readonly held = new Map<string, (outcome: HeldOutcome) => void>();

  constructor(
    private readonly timeoutMs: () => number,
    /** A watcher left (`end`: why, when it was ended): its stream, if any, ends too. */
    private readonly gone: (session: string, end: PollEndCode | null) => void = () => {},
  ) {}

  get(session: string): HttpWatcher | null {
    return this.watchers.get(session) ?? null;
  }

  add(w: HttpWatcher): void {
    this.watchers.set(w.session, w);
  }

  answered(session: string, at: number): void {
    const w = this.watchers.get(session);
    if (w !== undefined) w.answeredAt = at;
  }

  /** The watchers still here at `now` (the quiet ones, with no poll held, are let go first). */
  count(now: number): number {
    for (const [session, w] of this.watchers)
      if (now - w.answeredAt > this.timeoutMs() && !this.held.has(session)) {
        this.watchers.delete(session);
        this.gone(session, null);
      }
    return this.watchers.size;
  }

  get size(): number {
    return this.watchers.size;
  }

  /** Ends every watcher let in with another key than `current` (given up, reclaimed). */
  endOthers(current: string | null): void {
    for (const [session, w] of this.watchers) if (w.keyHash !== current) this.remove(session, "host_key_invalid");
  }

  remove(session: string, end: PollEndCode): void {
    this.watchers.delete(session);
    const answer = this.held.get(session);
    this.held.delete(session);
    answer?.({ end });
    this.gone(session, end);
  }

  /** Holds a poll until `wake` or the end; a newer poll of the same watcher answers the older one. */
  hold(session: string, answer: (outcome: HeldOutcome) => void): () => void {
    this.held.get(session)?.({ read: true });
    this.held.set(session, answer);
    return () => {
      if (this.held.get(session) === answer) this.held.delete(session);
    };
  }

  isHeld(session: string): boolean {
    return this.held.has(session);
  }

  wake(): void {
    const all = [...this.held.values()];
    this.held.clear();
    for (const answer of all) answer({ read: true });
  }
}
