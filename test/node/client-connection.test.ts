import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_HEARTBEAT, CLOSE_REPLACED, PING, type ServerFrame } from "../../src/protocol";
import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import NodeWebSocket from "ws";
import { TIMINGS } from "../../src/client/timings";
import {
  Connection,
  PING_EVERY_MS,
  WELCOME_TIMEOUT_MS,
  type ConnectionOptions,
  type Status,
} from "../../src/client/connection";

/** A stand-in socket: the test opens, feeds and closes it. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  // Test side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: ServerFrame | string) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  lose(code: number, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const welcome = {
  type: "welcome",
  room: "demo",
  you: "Sara",
  users: [],
  seq: 3,
  limits: {},
  history: [],
  handshake: {},
} as unknown as ServerFrame;

function connect(overrides: Partial<ConnectionOptions> = {}) {
  const statuses: Status[] = [];
  let since: number | undefined;
  const conn = new Connection({
    base: "ws://host",
    room: "demo",
    name: "Sara Ahmadi",
    session: "session-1234",
    since: () => since,
    onFrames: () => {},
    onStatus: (s) => statuses.push(s),
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    random: () => 0.5,
    ...overrides,
  });
  conn.open();
  return { conn, statuses, setSince: (n: number) => (since = n), last: () => FakeSocket.all.at(-1)! };
}

describe("connection", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("joins with the session and, once it has shown messages, resumes with since", () => {
    const { conn, setSince, last } = connect();
    expect(last().url).toBe("ws://host/ws/demo/Sara%20Ahmadi?session=session-1234");
    last().open();
    last().receive(welcome);
    expect(conn.status.kind).toBe("online");
    setSince(7);
    last().lose(1006);
    vi.advanceTimersByTime(600);
    expect(FakeSocket.all).toHaveLength(2);
    expect(last().url).toBe("ws://host/ws/demo/Sara%20Ahmadi?session=session-1234&since=7");
  });

  it("joins as host with the key, and resumes with the room's epoch beside since", () => {
    let epoch: string | undefined;
    const { setSince, last } = connect({ host: "k".repeat(43), epoch: () => epoch });
    expect(last().url).toBe(`ws://host/ws/demo/Sara%20Ahmadi?session=session-1234&host=${"k".repeat(43)}`);
    last().open();
    last().receive(welcome);
    setSince(7);
    epoch = "life-2";
    last().lose(1006);
    vi.advanceTimersByTime(600);
    expect(last().url).toBe(
      `ws://host/ws/demo/Sara%20Ahmadi?session=session-1234&host=${"k".repeat(43)}&since=7&epoch=life-2`,
    );
  });

  it("is removed for good: `removed` mid-stay is final, no retry", () => {
    const { conn, last } = connect();
    last().open();
    last().receive(welcome);
    last().receive({ type: "error", code: "removed", message: "" });
    last().lose(4403, "removed");
    vi.advanceTimersByTime(60_000);
    expect(conn.status).toEqual({ kind: "refused", code: "removed" });
    expect(FakeSocket.all).toHaveLength(1);
  });

  it.each(["removed", "host_key_invalid"] as const)("tells the two 4403s apart by the close reason: %s", (code) => {
    const { conn, last } = connect();
    last().lose(4403, code);
    expect(conn.status).toEqual({ kind: "refused", code });
  });

  it.each(["not_host", "no_such_member", "slow_mode"] as const)("stays online after %s", (code) => {
    const { conn, last } = connect();
    last().open();
    last().receive(welcome);
    last().receive({ type: "error", code, message: "" });
    vi.advanceTimersByTime(1000);
    expect(conn.status.kind).toBe("online");
    expect(last().closedWith).toBeNull();
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("backs off between failed tries and starts over after a welcome", () => {
    const { statuses, last } = connect();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().lose(1006);
      const s = statuses.at(-1)!;
      if (s.kind !== "reconnecting") throw new Error(`expected reconnecting, got ${s.kind}`);
      waits.push(s.at - Date.now());
      vi.advanceTimersByTime(s.at - Date.now());
    }
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    last().open();
    last().receive(welcome);
    last().lose(1006);
    const s = statuses.at(-1)!;
    expect(s.kind === "reconnecting" && s.at - Date.now()).toBe(500);
  });

  it.each([
    ["name_taken", 4409],
    ["invalid_name", 4400],
    ["room_full", 4503],
  ] as const)("does not retry after the refusal %s", (code, closeCode) => {
    const { conn, last } = connect();
    last().open();
    last().receive({ type: "error", code, message: "" });
    last().lose(closeCode, code);
    vi.advanceTimersByTime(60_000);
    expect(conn.status).toEqual({ kind: "refused", code });
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("joins again by itself after join_busy: retryAfterMs plus a backoff that grows, never a refusal", () => {
    const { conn, last, statuses } = connect();
    for (const [attempt, backoff] of [500, 1000, 2000].entries()) {
      last().open();
      last().receive({ type: "error", code: "join_busy", message: "", retryAfterMs: 300 });
      last().lose(4429, "join_busy");
      const s = statuses.at(-1)!;
      // random() = 0.5: the backoff without jitter.
      expect(s.kind === "busy" && s.at - Date.now()).toBe(300 + backoff);
      // The online event or a tab shown again does not jump the queue.
      conn.retryNow();
      expect(FakeSocket.all).toHaveLength(attempt + 1);
      vi.advanceTimersByTime(300 + backoff - 1);
      expect(FakeSocket.all).toHaveLength(attempt + 1);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all).toHaveLength(attempt + 2);
    }
    last().open();
    last().receive(welcome);
    expect(conn.status.kind).toBe("online");
    expect(statuses.some((s) => s.kind === "refused")).toBe(false);
    // After a welcome the backoff starts over.
    last().lose(4429, "join_busy");
    const s = statuses.at(-1)!;
    expect(s.kind === "busy" && s.at - Date.now()).toBe(300 + 500);
  });

  it("knocks at a locked room: asks again quietly every knockRetryMs until let in; knock_refused stops it", () => {
    const { conn, last, statuses } = connect();
    last().open();
    last().receive({ type: "error", code: "room_locked", message: "" });
    last().lose(4423, "room_locked");
    expect(conn.status).toEqual({ kind: "knocking" });
    vi.advanceTimersByTime(TIMINGS.knockRetryMs - 1);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    // Quiet: the retry does not say "connecting".
    expect(statuses.at(-1)).toEqual({ kind: "knocking" });
    last().open();
    last().receive(welcome);
    expect(conn.status.kind).toBe("online");
    last().lose(1006);
    vi.advanceTimersByTime(60_000);
    last().open();
    last().receive({ type: "error", code: "knock_refused", message: "" });
    last().lose(4403, "knock_refused");
    const sockets = FakeSocket.all.length;
    vi.advanceTimersByTime(60_000);
    expect(conn.status).toEqual({ kind: "refused", code: "knock_refused" });
    expect(FakeSocket.all).toHaveLength(sockets);
  });

  it("acts on a refusal frame at once, without waiting for the close", () => {
    const { conn, last } = connect();
    last().open();
    last().receive({ type: "error", code: "name_taken", message: "" });
    expect(conn.status).toEqual({ kind: "refused", code: "name_taken" });
    last().lose(4409, "name_taken");
    expect(conn.status).toEqual({ kind: "refused", code: "name_taken" });
  });

  it("reconnects at once-ish after a heartbeat_timeout frame", () => {
    const { conn, last } = connect();
    last().open();
    last().receive(welcome);
    last().receive({ type: "error", code: "heartbeat_timeout", message: "" });
    expect(conn.status.kind).toBe("reconnecting");
    vi.advanceTimersByTime(600);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("knows a refusal by its close code alone", () => {
    const { conn, last } = connect();
    last().lose(4409, "name_taken");
    expect(conn.status).toEqual({ kind: "refused", code: "name_taken" });
  });

  it("does not retry after being replaced by another tab", () => {
    const { conn, last } = connect();
    last().open();
    last().receive(welcome);
    last().lose(CLOSE_REPLACED, "replaced");
    vi.advanceTimersByTime(60_000);
    expect(conn.status.kind).toBe("replaced");
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("retries after a heartbeat timeout", () => {
    const { conn, last } = connect();
    last().lose(CLOSE_HEARTBEAT, "heartbeat_timeout");
    expect(conn.status.kind).toBe("reconnecting");
  });

  it("tries at once on retryNow (the online event, a tab shown again)", () => {
    const { conn, last } = connect();
    last().lose(1006);
    expect(FakeSocket.all).toHaveLength(1);
    conn.retryNow();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("pings every 20 s, ignores pong, and gives up a socket that stays silent", () => {
    const { conn, last } = connect();
    const ws = last();
    ws.open();
    ws.receive(welcome);
    vi.advanceTimersByTime(PING_EVERY_MS);
    expect(ws.sent).toEqual([PING]);
    ws.receive("pong");
    vi.advanceTimersByTime(PING_EVERY_MS);
    expect(ws.sent).toEqual([PING, PING]);
    expect(conn.status.kind).toBe("online");
    vi.advanceTimersByTime(PING_EVERY_MS); // no pong to the second ping
    expect(conn.status.kind).toBe("reconnecting");
    expect(ws.closedWith).toBe(1000);
  });

  it("resumes on a new socket and closes the old one once welcomed", () => {
    const { conn, last } = connect();
    const old = last();
    old.open();
    old.receive(welcome);
    conn.resume();
    expect(FakeSocket.all).toHaveLength(2);
    expect(old.closedWith).toBeNull();
    last().open();
    last().receive(welcome);
    expect(old.closedWith).toBe(1000);
    expect(conn.status.kind).toBe("online");
  });

  it("stops for good on leave", () => {
    const { conn, last } = connect();
    last().open();
    conn.leave();
    expect(last().closedWith).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(conn.status.kind).toBe("left");
  });
});

/** `ws` reports an aborted handshake as an error event; a browser just fires close. */
class QuietWebSocket extends NodeWebSocket {
  constructor(url: string) {
    super(url);
    this.on("error", () => {});
  }
}

