import { describe, expect, it } from "vitest";
import type { ClientSurveyVote, SurveyFrame } from "../../src/protocol";
import { checkSurvey } from "../../src/client/survey-check";
import { SurveyState, shares, voters } from "../../src/client/survey-state";

const open = (counts: number[], id = "poll-1"): SurveyFrame => ({
  type: "survey",
  id,
  question: "Which transport?",
  options: counts.map((_, i) => `Option ${i}`),
  open: true,
  counts,
});

describe("the open poll as the page knows it", () => {
  it("a welcome's poll keeps this member's choice; none open is null", () => {
    const s = new SurveyState();
    s.welcome({ ...open([2, 1]), mine: 1 });
    expect(s.current).toMatchObject({ id: "poll-1", counts: [2, 1], mine: 1 });
    s.welcome(undefined);
    expect(s.current).toBeNull();
  });

  it("a vote shows at once once sent (the counts move by one, a change moves one back), and nothing offline", () => {
    const s = new SurveyState();
    s.frame(open([0, 0, 0]));
    const sent: ClientSurveyVote[] = [];
    const send = (f: ClientSurveyVote) => sent.push(f) > 0;
    expect(s.choose(1, send)).toBe(true);
    expect(s.current).toMatchObject({ counts: [0, 1, 0], mine: 1 });
    expect(s.choose(1, send), "the same choice again").toBe(false);
    expect(s.choose(2, send)).toBe(true);
    expect(s.current).toMatchObject({ counts: [0, 0, 1], mine: 2 });
    expect(sent).toEqual([
      { type: "survey_vote", survey: "poll-1", option: 1 },
      { type: "survey_vote", survey: "poll-1", option: 2 },
    ]);
    expect(
      s.choose(0, () => false),
      "offline",
    ).toBe(false);
    expect(s.current).toMatchObject({ counts: [0, 0, 1], mine: 2 });
    expect(s.choose(3, send), "no such option").toBe(false);
  });

  it("the room's counts replace ours and keep the choice marked; a new poll starts unmarked; its closing ends it", () => {
    const s = new SurveyState();
    s.frame(open([0, 0]));
    s.choose(0, () => true);
    expect(s.frame(open([5, 3]))).toBe(true);
    expect(s.current).toMatchObject({ counts: [5, 3], mine: 0 });
    expect(s.frame({ ...open([1, 1], "other"), open: false, seq: 4, ts: 1 }), "another poll's result").toBe(false);
    expect(s.current?.id).toBe("poll-1");
    expect(s.frame({ ...open([6, 3]), open: false, seq: 5, ts: 1 })).toBe(true);
    expect(s.current).toBeNull();
    s.frame(open([0, 0], "poll-2"));
    expect(s.current?.mine).toBeUndefined();
  });

  it("shares are whole percents that add up to 100 (largest remainders), all 0 before anyone voted", () => {
    expect(shares([1, 1, 1])).toEqual([34, 33, 33]);
    expect(shares([2, 1])).toEqual([67, 33]);
    expect(shares([0, 0])).toEqual([0, 0]);
    expect(shares([0, 7])).toEqual([0, 100]);
    expect(voters([3, 0, 4])).toBe(7);
  });
});

describe("a poll checked as the room checks it", () => {
  it("takes a question and 2–6 options, trimmed, leaving empty fields out", () => {
    expect(checkSurvey("  Which one?\r\n", [" Yes ", "", "No", ""])).toEqual({
      ok: true,
      question: "Which one?",
      options: ["Yes", "No"],
    });
  });

  it("says what is wrong and which field: no question, too long, too few, alike once folded", () => {
    expect(checkSurvey(" ", ["a", "b"])).toEqual({ ok: false, problem: "pollNeedQuestion", field: -1 });
    expect(checkSurvey("q".repeat(301), ["a", "b"])).toMatchObject({ problem: "pollQuestionLong" });
    // 300 code points of Persian or emoji is within bounds (not UTF-16 units).
    expect(checkSurvey("😀".repeat(300), ["a", "b"]).ok).toBe(true);
    expect(checkSurvey("q", ["a", "b".repeat(101)])).toEqual({ ok: false, problem: "pollOptionLong", field: 1 });
    expect(checkSurvey("q", ["a", ""])).toEqual({ ok: false, problem: "pollFewOptions", field: 1 });
    expect(checkSurvey("q", ["Yes", "no", "YES"])).toEqual({ ok: false, problem: "pollSameOptions", field: 2 });
    expect(checkSurvey("q", ["1", "2", "3", "4", "5", "6", "7"])).toMatchObject({ problem: "pollManyOptions" });
    expect(checkSurvey("کدام؟", ["بله", "نه"]).ok).toBe(true);
  });
});
