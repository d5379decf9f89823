import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Status } from "../../src/client/connection";
import type { HttpExchange } from "../../src/client/exchange";
import { PollConnection } from "../../src/client/poll-connection";
import { TIMINGS } from "../../src/client/timings";
import {
  FALLBACK_AFTER,
  PROBE_EVERY_MS,
  Transport,
  answersHttp,
  type TransportKind,
  type TransportOptions,
} from "../../src/client/transport";
import type { ServerFrame } from "../../src/protocol";

const welcome = {
  type: "welcome",
  you: "Sara",
  seq: 0,
  history: [],
  users: [],
  transport: "poll",
} as unknown as ServerFrame;

/** A fake `fetch`: each call is recorded and answered by the test, in order. */
function fakeFetch() {
  const calls: { url: string; init: RequestInit; answer: (status: number, body: unknown) => void; fail: () => void }[] =
    [];
  let arrived: () => void = () => {};
  const impl = ((url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      calls.push({
        url,
        init,
        answer: (status, body) => resolve(new Response(JSON.stringify(body), { status })),
        fail: () => reject(new TypeError("network")),
      });
      init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      arrived();
    })) as unknown as typeof fetch;
  const next = async (n: number) => {
    while (calls.length < n) await new Promise<void>((r) => (arrived = r));
    return calls[n - 1]!;
  };
  return { impl, calls, next };
}

function pollConnection(mode: "long" | "poll", fetchImpl: typeof fetch, host?: string) {
  const exchanges: HttpExchange[] = [];
  const statuses: Status[] = [];
  const frames: ServerFrame[] = [];
  const requests = { n: 0 };
  const conn = new PollConnection({
    base: "http://host",
    room: "demo",
    name: "Sara",
    session: "session-1234",
    mode,
    since: () => undefined,
    onFrames: (f) => frames.push(...f),
    onStatus: (s) => statuses.push(s),
    onRequest: () => requests.n++,
    onExchange: (x) => exchanges.push(x),
    fetchImpl,
    random: () => 0.5,
    ...(host !== undefined && { host }),
  });
  return { conn, statuses, frames, requests, exchanges };
}

