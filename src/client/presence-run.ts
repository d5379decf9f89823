/**
 * @module
 * A presence run: the joins and leaves that come with no other line of the log between them,
 * summed up as one line that changes in place ("Sara, Omid and 10 others joined · 3 left").
 * The run keeps the net change: someone who joins and leaves within one run (or leaves and comes
 * back) is in neither part, as the online list would show it. Pure, tested without a DOM.
 */
import { foldName } from "../protocol";
import type { I18n } from "./i18n";

/** Text, or a name (which the view isolates in its own `<bdi>`). */
export type Piece = string | { name: string };

export class PresenceRun {
  /** Net arrivals and departures since the run began, by folded name, oldest first. */
  readonly joined = new Map<string, string>();
  readonly left = new Map<string, string>();

  /** One presence diff, `left` first (as the room sends it and the online list applies it). */
  add(joined: readonly string[], left: readonly string[]): void {
    for (const name of left) {
      const key = foldName(name);
      if (!this.joined.delete(key)) this.left.set(key, name);
    }
    for (const name of joined) {
      const key = foldName(name);
      if (!this.left.delete(key)) this.joined.set(key, name);
    }
  }

  get empty(): boolean {
    return this.joined.size === 0 && this.left.size === 0;
  }
}

/**
 * The run's line. A part alone names up to two people, one beside the other part; arrivals
 * beyond that are "N others" (three are all named rather than "and 1 other"), departures beyond
 * it only a count: who came is what a teacher greets.
 */
export function describeRun(run: PresenceRun, i18n: I18n): Piece[] {
  const both = run.joined.size > 0 && run.left.size > 0;
  const shown = both ? 1 : 2;
  const parts: Piece[][] = [];
  if (run.joined.size > 0) parts.push(part([...run.joined.values()], shown, "joined", i18n));
  if (run.left.size > 0) parts.push(part([...run.left.values()], shown, "left", i18n));
  return parts.flatMap((p, i) => (i === 0 ? p : [" · ", ...p]));
}

function part(names: string[], shown: number, verb: "joined" | "left", i18n: I18n): Piece[] {
  const n = names.length;
  let items: Piece[];
  if (n <= shown || (verb === "joined" && n === shown + 1)) items = names.map((name) => ({ name }));
  else if (verb === "joined")
    items = [...names.slice(0, shown).map((name) => ({ name })), i18n.t("others", { n: n - shown })];
  else items = [i18n.t("people", { n })];
  const template = i18n.raw(n === 1 ? verb : verb === "joined" ? "joinedMany" : "leftMany");
  const [before = "", after = ""] = template.split(/\{\w+\}/);
  return [before, ...listOf(items, i18n.lang === "fa"), after].filter((p) => p !== "");
}

/** "a, b and c", or in Persian «a، b و c». */
function listOf(items: Piece[], fa: boolean): Piece[] {
  return items.flatMap((item, i) =>
    i === 0 ? [item] : [i === items.length - 1 ? (fa ? " و " : " and ") : fa ? "، " : ", ", item],
  );
}