describe("connection to a server that accepts TCP and never answers the handshake", () => {
  let server: Server;
  let port = 0;
  const held: Socket[] = [];
  let arrived: () => void = () => {};
  /** Resolves when the server has accepted `n` connections (a real event, not a timer). */
  const accepted = (n: number) =>
    new Promise<void>((resolve) => {
      arrived = () => held.length >= n && resolve();
      arrived();
    });
  beforeEach(async () => {
    // Accepts, reads nothing, says nothing.
    server = createServer((s) => {
      held.push(s);
      arrived();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of held.splice(0)) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it("gives the attempt up after WELCOME_TIMEOUT_MS and backs off, counting it as failed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    const statuses: Status[] = [];
    const conn = new Connection({
      base: `ws://127.0.0.1:${port}`,
      room: "demo",
      name: "Sara",
      session: "session-1234",
      since: () => undefined,
      onFrames: () => {},
      onStatus: (s) => statuses.push(s),
      WebSocketImpl: QuietWebSocket as unknown as typeof WebSocket,
      random: () => 0.5,
    });
    conn.open();
    await accepted(1);
    vi.advanceTimersByTime(WELCOME_TIMEOUT_MS - 1);
    expect(statuses, JSON.stringify(statuses)).toEqual([{ kind: "connecting" }]);
    vi.advanceTimersByTime(1);
    expect(conn.status).toMatchObject({ kind: "reconnecting", why: "timeout" });
    const first = conn.status.kind === "reconnecting" ? conn.status.at - Date.now() : NaN;
    // The retry opens a second socket that hangs too; its backoff is twice as long.
    vi.advanceTimersByTime(first);
    await accepted(2);
    vi.advanceTimersByTime(WELCOME_TIMEOUT_MS);
    const second = conn.status.kind === "reconnecting" ? conn.status.at - Date.now() : NaN;
    expect(second).toBe(first * 2);
    conn.leave();
  });
});

describe("acks", () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  const message = (seq: number, text = "hi") => ({ type: "message", seq, ts: 0, from: "Ali", text }) as ServerFrame;
  const acks = (s: FakeSocket) => s.sent.filter((d) => d.includes('"ack"')).map((d) => JSON.parse(d));

  it("acks the processed seq after 200 messages, and not before", () => {
    let shown = 0;
    const { last } = connect({ since: () => shown });
    last().open();
    last().receive(welcome);
    for (let seq = 1; seq <= 199; seq++) {
      shown = seq;
      last().receive(message(seq));
    }
    expect(acks(last())).toEqual([]);
    shown = 200;
    last().receive(message(200));
    expect(acks(last())).toEqual([{ type: "ack", seq: 200 }]);
  });

  it("counts a closed poll's result (an entry with a seq) toward the 200, not the open poll's counts", () => {
    let shown = 0;
    const { last } = connect({ since: () => shown });
    last().open();
    last().receive(welcome);
    const counts = { type: "survey", id: "p", question: "q", options: ["a", "b"], open: true, counts: [1, 0] };
    for (let i = 0; i < 50; i++) last().receive(counts as ServerFrame);
    for (let seq = 1; seq <= 199; seq++) {
      shown = seq;
      last().receive(message(seq));
    }
    expect(acks(last())).toEqual([]);
    shown = 200;
    last().receive({ ...counts, open: false, seq: 200, ts: 0 } as ServerFrame);
    expect(acks(last())).toEqual([{ type: "ack", seq: 200 }]);
  });

  it("acks after 64 KiB, at most 4 times a second (a due ack waits for its turn)", () => {
    let shown = 0;
    const { last } = connect({ since: () => shown });
    last().open();
    last().receive(welcome);
    const big = "x".repeat(64 * 1024);
    shown = 1;
    last().receive(message(1, big));
    expect(acks(last())).toEqual([{ type: "ack", seq: 1 }]);
    shown = 2;
    last().receive(message(2, big));
    expect(acks(last())).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(acks(last())).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(acks(last())).toEqual([
      { type: "ack", seq: 1 },
      { type: "ack", seq: 2 },
    ]);
  });

  it("never acks with acks: false, and puts the host key in the URL (the projector's watcher)", () => {
    let shown = 0;
    const { last } = connect({ since: () => shown, acks: false, host: "k".repeat(43) });
    expect(last().url).toContain(`host=${"k".repeat(43)}`);
    last().open();
    last().receive(welcome);
    for (let seq = 1; seq <= 250; seq++) {
      shown = seq;
      last().receive(message(seq));
    }
    expect(acks(last())).toEqual([]);
  });

  it("reconnects with since after too_slow, like a dropped connection", () => {
    const { conn, setSince, last } = connect();
    last().open();
    last().receive(welcome);
    setSince(3);
    last().receive({ type: "error", code: "too_slow", message: "" } as ServerFrame);
    expect(conn.status).toMatchObject({ kind: "reconnecting", why: "slow" });
    vi.advanceTimersByTime(500);
    expect(last().url).toContain("since=3");
  });
});
