/**
 * @module
 * Which messages the page shows: each `seq` once, in order. A message whose `seq` jumps past
 * the next expected one means frames were lost, so the caller resumes (`since=last`) instead of
 * showing it. Pure logic, no DOM.
 */
import type { ChatMessage, WelcomeFrame } from "../protocol";

export type Verdict = "show" | "duplicate" | "gap";

export interface WelcomeResult {
  /** History to show, oldest first, without what is already shown. */
  show: ChatMessage[];
  /** Some messages after the last shown one are gone for good (the server said `gap`). */
  gap: boolean;
  /** The room's counter went backwards: its storage was reset, the old seqs mean nothing. */
  reset: boolean;
}

export class Timeline {
  /** The highest seq shown (or skipped on purpose as older history): what `since` sends. */
  last = 0;
  /** True once a welcome arrived: before that there is nothing to resume from. */
  started = false;

  /** The `since` to reconnect with, or undefined for a first join (recent history). */
  get since(): number | undefined {
    return this.started ? this.last : undefined;
  }

  /** Takes a welcome's history; afterwards everything up to `welcome.seq` counts as seen. */
  welcome(w: Pick<WelcomeFrame, "seq" | "history" | "gap">): WelcomeResult {
    const reset = this.started && w.seq < this.last;
    if (reset) this.last = 0;
    const show = w.history.filter((m) => !this.started || reset || m.seq > this.last);
    const gap = w.gap === true;
    this.last = Math.max(this.last, w.seq, ...show.map((m) => m.seq));
    this.started = true;
    return { show, gap, reset };
  }

  /** A live message: shown when it is the next one, a duplicate when already shown. */
  accept(m: Pick<ChatMessage, "seq">): Verdict {
    if (m.seq <= this.last) return "duplicate";
    if (m.seq > this.last + 1) return "gap";
    this.last = m.seq;
    return "show";
  }
}
