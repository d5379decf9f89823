import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Broadcaster } from "../../src/broadcast";
import { parseServerData, type ChatMessage, type ServerFrame } from "../../src/protocol";

/** A socket that records what it was sent, parsed (arrays flattened) and raw. */
class FakeSocket {
  raw: string[] = [];
  get frames(): ServerFrame[] {
    return this.raw.flatMap(parseServerData);
  }
  send(data: string) {
    this.raw.push(data);
  }
}

function room(size: number) {
  const sockets = Array.from({ length: size }, () => new FakeSocket());
  const log: string[] = [];
  let seq = 0;
  const outbox = new Broadcaster(
    () => sockets as unknown as WebSocket[],
    () => log.push(`save ${sockets[0]?.raw.length ?? 0}`),
    0,
  );
  const message = (text = "hi"): ChatMessage => ({ type: "message", seq: ++seq, ts: Date.now(), from: "A", text });
  return { sockets, outbox, message, log };
}

/** Spends the send budget (two flushes back to back), so what follows is queued. */
const busy = (outbox: Broadcaster) => {
  outbox.frame({ type: "typing", from: "x" });
  outbox.frame({ type: "typing", from: "y" });
};

const seqs = (s: FakeSocket) => s.frames.filter((f): f is ChatMessage => f.type === "message").map((f) => f.seq);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Broadcaster", () => {
  it("sends at once, as a lone frame, when the room is quiet, and leaves no timer", () => {
    const { sockets, outbox, message } = room(3);
    outbox.frame(message("first"));
    for (const s of sockets) expect(s.raw).toHaveLength(1);
    expect(JSON.parse(sockets[0]!.raw[0]!)).toMatchObject({ type: "message", text: "first" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("coalesces what arrives once the send budget is spent into one array per socket", () => {
    const { sockets, outbox, message } = room(500);
    outbox.frame(message("a"));
    outbox.frame(message("b")); // the budget holds two flushes back to back
    outbox.frame(message("c"));
    outbox.frame(message("d"));
    expect(sockets[7]!.raw).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);
    vi.runAllTimers();
    expect(sockets[7]!.raw).toHaveLength(3);
    expect(JSON.parse(sockets[7]!.raw[2]!).map((f: ChatMessage) => f.text)).toEqual(["c", "d"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("serialises once per flush: every socket gets the very same string", () => {
    const { sockets, outbox, message } = room(50);
    outbox.frame(message());
    outbox.frame(message());
    outbox.frame(message());
    vi.runAllTimers();
    expect(new Set(sockets.map((s) => s.raw[1])).size).toBe(1);
    expect(sockets[0]!.raw[1]).toBe(sockets[49]!.raw[1]);
  });

  it("waits longer between flushes in a bigger room", () => {
    const small = room(10);
    const big = room(1000);
    for (const r of [small, big]) for (let i = 0; i < 3; i++) r.outbox.frame(r.message());
    vi.advanceTimersByTime(1);
    expect(small.sockets[0]!.raw).toHaveLength(3);
    expect(big.sockets[0]!.raw).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(big.sockets[0]!.raw).toHaveLength(3);
  });

  it("keeps order and loses nothing under a long irregular load, then leaves no timer", () => {
    const { sockets, outbox, message, log } = room(200);
    for (let i = 0; i < 2000; i++) {
      outbox.frame(message());
      vi.advanceTimersByTime((i * 7919) % 4); // irregular but repeatable gaps
    }
    vi.runAllTimers();
    for (const s of [sockets[0]!, sockets[199]!])
      expect(seqs(s)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(vi.getTimerCount()).toBe(0);
    expect(outbox.isPending(2000)).toBe(false);
    // Coalesced: far fewer payloads than messages, and one storage write per flush.
    expect(sockets[0]!.raw.length).toBeLessThan(2000 / 2);
    expect(log).toHaveLength(sockets[0]!.raw.length);
  });

  it("saves before it sends", () => {
    const { outbox, message, log } = room(2);
    outbox.frame(message());
    expect(log).toEqual(["save 0"]);
  });

  it("knows which messages are still queued", () => {
    const { outbox, message } = room(500);
    for (let i = 0; i < 3; i++) outbox.frame(message());
    expect(outbox.isPending(2)).toBe(false);
    expect(outbox.isPending(3)).toBe(true);
    outbox.flush();
    expect(outbox.isPending(3)).toBe(false);
  });

  it("does not send a typer its own typing frame", () => {
    const { sockets, outbox } = room(3);
    const typer = sockets[1] as unknown as WebSocket;
    outbox.frame({ type: "typing", from: "B" }, typer);
    expect(sockets[0]!.frames).toEqual([{ type: "typing", from: "B" }]);
    expect(sockets[1]!.raw).toEqual([]);
  });

  describe("presence", () => {
    it("merges a whole class joining into one diff per socket: n frames, not n²", () => {
      const { sockets, outbox } = room(1);
      const teacher = sockets[0]!;
      busy(outbox);
      for (let i = 0; i < 49; i++) {
        const ws = new FakeSocket();
        sockets.push(ws);
        outbox.join(`s${i}`, { name: `S${i}`, joinedAt: i }, ws as unknown as WebSocket);
      }
      vi.runAllTimers();
      const sends = sockets.reduce((n, s) => n + s.raw.length, 0);
      expect(sends).toBeLessThanOrEqual(2 * sockets.length);
      const diffs = teacher.frames.filter((f) => f.type === "presence");
      expect(diffs.flatMap((f) => (f.type === "presence" ? f.joined.map((u) => u.name) : []))).toEqual(
        Array.from({ length: 49 }, (_, i) => `S${i}`),
      );
      // A joiner hears of those who came after it, never of itself or of those its welcome had.
      const s10 = sockets[11]!.frames.flatMap((f) => (f.type === "presence" ? f.joined.map((u) => u.name) : []));
      expect(s10).toEqual(Array.from({ length: 38 }, (_, i) => `S${i + 11}`));
      expect(vi.getTimerCount()).toBe(0);
    });

    it("cancels a join and a leave in the same window, keeps a leave then a rejoin", () => {
      const { sockets, outbox } = room(500);
      busy(outbox);
      const joiner = new FakeSocket() as unknown as WebSocket;
      outbox.join("new", { name: "New", joinedAt: 1 }, joiner);
      outbox.leave("new", "New");
      outbox.leave("old", "Old");
      outbox.join("old", { name: "Old", joinedAt: 2 }, new FakeSocket() as unknown as WebSocket);
      outbox.flush();
      expect(sockets[3]!.frames.at(-1)).toEqual({
        type: "presence",
        joined: [{ name: "Old", joinedAt: 2 }],
        left: ["Old"],
      });
    });

    it("skips, for a welcomed socket, what was queued before its welcome", () => {
      const { sockets, outbox, message } = room(500);
      outbox.frame(message());
      outbox.frame(message()); // queued: seq 2
      const fresh = new FakeSocket();
      sockets.push(fresh);
      outbox.welcomed(fresh as unknown as WebSocket);
      outbox.frame(message()); // seq 3
      outbox.flush();
      expect(seqs(fresh)).toEqual([3]);
      expect(seqs(sockets[0]!)).toEqual([1, 2, 3]);
    });
  });
});
