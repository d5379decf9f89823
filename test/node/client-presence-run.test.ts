/** The presence run's line (src/client/presence-run.ts): one line for a run of joins and leaves, in both languages. */
import { describe, expect, it } from "vitest";
import { I18n } from "../../src/client/i18n";
import { describeRun, type Piece, PresenceRun } from "../../src/client/presence-run";

const en = new I18n("en");
const fa = new I18n("fa");
/** The line as read, names in [brackets] (the view puts each in its own `<bdi>`). */
const read = (pieces: Piece[]) => pieces.map((p) => (typeof p === "string" ? p : `[${p.name}]`)).join("");
const run = (...diffs: [string[], string[]][]) => {
  const r = new PresenceRun();
  for (const [joined, left] of diffs) r.add(joined, left);
  return r;
};
const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `S${from + i}`);

describe("a presence run, said in one line", () => {
  it("names one, two or three who joined, then two and a count", () => {
    expect(read(describeRun(run([["Sara"], []]), en))).toBe("[Sara] joined");
    expect(read(describeRun(run([["Sara"], []], [["Omid"], []]), en))).toBe("[Sara] and [Omid] joined");
    expect(read(describeRun(run([["Sara", "Omid", "Reza"], []]), en))).toBe("[Sara], [Omid] and [Reza] joined");
    expect(read(describeRun(run([["Sara", "Omid", ...names(10)], []]), en))).toBe(
      "[Sara], [Omid] and 10 others joined",
    );
  });

  it("names one or two who left, then only counts them", () => {
    expect(read(describeRun(run([[], ["Sara"]]), en))).toBe("[Sara] left");
    expect(read(describeRun(run([[], ["Sara", "Omid"]]), en))).toBe("[Sara] and [Omid] left");
    expect(read(describeRun(run([[], names(3)]), en))).toBe("3 left");
  });

  it("puts joins and leaves in one line, one name each", () => {
    const r = run([["Sara", ...names(4)], []], [[], names(3, 10)]);
    expect(read(describeRun(r, en))).toBe("[Sara] and 4 others joined · 3 left");
    expect(read(describeRun(run([["Sara"], ["Omid"]]), en))).toBe("[Sara] joined · [Omid] left");
    expect(
      read(
        describeRun(
          run([
            ["Sara", "Ali"],
            ["Omid", "Reza"],
          ]),
          en,
        ),
      ),
    ).toBe("[Sara] and [Ali] joined · 2 left");
  });

  it("keeps the net change: joined then left (or left then back) is in neither part", () => {
    const r = run([["Sara", "Omid"], []], [[], ["sara"]]);
    expect(read(describeRun(r, en))).toBe("[Omid] joined");
    r.add([], ["Omid"]);
    expect(r.empty).toBe(true);
    const back = run([[], ["Reza"]], [["Reza"], []], [["Ali"], []]);
    expect(read(describeRun(back, en))).toBe("[Ali] joined");
    // A reconnect's takeover in one frame: left and joined again, no change.
    expect(run([["Nima"], ["Nima"]]).empty).toBe(true);
  });

  it("speaks Persian: «،» and «و», its verbs' plural, its digits", () => {
    expect(read(describeRun(run([["سارا"], []]), fa))).toBe("[سارا] وارد شد");
    expect(read(describeRun(run([["سارا", "امید"], []]), fa))).toBe("[سارا] و [امید] وارد شدند");
    expect(read(describeRun(run([["سارا", "امید", "رضا"], []]), fa))).toBe("[سارا]، [امید] و [رضا] وارد شدند");
    expect(read(describeRun(run([["سارا", "امید", ...names(10)], []]), fa))).toBe(
      "[سارا]، [امید] و ۱۰ نفر دیگر وارد شدند",
    );
    expect(read(describeRun(run([[], ["مریم 3"]]), fa))).toBe("[مریم 3] خارج شد");
    expect(read(describeRun(run([["سارا", ...names(4)], names(3, 10)]), fa))).toBe(
      "[سارا] و ۴ نفر دیگر وارد شدند · ۳ نفر خارج شدند",
    );
  });
});
