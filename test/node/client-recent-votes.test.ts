import { describe, expect, it } from "vitest";
import { RecentVotes } from "../../src/client/recent-votes";

describe("recent votes: what goes again after rate_limited", () => {
  it("each question's latest vote, within the window, oldest first", () => {
    const r = new RecentVotes(1000);
    r.sent(1, true, 0);
    r.sent(2, true, 100);
    r.sent(1, false, 200);
    r.sent(1, true, 300);
    expect(r.again(400)).toEqual([
      { seq: 2, up: true },
      { seq: 1, up: true },
    ]);
    // Past the window, a vote is settled: nothing of it goes again.
    expect(r.again(1150)).toEqual([{ seq: 1, up: true }]);
    expect(r.again(1400)).toEqual([]);
  });

  it("keeps no more than the questions voted on within the window", () => {
    const r = new RecentVotes(10);
    for (let i = 0; i < 1000; i++) r.sent(i, i % 2 === 0, i * 5);
    expect(r.again(5000).length).toBeLessThanOrEqual(3);
  });
});
