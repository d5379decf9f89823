/**
 * @module
 * The timeline: which messages a view shows, each `seq` once and in order, and the point a
 * reconnect resumes from (`since`). Pure logic, tested without a DOM; the chat and the projector
 * each keep one.
 */
import type { HistoryEntry, WelcomeFrame } from "../protocol";

export type Verdict = "show" | "duplicate" | "gap";

export interface WelcomeResult {
  /** History to show, oldest first, without what is already shown. */
  show: HistoryEntry[];
  /** Some messages after the last shown one are gone for good (the room said `gap`). */
  gap: boolean;
  /** Another life of the room's storage (a new epoch): the old seqs mean nothing. */
  reset: boolean;
}

/**
 * Which messages a view shows: each `seq` once, in order. A message whose `seq` jumps past the
 * next expected one means frames were lost, so the view resumes (`since=last`) instead of
 * showing it.
 */
export class Timeline {
  /** The highest seq shown (or skipped on purpose as older history): what `since` sends. */
  private last = 0;
  /** True once a welcome arrived: before that there is nothing to resume from. */
  private started = false;
  /** The room's life (`welcome.epoch`) that `last` counts in: a resume passes it back. */
  epoch: string | undefined;

  /** The `since` to reconnect with, or undefined for a first join (recent history). */
  get since(): number | undefined {
    return this.started ? this.last : undefined;
  }

  /** Takes a welcome's history; afterwards everything up to `welcome.seq` counts as seen. */
  welcome(w: Pick<WelcomeFrame, "seq" | "history" | "gap" | "reset"> & { epoch?: string }): WelcomeResult {
    // The room says `reset` when a resume carried an old epoch; a view that resumes without
    // one (the projector) sees the epoch change, or the counter go backwards.
    const reset = this.started && (w.reset === true || w.epoch !== this.epoch || w.seq < this.last);
    this.epoch = w.epoch;
    if (reset) this.last = 0;
    const show = w.history.filter((m) => !this.started || reset || m.seq > this.last);
    const gap = w.gap === true;
    this.last = Math.max(this.last, w.seq, ...show.map((m) => m.seq));
    this.started = true;
    return { show, gap, reset };
  }

  /**
   * A live entry of the history (a message, or a closed poll's result: both take a seq): shown
   * when it is the next one, a duplicate when already shown.
   */
  accept(m: Pick<HistoryEntry, "seq">): Verdict {
    if (m.seq <= this.last) return "duplicate";
    if (m.seq > this.last + 1) return "gap";
    this.last = m.seq;
    return "show";
  }
}
