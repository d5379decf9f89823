/**
 * @module
 * The open poll (on the wire `survey`) as a page knows it: its question, options and counts, and
 * this member's choice. Kept from `welcome.survey` (with `mine`) and each `survey` frame; a
 * member's own vote shows at once (its choice marked, the counts moved by one) and the room's
 * next aggregated frame says the true counts. Pure logic, tested without a DOM.
 */
import type { ClientSurveyVote, SurveyFrame } from "../protocol";

export interface OpenSurvey {
  id: string;
  question: string;
  options: string[];
  counts: number[];
  /** The option this member chose (absent: none yet). */
  mine?: number;
}

export class SurveyState {
  /** The open poll, or null when none is open. */
  current: OpenSurvey | null = null;

  /** A welcome's open poll (or none): what the room says replaces what was known, `mine` too. */
  welcome(s: SurveyFrame | undefined): void {
    this.current = s === undefined || !s.open ? null : copy(s, s.mine);
  }

  /**
   * A live `survey` frame: an open one (a new poll, or new counts of this one: our choice stays
   * marked), or the closing one (the poll is over). True when the open poll changed.
   */
  frame(f: SurveyFrame): boolean {
    const now = this.current;
    if (!f.open) {
      if (now?.id !== f.id) return false;
      this.current = null;
      return true;
    }
    this.current = copy(f, now?.id === f.id ? now.mine : undefined);
    return true;
  }

  /**
   * This member chooses `option`: `send` gets the vote, and only when it went (online) does the
   * choice show, at once. False when nothing changed (no poll, the same choice, not sent).
   */
  choose(option: number, send: (f: ClientSurveyVote) => boolean): boolean {
    const s = this.current;
    if (s === null || s.mine === option || option < 0 || option >= s.options.length) return false;
    if (!send({ type: "survey_vote", survey: s.id, option })) return false;
    if (s.mine !== undefined) s.counts[s.mine] = Math.max(0, (s.counts[s.mine] ?? 0) - 1);
    s.counts[option] = (s.counts[option] ?? 0) + 1;
    s.mine = option;
    return true;
  }
}

function copy(f: SurveyFrame, mine: number | undefined): OpenSurvey {
  const s: OpenSurvey = { id: f.id, question: f.question, options: [...f.options], counts: [...f.counts] };
  if (mine !== undefined) s.mine = mine;
  return s;
}

/** How many voted: each voter has one choice. */
export const voters = (counts: readonly number[]): number => counts.reduce((a, b) => a + b, 0);

/**
 * Each option's share in whole percent, summing to 100 (largest remainders get the rounding), so
 * a class never reads 33 + 33 + 33; all zero before anyone voted.
 */
export function shares(counts: readonly number[]): number[] {
  const total = voters(counts);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 100) / total);
  const out = exact.map(Math.floor);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = 100 - out.reduce((a, b) => a + b, 0);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    out[i]!++;
  }
  return out;
}
