import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Fanout } from "../../src/room/fanout";
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
  const fanout = new Fanout(
    () => sockets as unknown as WebSocket[],
    () => log.push(`save ${sockets[0]?.raw.length ?? 0}`),
    0,
  );
  const message = (text = "hi"): ChatMessage => ({ type: "message", seq: ++seq, ts: Date.now(), from: "A", text });
  return { sockets, fanout, message, log };
}

/** Spends the send budget (two flushes back to back), so what follows is queued. */
const busy = (fanout: Fanout) => {
  fanout.broadcast({ type: "typing", from: "x" });
  fanout.broadcast({ type: "typing", from: "y" });
};

const seqs = (s: FakeSocket) => s.frames.filter((f): f is ChatMessage => f.type === "message").map((f) => f.seq);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Fanout", () => {
  it("sends at once, as a lone frame, when the room is quiet, and leaves no timer", () => {
    const { sockets, fanout, message } = room(3);
    fanout.broadcast(message("first"));
    for (const s of sockets) expect(s.raw).toHaveLength(1);
    expect(JSON.parse(sockets[0]!.raw[0]!)).toMatchObject({ type: "message", text: "first" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("coalesces what arrives once the send budget is spent into one array per socket", () => {
    const { sockets, fanout, message } = room(500);
    fanout.broadcast(message("a"));
    fanout.broadcast(message("b")); // the budget holds two flushes back to back
    fanout.broadcast(message("c"));
    fanout.broadcast(message("d"));
    expect(sockets[7]!.raw).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(1);
    vi.runAllTimers();
    expect(sockets[7]!.raw).toHaveLength(3);
    expect(JSON.parse(sockets[7]!.raw[2]!).map((f: ChatMessage) => f.text)).toEqual(["c", "d"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("serialises once per flush: every socket gets the very same string", () => {
    const { sockets, fanout, message } = room(50);
    fanout.broadcast(message());
    fanout.broadcast(message());
    fanout.broadcast(message());
    vi.runAllTimers();
    expect(new Set(sockets.map((s) => s.raw[1])).size).toBe(1);
    expect(sockets[0]!.raw[1]).toBe(sockets[49]!.raw[1]);
  });

  it("waits longer between flushes in a bigger room", () => {
    const small = room(10);
    const big = room(1000);
    for (const r of [small, big]) for (let i = 0; i < 3; i++) r.fanout.broadcast(r.message());
    vi.advanceTimersByTime(1);
    expect(small.sockets[0]!.raw).toHaveLength(3);
    expect(big.sockets[0]!.raw).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(big.sockets[0]!.raw).toHaveLength(3);
  });

  it("keeps order and loses nothing under a long irregular load, then leaves no timer", () => {
    const { sockets, fanout, message, log } = room(200);
    for (let i = 0; i < 2000; i++) {
      fanout.broadcast(message());
      vi.advanceTimersByTime((i * 7919) % 4); // irregular but repeatable gaps
    }
    vi.runAllTimers();
    for (const s of [sockets[0]!, sockets[199]!])
      expect(seqs(s)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(vi.getTimerCount()).toBe(0);
    expect(fanout.isQueued(2000)).toBe(false);
    // Coalesced: far fewer payloads than messages, and one storage write per flush.
    expect(sockets[0]!.raw.length).toBeLessThan(2000 / 2);
    expect(log).toHaveLength(sockets[0]!.raw.length);
  });

  it("saves before it sends", () => {
    const { fanout, message, log } = room(2);
    fanout.broadcast(message());
    expect(log).toEqual(["save 0"]);
  });

  it("knows which messages are still queued", () => {
    const { fanout, message } = room(500);
    for (let i = 0; i < 3; i++) fanout.broadcast(message());
    expect(fanout.isQueued(2)).toBe(false);
    expect(fanout.isQueued(3)).toBe(true);
    fanout.flush();
    expect(fanout.isQueued(3)).toBe(false);
  });

  it("does not send a typer its own typing frame", () => {
    const { sockets, fanout } = room(3);
    const typer = sockets[1] as unknown as WebSocket;
    fanout.broadcast({ type: "typing", from: "B" }, typer);
    expect(sockets[0]!.frames).toEqual([{ type: "typing", from: "B" }]);
    expect(sockets[1]!.raw).toEqual([]);
  });

  describe("presence", () => {
    it("merges a whole class joining into one diff per socket: n frames, not n²", () => {
      const { sockets, fanout } = room(1);
      const teacher = sockets[0]!;
      busy(fanout);
      for (let i = 0; i < 49; i++) {
        const ws = new FakeSocket();
        sockets.push(ws);
        fanout.joined(`s${i}`, { name: `S${i}`, joinedAt: i, role: "member" }, ws as unknown as WebSocket);
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
      const { sockets, fanout } = room(500);
      busy(fanout);
      const joiner = new FakeSocket() as unknown as WebSocket;
      fanout.joined("new", { name: "New", joinedAt: 1, role: "member" }, joiner);
      fanout.left("new", "New");
      fanout.left("old", "Old");
      fanout.joined("old", { name: "Old", joinedAt: 2, role: "member" }, new FakeSocket() as unknown as WebSocket);
      fanout.flush();
      expect(sockets[3]!.frames.at(-1)).toEqual({
        type: "presence",
        joined: [{ name: "Old", joinedAt: 2, role: "member" }],
        left: ["Old"],
      });
    });

    it("skips, for a welcomed socket, what was queued before its welcome", () => {
      const { sockets, fanout, message } = room(500);
      fanout.broadcast(message());
      fanout.broadcast(message()); // queued: seq 2
      const fresh = new FakeSocket();
      sockets.push(fresh);
      fanout.welcomed(fresh as unknown as WebSocket);
      fanout.broadcast(message()); // seq 3
      fanout.flush();
      expect(seqs(fresh)).toEqual([3]);
      expect(seqs(sockets[0]!)).toEqual([1, 2, 3]);
    });
  });
});
