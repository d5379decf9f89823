import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Broadcaster } from "../../src/broadcast";
import type { Env } from "../../src/config";
import { parseServerData, type ChatMessage, type ServerFrame } from "../../src/protocol";

/** A socket that records what it was sent. */
function fakeSocket() {
  const sent: string[] = [];
  return { sent, send: (d: string) => void sent.push(d), frames: () => sent.flatMap(parseServerData) };
}
type Fake = ReturnType<typeof fakeSocket>;

function message(seq: number): ChatMessage {
  return { type: "message", seq, ts: 0, from: "a", text: `m${seq}`, id: `i${seq}` };
}

const timerOf = (b: Broadcaster) => (b as unknown as { timer: unknown }).timer;
const queuedOf = (b: Broadcaster) => (b as unknown as { parts: unknown[] }).parts.length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function drained(b: Broadcaster, maxMs = 5000): Promise<void> {
  const until = Date.now() + maxMs;
  while (timerOf(b) !== undefined && Date.now() < until) await sleep(5);
}

function seqs(frames: ServerFrame[]): number[] {
  return frames.filter((f): f is ChatMessage => f.type === "message").map((f) => f.seq);
}

describe("Broadcaster", () => {
  it("sends at once in a quiet room, and leaves no timer", () => {
    const sockets = Array.from({ length: 10 }, fakeSocket);
    let saves = 0;
    const b = new Broadcaster(() => sockets as unknown as WebSocket[], () => void saves++, 0);
    b.frame(message(1));
    for (const s of sockets) expect(seqs(s.frames())).toEqual([1]);
    expect(saves).toBe(1);
    expect(timerOf(b)).toBeUndefined();
  });

  it("coalesces a burst into arrays without loss, duplicates or reordering, then leaves no timer", async () => {
    const sockets: Fake[] = Array.from({ length: 500 }, fakeSocket);
    let saves = 0;
    const b = new Broadcaster(() => sockets as unknown as WebSocket[], () => void saves++, 0);
    let seq = 0;
    // Bursts separated by I/O (so Date.now() moves), faster than the room may flush.
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 10; i++) b.frame(message(++seq));
      await sleep(1);
    }
    await drained(b);
    expect(timerOf(b)).toBeUndefined();
    expect(queuedOf(b)).toBe(0);
    // Later traffic must not bring anything of the burst back.
    await sleep(120);
    b.frame(message(++seq));
    await drained(b);
    expect(queuedOf(b)).toBe(0);
    const want = Array.from({ length: seq }, (_, i) => i + 1);
    for (const s of sockets) expect(seqs(s.frames())).toEqual(want);
    // Coalesced: far fewer payloads than messages, and one save per flush.
    const payloads = sockets[0]!.sent.length;
    expect(payloads).toBeLessThan(seq / 2);
    expect(saves).toBe(payloads);
    expect(b.lastFlushedSeq).toBe(seq);
    expect(b.isPending(seq)).toBe(false);
  });

  it("merges presence: a class joining at once costs one frame per socket per flush", async () => {
    const sockets: Fake[] = [];
    const b = new Broadcaster(() => sockets as unknown as WebSocket[], () => {}, 0);
    for (let i = 0; i < 300; i++) {
      const s = fakeSocket();
      sockets.push(s);
      b.join(`u${i}`, { name: `u${i}`, joinedAt: i }, s as unknown as WebSocket);
    }
    await drained(b);
    expect(timerOf(b)).toBeUndefined();
    const total = sockets.reduce((n, s) => n + s.sent.length, 0);
    expect(total).toBeLessThanOrEqual(3 * sockets.length);
    // Everyone but the last joiner hears of the last one, exactly once.
    const heard = sockets.map((s) => s.frames().filter((f) => f.type === "presence" && f.joined.some((u) => u.name === "u299")).length);
    expect(heard.slice(0, -1).every((n) => n === 1)).toBe(true);
    expect(heard.at(-1)).toBe(0);
  });

  it("a socket welcomed mid-burst gets only what was queued after its welcome", async () => {
    const sockets: Fake[] = Array.from({ length: 200 }, fakeSocket);
    const b = new Broadcaster(() => sockets as unknown as WebSocket[], () => {}, 0);
    let seq = 0;
    for (let i = 0; i < 5; i++) b.frame(message(++seq)); // 1–2 flushed at once, 3–5 queued
    const late = fakeSocket();
    sockets.push(late);
    b.welcomed(late as unknown as WebSocket); // its welcome holds 1–5
    for (let i = 0; i < 5; i++) b.frame(message(++seq));
    await drained(b);
    expect(seqs(late.frames())).toEqual([6, 7, 8, 9, 10]);
    expect(seqs(sockets[0]!.frames())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe("a busy room over real sockets", () => {
  it("every socket gets every seq once and in order, and no timer stays pending", async () => {
    const room = `coalesce-${Date.now()}`;
    const clients: { ws: WebSocket; frames: ServerFrame[] }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await SELF.fetch(`http://example.com/ws/${room}/u${i}`, { headers: { Upgrade: "websocket" } });
      expect(res.status).toBe(101);
      const ws = res.webSocket!;
      const c = { ws, frames: [] as ServerFrame[] };
      ws.addEventListener("message", (e) => {
        c.frames.push(...parseServerData(e.data as string));
      });
      ws.accept();
      clients.push(c);
    }
    let sent = 0;
    for (let round = 0; round < 5; round++) {
      for (const c of clients) {
        c.ws.send(JSON.stringify({ type: "message", text: `r${round}`, id: `r${round}` }));
        sent++;
      }
    }
    const until = Date.now() + 10_000;
    const done = () => clients.every((c) => seqs(c.frames).length >= sent);
    while (!done() && Date.now() < until) await sleep(20);
    for (const c of clients) {
      const welcome = c.frames.find((f) => f.type === "welcome")!;
      const got = seqs(c.frames);
      expect(got.length).toBe(sent);
      expect(got).toEqual(Array.from({ length: sent }, (_, i) => welcome.seq + 1 + i));
    }
    const rooms = (env as unknown as Env).ROOMS;
    const stub = rooms.get(rooms.idFromName(room));
    await sleep(200);
    await runInDurableObject(stub, (instance) => {
      const outbox = (instance as unknown as { outbox: Broadcaster }).outbox;
      expect(timerOf(outbox)).toBeUndefined();
    });
    for (const c of clients) c.ws.close(1000, "done");
  });
});