describe("the page over HTTP", () => {
  it("sends the host key in Authorization, never in the URL, until the room takes the role back", async () => {
    const f = fakeFetch();
    const key = "k".repeat(43);
    const { conn } = pollConnection("long", f.impl, key);
    conn.open();
    const first = await f.next(1);
    expect(first.url).not.toContain(key);
    expect(first.init.headers).toEqual({ Authorization: `Bearer ${key}` });
    first.answer(200, { cursor: "c.1", frames: [welcome] });
    const second = await f.next(2);
    expect(second.init.headers).toEqual({ Authorization: `Bearer ${key}` });
    conn.forgetHostKey();
    second.answer(200, { cursor: "c.2", frames: [] });
    expect((await f.next(3)).init.headers).toEqual({});
    conn.leave();
  });

  it("reports each answered exchange for the teaching panel, the session and the host key redacted", async () => {
    const f = fakeFetch();
    const key = "k".repeat(43);
    const { conn, exchanges } = pollConnection("long", f.impl, key);
    conn.open();
    (await f.next(1)).answer(200, { cursor: "c.1", frames: [welcome] });
    await f.next(2);
    conn.send({ type: "message", text: "hi", id: "m-1" });
    (await f.next(3)).answer(200, { frames: [] });
    await vi.waitFor(() => expect(exchanges).toHaveLength(2));
    expect(exchanges.map((x) => [x.method, x.path, x.requestHeaders, x.status, x.requestBody])).toEqual([
      ["GET", "/poll/demo/Sara?session=…&wait=0", [["Authorization", "Bearer …"]], 200, undefined],
      [
        "POST",
        "/poll/demo/Sara?session=…",
        [["Authorization", "Bearer …"]],
        200,
        '{"type":"message","text":"hi","id":"m-1"}',
      ],
    ]);
    expect(JSON.parse(exchanges[0]!.body)).toEqual({ cursor: "c.1", frames: [welcome] });
    expect(JSON.stringify(exchanges)).not.toContain(key);
    expect(JSON.stringify(exchanges)).not.toContain("session-1234");
    conn.leave();
  });

  it("long polling: joins with a poll, then holds each poll with its cursor; sends one POST per frame", async () => {
    const f = fakeFetch();
    const { conn, frames, requests } = pollConnection("long", f.impl);
    conn.open();
    const first = await f.next(1);
    expect(first.url).toBe("http://host/poll/demo/Sara?session=session-1234&wait=0");
    first.answer(200, { cursor: "c.1", frames: [welcome] });
    const second = await f.next(2);
    expect(second.url).toBe("http://host/poll/demo/Sara?session=session-1234&cursor=c.1&wait=25");
    expect(conn.status.kind).toBe("online");
    expect(conn.send({ type: "message", text: "hi", id: "m-1" })).toBe(true);
    const post = await f.next(3);
    expect(post.init.method).toBe("POST");
    expect(post.init.body).toBe('{"type":"message","text":"hi","id":"m-1"}');
    post.answer(200, { frames: [] });
    second.answer(200, { cursor: "c.2", frames: [{ type: "message", seq: 1, text: "hi" }] });
    await f.next(4);
    expect(frames.map((x) => x.type)).toEqual(["welcome", "message"]);
    // Each request is reported once, for the teaching panel's count.
    expect(requests.n).toBe(4);
    conn.leave();
  });

  it("treats an HTTP refusal as final and replaced as replaced", async () => {
    for (const [code, kind] of [
      ["name_taken", "refused"],
      ["removed", "refused"],
      ["replaced", "replaced"],
    ] as const) {
      const f = fakeFetch();
      const { conn } = pollConnection("long", f.impl);
      conn.open();
      (await f.next(1)).answer(code === "replaced" ? 409 : 403, { error: { code, message: "" } });
      await vi.waitFor(() => expect(conn.status.kind).toBe(kind));
    }
  });

  it("takes a POST's 413 frame_too_large as that error frame, and stays online", async () => {
    const f = fakeFetch();
    const { conn, frames } = pollConnection("long", f.impl);
    conn.open();
    (await f.next(1)).answer(200, { cursor: "c.1", frames: [welcome] });
    const held = await f.next(2);
    conn.send({ type: "message", text: "x" });
    (await f.next(3)).answer(413, { error: { code: "frame_too_large", message: "Too large." } });
    await vi.waitFor(() =>
      expect(frames.at(-1)).toEqual({ type: "error", code: "frame_too_large", message: "Too large." }),
    );
    expect(conn.status.kind).toBe("online");
    expect(held.init.signal?.aborted).toBe(false);
    conn.leave();
  });

  it("joins again by itself after a 429 join_busy, when the room said (plus backoff)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const f = fakeFetch();
    const { conn, statuses } = pollConnection("long", f.impl);
    conn.open();
    const t0 = Date.now();
    (await f.next(1)).answer(429, { error: { code: "join_busy", message: "", retryAfterMs: 250 } });
    await vi.waitFor(() => expect(conn.status.kind).toBe("busy"));
    const s = statuses.at(-1)!;
    // retryAfterMs + the first backoff (random() = 0.5: no jitter), from when the answer was read
    // (vi.waitFor moves the fake clock on in steps of 50 ms).
    const wait = s.kind === "busy" ? s.at - t0 : 0;
    expect(wait).toBeGreaterThanOrEqual(250 + 500);
    expect(wait).toBeLessThanOrEqual(250 + 500 + 100);
    vi.advanceTimersByTime(s.kind === "busy" ? s.at - Date.now() - 1 : 0);
    expect(f.calls).toHaveLength(1);
    vi.advanceTimersByTime(1);
    (await f.next(2)).answer(200, { cursor: "c.1", frames: [welcome] });
    await vi.waitFor(() => expect(conn.status.kind).toBe("online"));
    expect(statuses.some((x) => x.kind === "refused")).toBe(false);
    conn.leave();
    vi.useRealTimers();
  });

  it("knocks at a locked room over HTTP: 423 asks again quietly after knockRetryMs, 403 knock_refused stops", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const f = fakeFetch();
    const { conn, statuses } = pollConnection("long", f.impl);
    conn.open();
    (await f.next(1)).answer(423, { error: { code: "room_locked", message: "" } });
    await vi.waitFor(() => expect(conn.status.kind).toBe("knocking"));
    vi.advanceTimersByTime(TIMINGS.knockRetryMs);
    (await f.next(2)).answer(403, { error: { code: "knock_refused", message: "" } });
    await vi.waitFor(() => expect(conn.status).toEqual({ kind: "refused", code: "knock_refused" }));
    expect(statuses.map((s) => s.kind)).toEqual(["connecting", "knocking", "refused"]);
    vi.advanceTimersByTime(60_000);
    expect(f.calls).toHaveLength(2);
    vi.useRealTimers();
  });

  it("backs off and tries again after a network error", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const f = fakeFetch();
    const { conn } = pollConnection("poll", f.impl);
    conn.open();
    (await f.next(1)).fail();
    await vi.waitFor(() => expect(conn.status.kind).toBe("reconnecting"));
    vi.advanceTimersByTime(500);
    (await f.next(2)).answer(200, { cursor: "c.1", frames: [welcome] });
    await vi.waitFor(() => expect(conn.status.kind).toBe("online"));
    conn.leave();
    vi.useRealTimers();
  });
});

