/**
 * @module
 * What the vote-storm bench (bench/storm-watch.ts) takes for "this socket shows the final tally":
 * counts merged as the page merges them, the moment they first equal the tally, and what counts
 * as a payload, a frame and an error.
 */
import { describe, expect, it } from "vitest";
import { StormWatch } from "../../bench/storm-watch";
import type { ServerFrame } from "../../src/protocol";

const survey = (id: string, counts: number[]): ServerFrame => ({
  type: "survey",
  id,
  question: "q",
  options: counts.map((_, i) => `o${i}`),
  open: true,
  counts,
});

describe("StormWatch", () => {
  it("a poll: each survey frame of that poll replaces the counts; final at the first that equals the tally", () => {
    const w = new StormWatch({ kind: "survey", survey: "p1", final: [2, 1] });
    w.frame(survey("p1", [1, 0]), 10);
    w.frame(survey("other", [2, 1]), 20);
    expect(w.finalAt).toBeNull();
    w.frame(survey("p1", [2, 1]), 30);
    w.frame(survey("p1", [2, 1]), 40);
    expect(w.finalAt).toBe(30);
    expect(w.frames).toBe(4);
  });

  it("questions: a votes frame updates only the questions it names", () => {
    const w = new StormWatch({ kind: "questions", seqs: [7, 9], final: [3, 2] });
    w.frame({ type: "votes", counts: { "7": 3 } }, 10);
    expect(w.finalAt).toBeNull();
    w.frame({ type: "votes", counts: { "9": 2, "12": 5 } }, 20);
    expect(w.finalAt).toBe(20);
  });

  it("counts payloads and their bytes, and error frames apart", () => {
    const w = new StormWatch({ kind: "survey", survey: "p1", final: [1] });
    w.payload(100);
    w.payload(50);
    w.frame({ type: "error", code: "survey_closed", message: "closed" }, 5);
    expect(w.result("c1", false)).toEqual({
      name: "c1",
      host: false,
      payloads: 2,
      frames: 1,
      bytes: 150,
      errors: 1,
      finalAt: null,
    });
  });
});
