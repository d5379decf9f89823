import { describe, expect, it } from "vitest";
import { QuestionBoard } from "../../src/client/question-board";
import type { ChatMessage, QuestionSummary } from "../../src/protocol";

const asked = (seq: number, question = true): ChatMessage => ({
  type: "message",
  seq,
  ts: seq * 1000,
  from: "Sara",
  role: "member",
  text: `q${seq}`,
  ...(question && { question: true as const }),
});
const summary = (seq: number, count: number, answered = false, mine = false): QuestionSummary => ({
  seq,
  ts: seq * 1000,
  from: "Sara",
  text: `q${seq}`,
  count,
  answered,
  mine,
});

describe("question board: the class's questions as a view knows them", () => {
  it("keeps questions, not plain messages, and ranks them by votes, then the older first", () => {
    const b = new QuestionBoard();
    b.welcome([summary(1, 2), summary(3, 5)]);
    b.message(asked(4));
    b.message(asked(5, false));
    b.votes({ "4": 2 });
    expect(b.ranked().map((q) => [q.seq, q.count])).toEqual([
      [3, 5],
      [1, 2],
      [4, 2],
    ]);
    expect(b.size).toBe(3);
  });

  it("shows this member's vote at once, once; the room's count then wins", () => {
    const b = new QuestionBoard();
    b.welcome([summary(1, 2)]);
    expect(b.vote(1, true)).toBe(true);
    expect(b.vote(1, true)).toBe(false);
    expect(b.get(1)).toMatchObject({ count: 3, mine: true });
    expect(b.votes({ "1": 7, "9": 1 })).toEqual([1]);
    expect(b.get(1)?.count).toBe(7);
    expect(b.vote(1, false)).toBe(true);
    expect(b.get(1)).toMatchObject({ count: 6, mine: false });
  });

  it("an undone delete brings a question back with this member's vote and its mark; a clear, never", () => {
    const b = new QuestionBoard();
    b.welcome([summary(1, 4, true, true), summary(2, 1)]);
    b.deleted(1);
    expect(b.get(1)).toBeUndefined();
    b.message(asked(1));
    expect(b.get(1)).toMatchObject({ count: 4, answered: true, mine: true });
    // Withdrawing now moves the count, as the room's does (it kept the vote through the undo).
    expect(b.vote(1, false)).toBe(true);
    b.deleted(2);
    b.cleared(2);
    b.message(asked(2));
    expect(b.get(2)).toMatchObject({ count: 0, mine: false });
    // Only the latest few deletes wait for an undo.
    const many = new QuestionBoard();
    many.welcome(Array.from({ length: 30 }, (_, i) => summary(i + 1, 1, false, true)));
    for (let seq = 1; seq <= 30; seq++) many.deleted(seq);
    many.message(asked(1));
    many.message(asked(30));
    expect([many.get(1)?.mine, many.get(30)?.mine]).toEqual([false, true]);
  });

  it("filters the answered out, and forgets deleted and cleared questions", () => {
    const b = new QuestionBoard();
    b.welcome([summary(1, 9), summary(2, 1), summary(3, 4, true, true)]);
    expect(b.ranked({ unanswered: true, limit: 3 }).map((q) => q.seq)).toEqual([1, 2]);
    expect(b.unanswered).toBe(2);
    b.answered(1, true);
    expect(b.ranked({ unanswered: true }).map((q) => q.seq)).toEqual([2]);
    expect(b.unanswered).toBe(1);
    b.deleted(2);
    b.cleared(1);
    expect(b.ranked().map((q) => q.seq)).toEqual([3]);
    // A resume's welcome says it all again.
    b.welcome([summary(5, 0)]);
    expect(b.ranked().map((q) => q.seq)).toEqual([5]);
  });
});