/** A WebSocket that never gets in (as behind a proxy that breaks the upgrade), or, for probes, does. */
class BlockedSocket {
  static probesPass = false;
  static opened: string[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    BlockedSocket.opened.push(url);
    setTimeout(() => {
      if (url.endsWith("/ws-probe") && BlockedSocket.probesPass) this.onopen?.();
      else this.onclose?.({ code: 1006, reason: "" });
    }, 0);
  }
  send() {}
  close() {}
}

/** A page's transport where WebSockets are blocked (BlockedSocket) and HTTP goes to `fetchImpl`. */
function transport(fetchImpl: typeof fetch, overrides: Partial<TransportOptions> = {}): Transport {
  return new Transport({
    base: "ws://host",
    httpBase: "http://host",
    room: "demo",
    name: "Sara",
    session: "session-1234",
    since: () => undefined,
    onFrames: () => {},
    onStatus: () => {},
    WebSocketImpl: BlockedSocket as unknown as typeof WebSocket,
    fetchImpl,
    // Plain HTTP gets through (WebSockets are blocked on the way) unless a test says otherwise.
    httpCheck: () => Promise.resolve(true),
    random: () => 0.5,
    ...overrides,
  });
}

describe("the transport", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    BlockedSocket.opened = [];
    BlockedSocket.probesPass = false;
  });
  afterEach(() => vi.useRealTimers());

  it(`falls back to long polling after ${FALLBACK_AFTER} failed attempts, and moves back when a probe passes`, async () => {
    const f = fakeFetch();
    const kinds: [TransportKind, boolean][] = [];
    const t = transport(f.impl, { onTransport: (kind, auto) => kinds.push([kind, auto]) });
    t.open();
    for (let i = 0; i < FALLBACK_AFTER; i++) await vi.advanceTimersByTimeAsync(15_000);
    expect(kinds).toEqual([["long", true]]);
    (await f.next(1)).answer(200, { cursor: "c.1", frames: [welcome] });
    await vi.waitFor(() => expect(t.status.kind).toBe("online"));
    BlockedSocket.probesPass = true;
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(BlockedSocket.opened.filter((u) => u.endsWith("/ws-probe")).length).toBeGreaterThan(0);
    // (The fake still blocks real joins, so the page may well fall back again afterwards.)
    expect(kinds.slice(0, 2)).toEqual([
      ["long", true],
      ["websocket", false],
    ]);
    t.leave();
  });

  it("never falls back while the server does not answer plain HTTP (down, restarting, offline)", async () => {
    const f = fakeFetch();
    const kinds: TransportKind[] = [];
    let checks = 0;
    const t = transport(f.impl, {
      onTransport: (kind) => kinds.push(kind),
      httpCheck: () => {
        checks++;
        return Promise.resolve(false);
      },
    });
    t.open();
    // A minute of failed attempts (backoff up to its 10 s cap): each one checked, none counted.
    for (let i = 0; i < 12; i++) await vi.advanceTimersByTimeAsync(10_000);
    expect(checks).toBeGreaterThanOrEqual(FALLBACK_AFTER * 2);
    expect(kinds).toEqual([]);
    expect(t.kind).toBe("websocket");
    expect(t.status.kind).toBe("reconnecting");
    expect(f.calls).toEqual([]);
    t.leave();
  });

  it("counts only the attempts that fail while plain HTTP answers", async () => {
    const f = fakeFetch();
    const kinds: TransportKind[] = [];
    let answers = false;
    const t = transport(f.impl, {
      onTransport: (kind) => kinds.push(kind),
      httpCheck: () => Promise.resolve(answers),
    });
    t.open();
    for (let i = 0; i < 6; i++) await vi.advanceTimersByTimeAsync(10_000);
    expect(kinds).toEqual([]);
    // From now on the server answers HTTP but no WebSocket gets through: blocked after three more.
    answers = true;
    for (let i = 0; i < FALLBACK_AFTER; i++) await vi.advanceTimersByTimeAsync(10_000);
    expect(kinds).toEqual(["long"]);
    t.leave();
  });

  it("an HTTP check answered after the page left counts for nothing", async () => {
    const f = fakeFetch();
    const kinds: TransportKind[] = [];
    const pending: ((yes: boolean) => void)[] = [];
    const t = transport(f.impl, {
      onTransport: (kind) => kinds.push(kind),
      httpCheck: () => new Promise<boolean>((resolve) => pending.push(resolve)),
    });
    t.open();
    for (let i = 0; i < FALLBACK_AFTER; i++) await vi.advanceTimersByTimeAsync(10_000);
    expect(pending.length).toBeGreaterThanOrEqual(FALLBACK_AFTER);
    t.leave();
    for (const answer of pending) answer(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(kinds).toEqual([]);
  });

  it("stays where a switch by hand put it", async () => {
    const f = fakeFetch();
    const t = transport(f.impl);
    t.use("poll");
    (await f.next(1)).answer(200, { cursor: "c.1", frames: [welcome] });
    BlockedSocket.probesPass = true;
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS * 2);
    expect(t.kind).toBe("poll");
    expect(BlockedSocket.opened.filter((u) => u.endsWith("/ws-probe"))).toEqual([]);
    t.leave();
  });
});

describe("answersHttp: does the server answer plain HTTP now?", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("asks /ws-probe, never from a cache, and says yes only to this app's 426", async () => {
    for (const [status, yes] of [
      [426, true],
      [502, false],
      [200, false],
    ] as const) {
      const f = fakeFetch();
      const answer = answersHttp("http://host", f.impl);
      const call = await f.next(1);
      expect(call.url).toBe("http://host/ws-probe");
      expect(call.init.cache).toBe("no-store");
      call.answer(status, {});
      expect(await answer, String(status)).toBe(yes);
    }
  });

  it("says no when the request fails (the server is down) or takes too long", async () => {
    const f = fakeFetch();
    const down = answersHttp("http://host", f.impl);
    (await f.next(1)).fail();
    expect(await down).toBe(false);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const slow = answersHttp("http://host", f.impl, 3000);
    await f.next(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await slow).toBe(false);
    vi.useRealTimers();
  });

  it("says no without asking when the browser is offline", async () => {
    vi.stubGlobal("navigator", { onLine: false });
    const f = fakeFetch();
    expect(await answersHttp("http://host", f.impl)).toBe(false);
    expect(f.calls).toEqual([]);
  });
});
