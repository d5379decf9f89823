import { describe, expect, it } from "vitest";
import { Outbox, RATE_LIMIT_BACKOFF_MS, RESEND_AFTER_MS } from "../../src/client/outbox";
import { LIMITS, randomId } from "../../src/protocol";

const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe("outbox", () => {
  it("random ids match the contract and do not repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, randomId));
    expect(seen.size).toBe(1000);
    for (const id of seen) expect(id).toMatch(LIMITS.idPattern);
  });

  it("a new message is due at once, then not again until it is overdue", () => {
    const o = new Outbox(ids());
    o.add("hello", 0);
    expect(o.takeDue(0).map((p) => p.text)).toEqual(["hello"]);
    expect(o.takeDue(RESEND_AFTER_MS - 1)).toEqual([]);
    expect(o.takeDue(RESEND_AFTER_MS).map((p) => p.text)).toEqual(["hello"]);
    expect(o.takeDue(RESEND_AFTER_MS + 1)).toEqual([]);
  });

  it("keeps the order messages were written in", () => {
    const o = new Outbox(ids());
    o.add("a", 0);
    o.add("b", 1);
    o.add("c", 2);
    expect(o.takeDue(3).map((p) => p.text)).toEqual(["a", "b", "c"]);
  });

  it("after a reconnect everything unconfirmed goes again, with the same id", () => {
    const o = new Outbox(ids());
    const p = o.add("offline", 0);
    o.takeDue(0);
    o.resendAll();
    const again = o.takeDue(10);
    expect(again.map((x) => x.id)).toEqual([p.id]);
  });

  it("rate_limited holds every pending message back, then sends them again in order", () => {
    const o = new Outbox(ids());
    o.add("a", 0);
    o.add("b", 0);
    o.takeDue(0);
    o.rateLimited(100);
    expect(o.takeDue(100 + RATE_LIMIT_BACKOFF_MS - 1)).toEqual([]);
    expect(o.takeDue(100 + RATE_LIMIT_BACKOFF_MS).map((x) => x.text)).toEqual(["a", "b"]);
  });

  it("slow_mode holds every pending message until the room takes one again, then the same ids go in order", () => {
    const o = new Outbox(ids());
    const a = o.add("a", 0);
    const b = o.add("b", 0);
    o.takeDue(0);
    o.holdUntil(7000);
    expect(o.takeDue(6999)).toEqual([]);
    expect(o.takeDue(7000).map((x) => x.id)).toEqual([a.id, b.id]);
    o.holdUntil(20_000);
    o.release();
    expect(o.takeDue(7001).map((x) => x.text)).toEqual(["a", "b"]);
  });

  it("never sends a message before an older one that still waits (two slow_mode answers a few ms apart)", () => {
    const o = new Outbox(ids());
    o.add("second", 0);
    o.takeDue(0);
    o.holdUntil(4762); // its refusal came back slowly
    o.add("third", 20);
    expect(
      o.takeDue(20).map((x) => x.text),
      "a new one waits behind the held one",
    ).toEqual([]);
    o.holdUntil(4750); // the later refusal came back fast: an earlier time
    expect(o.takeDue(4755)).toEqual([]);
    expect(o.takeDue(4762).map((x) => x.text)).toEqual(["second", "third"]);
  });

  it("a confirmation removes it for good: no resend, no second confirmation", () => {
    const o = new Outbox(ids());
    const p = o.add("once", 0);
    o.takeDue(0);
    expect(o.confirm(p.id)?.text).toBe("once");
    expect(o.confirm(p.id)).toBeUndefined();
    o.resendAll();
    expect(o.takeDue(RESEND_AFTER_MS * 10)).toEqual([]);
    expect(o.list()).toEqual([]);
  });

  it("restores kept messages once, however often restore is called", () => {
    const o = new Outbox(ids());
    const kept = [{ id: "k1", text: "kept", createdAt: 5 }];
    expect(o.restore(kept)).toHaveLength(1);
    expect(o.restore(kept)).toHaveLength(0);
    expect(o.takeDue(6).map((p) => p.id)).toEqual(["k1"]);
  });

  it("a question stays a question when it goes again and across a reload (kept, restored)", () => {
    const o = new Outbox(ids());
    o.add("said", 0);
    const q = o.add("asked?", 1, true);
    o.takeDue(2);
    o.resendAll();
    expect(o.takeDue(3).map((p) => [p.text, p.question])).toEqual([
      ["said", undefined],
      ["asked?", true],
    ]);
    const kept = JSON.parse(JSON.stringify(o.kept()));
    expect(kept).toEqual([
      { id: "id-1", text: "said", createdAt: 0 },
      { id: q.id, text: "asked?", createdAt: 1, question: true },
    ]);
    const after = new Outbox(ids());
    // Storage is the page's own, but read as it comes: only `true` asks.
    const back = after.restore([...kept, { id: "k9", text: "odd", createdAt: 2, question: "yes" }]);
    expect(back.map((p) => p.question)).toEqual([undefined, true, undefined]);
    expect(
      after
        .takeDue(4)
        .filter((p) => p.question === true)
        .map((p) => p.text),
    ).toEqual(["asked?"]);
  });
});
