/**
 * @module
 * The waiting room's bookkeeping alone (`src/room/knocks.ts`): one knock per session, renewed by
 * a retry, bounded, answered once, and one timer that finds the lapses (fake timers here).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../src/protocol";
import { Knocks } from "../../src/room/knocks";

describe("Knocks", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renews a pair's knock (same id, no change), replaces a session's knock under a new name, keeps two sessions apart", () => {
    // Sessions no random knock id can contain by chance (an id of 22 characters held "s1" once).
    const [S1, S2] = ["session-one-secret", "session-two-secret"];
    const k = new Knocks(() => {});
    const t = Date.now();
    expect(k.knock(S1, "sara", "Sara", t)).toBe(true);
    const [first] = k.list();
    expect(k.knock(S1, "sara", "Sara", t + 5000)).toBe(false);
    expect(k.list()).toEqual([first]);
    expect(k.knock(S2, "sara", "Sara", t + 6000)).toBe(true);
    expect(k.list()).toHaveLength(2);
    expect(k.knock(S1, "sarah", "Sarah", t + 7000)).toBe(true);
    expect(k.list().map((x) => x.name)).toEqual(["Sara", "Sarah"]);
    expect(k.list().every((x) => x.id !== first?.id)).toBe(true);
    expect(JSON.stringify(k.list())).not.toContain(S1);
  });

  it("keeps the most recently renewed when over the bound", () => {
    const k = new Knocks(() => {}, LIMITS.knockLapseMs, 3);
    const t = Date.now();
    for (const [i, s] of ["a", "b", "c"].entries()) k.knock(s, s, s, t + i);
    k.knock("a", "a", "a", t + 10);
    k.knock("d", "d", "d", t + 11);
    expect(k.list().map((x) => x.name)).toEqual(["a", "c", "d"]);
  });

  it("answers a knock once, and not once it lapsed", () => {
    const k = new Knocks(() => {});
    const t = Date.now();
    k.knock("s1", "sara", "Sara", t);
    const id = k.list()[0]?.id ?? "";
    expect(k.take(id, t + 1)).toMatchObject({ session: "s1", key: "sara", name: "Sara" });
    expect(k.take(id, t + 2)).toBeNull();
    k.knock("s2", "nima", "Nima", t);
    expect(k.take(k.list()[0]?.id ?? "", t + LIMITS.knockLapseMs)).toBeNull();
  });

  it("lapses 20 s after the last retry, tells the room then, and holds no timer once no one waits", () => {
    const lapsed = vi.fn();
    const k = new Knocks(lapsed);
    k.knock("s1", "sara", "Sara", Date.now());
    vi.advanceTimersByTime(15_000);
    k.knock("s1", "sara", "Sara", Date.now());
    vi.advanceTimersByTime(19_999);
    expect(lapsed).not.toHaveBeenCalled();
    expect(k.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(lapsed).toHaveBeenCalledTimes(1);
    expect(k.list()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("forgets a pair that got in, and only that pair; an unlock forgets all", () => {
    const k = new Knocks(() => {});
    k.knock("s1", "sara", "Sara", Date.now());
    expect(k.gotIn("s1", "other", Date.now())).toBe(false);
    expect(k.gotIn("s1", "sara", Date.now())).toBe(true);
    expect(k.list()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    k.knock("s2", "nima", "Nima", Date.now());
    expect(k.clear()).toBe(true);
    expect(k.clear()).toBe(false);
    expect(k.list()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
