import { describe, expect, it } from "vitest";
import type { ChatMessage, SurveyResult } from "../../src/protocol";
import { Timeline } from "../../src/client/timeline";

const msg = (seq: number): ChatMessage => ({
  type: "message",
  seq,
  ts: seq * 1000,
  from: "Sara",
  role: "member",
  text: `m${seq}`,
});
const welcome = (seq: number, history: ChatMessage[], gap?: true) => (gap ? { seq, history, gap } : { seq, history });

describe("timeline: resume and dedupe by seq", () => {
  it("a first join has no since and shows the recent history", () => {
    const t = new Timeline();
    expect(t.since).toBeUndefined();
    const r = t.welcome(welcome(12, [msg(11), msg(12)]));
    expect(r.show.map((m) => m.seq)).toEqual([11, 12]);
    expect(t.since).toBe(12);
  });

  it("an empty room resumes from 0", () => {
    const t = new Timeline();
    t.welcome(welcome(0, []));
    expect(t.since).toBe(0);
  });

  it("shows each live message once", () => {
    const t = new Timeline();
    t.welcome(welcome(2, [msg(1), msg(2)]));
    expect(t.accept(msg(3))).toBe("show");
    expect(t.accept(msg(3))).toBe("duplicate");
    expect(t.accept(msg(2))).toBe("duplicate");
    expect(t.accept(msg(4))).toBe("show");
    expect(t.since).toBe(4);
  });

  it("a jump in seq is a gap: not shown, and since stays at the last shown", () => {
    const t = new Timeline();
    t.welcome(welcome(5, [msg(5)]));
    expect(t.accept(msg(8))).toBe("gap");
    expect(t.since).toBe(5);
  });

  it("a resume shows only what is new, whatever the welcome repeats", () => {
    const t = new Timeline();
    t.welcome(welcome(5, [msg(4), msg(5)]));
    const r = t.welcome(welcome(8, [msg(5), msg(6), msg(7), msg(8)]));
    expect(r.show.map((m) => m.seq)).toEqual([6, 7, 8]);
    expect(r.gap).toBe(false);
    expect(t.accept(msg(8))).toBe("duplicate");
    expect(t.accept(msg(9))).toBe("show");
  });

  it("passes on the server's gap flag", () => {
    const t = new Timeline();
    t.welcome(welcome(5, [msg(5)]));
    const r = t.welcome(welcome(900, [msg(400)], true));
    expect(r.gap).toBe(true);
    expect(t.since).toBe(900);
  });

  it("a welcome with reset (another epoch) starts over, even when its seq is higher", () => {
    const t = new Timeline();
    t.welcome(welcome(5, [msg(5)]));
    const r = t.welcome({ seq: 9, history: [msg(8), msg(9)], reset: true });
    expect(r.reset).toBe(true);
    expect(r.show.map((m) => m.seq)).toEqual([8, 9]);
    expect(t.since).toBe(9);
  });

  it("a room whose counter went backwards was reset: its messages show again", () => {
    const t = new Timeline();
    t.welcome(welcome(50, [msg(50)]));
    const r = t.welcome(welcome(2, [msg(1), msg(2)]));
    expect(r.reset).toBe(true);
    expect(r.show.map((m) => m.seq)).toEqual([1, 2]);
    expect(t.accept(msg(3))).toBe("show");
  });

  it("keeps the welcome's epoch for the resume; another epoch starts over (a resume that did not send it)", () => {
    const t = new Timeline();
    expect(t.epoch).toBeUndefined();
    t.welcome({ ...welcome(5, [msg(5)]), epoch: "one" });
    expect(t.epoch).toBe("one");
    const same = t.welcome({ ...welcome(6, [msg(6)]), epoch: "one" });
    expect([same.reset, same.show.map((m) => m.seq)]).toEqual([false, [6]]);
    const other = t.welcome({ ...welcome(9, [msg(8), msg(9)]), epoch: "two" });
    expect([other.reset, other.show.map((m) => m.seq)]).toEqual([true, [8, 9]]);
    expect([t.epoch, t.since]).toEqual(["two", 9]);
  });

  it("takes a closed poll's result at its seq like a message: no gap after it, since counts it", () => {
    const result = (seq: number): SurveyResult => ({
      type: "survey",
      id: "poll-1",
      question: "Which?",
      options: ["a", "b"],
      open: false,
      counts: [1, 2],
      seq,
      ts: seq * 1000,
    });
    const t = new Timeline();
    const r = t.welcome(welcome(2, [msg(1), result(2)] as ChatMessage[]));
    expect(r.show.map((m) => m.seq)).toEqual([1, 2]);
    expect(t.accept(result(3))).toBe("show");
    expect(t.accept(msg(4)), "the next message is no gap").toBe("show");
    expect(t.accept(result(3))).toBe("duplicate");
    expect(t.since).toBe(4);
  });
});
