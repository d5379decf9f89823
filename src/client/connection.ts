/**
 * @module
 * One room connection that keeps itself alive: it reconnects with backoff whenever it is lost,
 * resumes with `since`, pings as the server's heartbeat asks, and stops for good after a
 * refusal or a `replaced` (but `join_busy`, after which it joins again when the room says, with
 * jitter: `busyDelay`). No DOM: the socket class and timers are injectable for tests.
 */
import {
  CLOSE_HEARTBEAT,
  CLOSE_REPLACED,
  CLOSE_TOO_SLOW,
  END_STATUS,
  LIMITS,
  PING,
  PONG,
  closeCodeFor,
  isRefusal,
  parseServerData,
  utf8ByteLength,
  type ClientFrame,
  type RefusalCode,
  type ServerFrame,
} from "../protocol";
import type { HttpExchange } from "./exchange";
import { reconnectDelay } from "./backoff";
import { TIMINGS } from "./timings";

/** Ping this often: well inside the server's `pingEveryMs`. */
export const PING_EVERY_MS = Math.min(20_000, LIMITS.pingEveryMs);
/** A socket that answers nothing (not even `pong`) this long after a ping is dead. */
export const PONG_TIMEOUT_MS = 10_000;
/**
 * A socket with no `welcome` this long after `new WebSocket` is given up and counts as a failed
 * attempt: a proxy that swallows the upgrade would otherwise leave the page waiting forever.
 */
export const WELCOME_TIMEOUT_MS = TIMINGS.welcomeTimeoutMs;

export type Status =
  | { kind: "connecting" }
  | { kind: "online" }
  /** `why`: "dropped", "restart", "heartbeat", "silent", or the server's close reason. */
  | { kind: "reconnecting"; at: number; why: string }
  | { kind: "refused"; code: RefusalCode }
  /** Too many joining at once (`join_busy`): the page joins again by itself at `at`. */
  | { kind: "busy"; at: number }
  /** The room is locked: this page knocked and asks again quietly until let in or refused. */
  | { kind: "knocking" }
  | { kind: "replaced" }
  | { kind: "left" };

export interface ConnectionOptions {
  /** `ws://host` or `wss://host`. */
  base: string;
  room: string;
  name: string;
  session: string;
  /** Where to resume from: undefined for a first join. */
  since: () => number | undefined;
  /** The room's `epoch` from the last welcome, passed back with `since`. */
  epoch?: () => string | undefined;
  /** Join as the room's host with this key (never shown: the URL is not put on screen). */
  host?: string;
  onFrames: (frames: ServerFrame[]) => void;
  onStatus: (status: Status) => void;
  /** Every frame in and out, for the teaching panel. */
  onWire?: (dir: "in" | "out", data: string) => void;
  /** Every HTTP request made (here: each upgrade), for the teaching panel's costs. */
  onRequest?: () => void;
  /** Every HTTP exchange that got an answer (the HTTP transports), for the teaching panel. */
  onExchange?: (exchange: HttpExchange) => void;
  /** False: never send `ack` (a watcher may send nothing; its frames all get `not_host`). */
  acks?: boolean;
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
}

/**
 * The wait after a `join_busy`: the room's `retryAfterMs`, plus a backoff with jitter that grows
 * with each refusal in a row (`attempt` from 0), so that a crowd told the same time does not come
 * back all at once.
 */
export function busyDelay(retryAfterMs: number, attempt: number, random: () => number = Math.random): number {
  return Math.max(0, retryAfterMs) + reconnectDelay(attempt, random);
}

/**
 * Errors after which the room closes the socket; only the refusals (`removed` among them: the host
 * took this name out, mid-stay) and `replaced` are final. `not_host` and the other host errors
 * leave the socket open.
 */
const ENDINGS = new Set(["replaced", "heartbeat_timeout", "too_slow"]);
const REFUSAL_CLOSE = new Map(
  Object.keys(END_STATUS)
    .filter(isRefusal)
    .map((c) => [closeCodeFor(c), c]),
);

export class Connection {
  private ws: WebSocket | null = null;
  /** Replaced by a resume: closed once the new socket is welcomed. */
  private stale: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private lastPing = 0;
  /** The error frame that announced the end of this socket, if any. */
  private ending: RefusalCode | "replaced" | "heartbeat_timeout" | "too_slow" | null = null;
  /** Flow control: what arrived on this socket since our last `ack`. */
  private sinceAck = { messages: 0, bytes: 0 };
  /** `join_busy` refusals in a row, and when the last one said to come back. */
  private busy = { attempt: 0, retryAfterMs: 0 };
  private lastAckAt = -Infinity;
  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  status: Status = { kind: "connecting" };

  constructor(private readonly options: ConnectionOptions) {}

  /** The extensions the open socket negotiated (`permessage-deflate` when the server took the offer). */
  get extensions(): string {
    return this.ws?.extensions ?? "";
  }

  /** The room took the host role back (`role: member`): a reconnect joins as a member. */
  forgetHostKey(): void {
    delete this.options.host;
  }

  url(): string {
    const q = new URLSearchParams({ session: this.options.session });
    if (this.options.host !== undefined) q.set("host", this.options.host);
    const since = this.options.since();
    const epoch = this.options.epoch?.();
    if (since !== undefined) q.set("since", String(since));
    if (since !== undefined && epoch !== undefined) q.set("epoch", epoch);
    return `${this.options.base}/ws/${encodeURIComponent(this.options.room)}/${encodeURIComponent(this.options.name)}?${q}`;
  }

  open(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.stopped) return;
    this.ending = null;
    // A knock's retry is quiet: the page keeps saying it waits.
    if (this.status.kind !== "knocking") this.setStatus({ kind: "connecting" });
    const ws = new (this.options.WebSocketImpl ?? WebSocket)(this.url());
    this.options.onRequest?.();
    this.ws = ws;
    clearTimeout(this.welcomeTimer);
    this.welcomeTimer = setTimeout(() => this.noWelcome(ws), WELCOME_TIMEOUT_MS);
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.lastPing = 0;
      this.startPing();
    };
    ws.onmessage = (e) => this.receive(ws, String(e.data));
    ws.onclose = (e) => this.closed(ws, e.code, e.reason);
  }

  /** True when the frame was handed to an open socket. */
  send(frame: ClientFrame): boolean {
    if (this.ws === null || this.ws.readyState !== 1 || this.status.kind !== "online") return false;
    const data = JSON.stringify(frame);
    this.ws.send(data);
    this.options.onWire?.("out", data);
    return true;
  }

  /** The `online` event or a tab becoming visible: a waiting retry happens now. */
  retryNow(): void {
    // Not while busy: the room said when, and coming back sooner only spends an attempt.
    if (this.status.kind === "reconnecting") this.open();
  }

  /** Missing frames: a fresh socket asks for everything after the last shown seq. */
  resume(): void {
    if (this.ws !== null && this.status.kind === "online") {
      // Same session: the server hands the name over without a leave/join for the others.
      this.stale = this.ws;
      detach(this.stale);
      this.stopPing();
      this.open();
    }
  }

  /** The Leave button: close and never come back. */
  leave(): void {
    this.stopped = true;
    clearTimeout(this.ackTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.welcomeTimer);
    this.stopPing();
    this.dropStale();
    const ws = this.ws;
    this.ws = null;
    if (ws !== null) {
      detach(ws);
      ws.close(1000, "leave");
    }
    this.setStatus({ kind: "left" });
  }

  private receive(ws: WebSocket, data: string): void {
    if (ws !== this.ws) return;
    this.lastHeard = Date.now();
    this.options.onWire?.("in", data);
    if (data === PONG) return;
    let frames: ServerFrame[];
    try {
      frames = parseServerData(data);
    } catch {
      return;
    }
    for (const f of frames) {
      // Entries of the history count alike: messages, and a closed poll's result (it has a seq).
      if (f.type === "message" || (f.type === "survey" && f.seq !== undefined)) this.sinceAck.messages++;
      else if (f.type === "welcome") {
        clearTimeout(this.welcomeTimer);
        this.sinceAck = { messages: 0, bytes: 0 };
        this.attempt = 0;
        this.busy.attempt = 0;
        this.dropStale();
        this.setStatus({ kind: "online" });
      } else if (f.type === "error" && (isRefusal(f.code) || ENDINGS.has(f.code))) {
        this.ending = f.code as typeof this.ending;
        if (f.code === "join_busy") this.busy.retryAfterMs = f.retryAfterMs ?? 1000;
      }
    }
    this.sinceAck.bytes += utf8ByteLength(data);
    this.options.onFrames(frames);
    if (this.ending === null && this.options.acks !== false) this.maybeAck();
    // The server closes right after such an error; act now rather than wait for the close
    // handshake (browsers may take seconds to report it).
    if (this.ending !== null && ws === this.ws) this.closed(ws, 0, this.ending);
  }

  /** No welcome in time: this attempt failed; close it (even mid-handshake) and back off. */
  private noWelcome(ws: WebSocket): void {
    if (ws !== this.ws || this.status.kind === "online") return;
    this.ws = null;
    detach(ws);
    ws.close();
    this.stopPing();
    this.dropStale();
    this.scheduleRetry("timeout");
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    clearTimeout(this.welcomeTimer);
    this.ws = null;
    detach(ws);
    this.stopPing();
    this.dropStale();
    if (this.stopped) return;
    // 4403 is both `host_key_invalid` and `removed`: the close reason says which.
    const refusal = isRefusal(reason) ? reason : REFUSAL_CLOSE.get(code);
    const end = this.ending ?? refusal ?? (code === CLOSE_REPLACED ? "replaced" : null);
    if (end === "replaced") return this.setStatus({ kind: "replaced" });
    if (end === "join_busy") return this.retryBusy();
    if (end === "room_locked") return this.knock();
    if (end === "too_slow" || code === CLOSE_TOO_SLOW) return this.scheduleRetry("slow");
    if (end !== null && end !== "heartbeat_timeout") return this.setStatus({ kind: "refused", code: end });
    this.scheduleRetry(end === "heartbeat_timeout" || code === CLOSE_HEARTBEAT ? "heartbeat" : whyClosed(code, reason));
  }

  /**
   * Acks what was processed (the timeline's last seq) once 200 messages or 64 KiB arrived since
   * the last ack, at most 4 times a second: the room closes a socket that falls too far behind.
   */
  private maybeAck(): void {
    const due = this.sinceAck.messages >= LIMITS.ackEveryMessages || this.sinceAck.bytes >= LIMITS.ackEveryBytes;
    if (!due || this.ackTimer !== undefined) return;
    const wait = this.lastAckAt + 1000 / LIMITS.acksPerSecond - Date.now();
    if (wait > 0) {
      this.ackTimer = setTimeout(() => {
        this.ackTimer = undefined;
        this.maybeAck();
      }, wait);
      return;
    }
    const seq = this.options.since();
    if (seq === undefined || !this.send({ type: "ack", seq })) return;
    this.lastAckAt = Date.now();
    this.sinceAck = { messages: 0, bytes: 0 };
  }

  private dropStale(): void {
    this.stale?.close(1000, "resumed");
    this.stale = null;
  }

  /** Not a failure (no fallback to HTTP): the room is letting others in first. */
  private retryBusy(): void {
    const delay = busyDelay(this.busy.retryAfterMs, this.busy.attempt++, this.options.random);
    this.setStatus({ kind: "busy", at: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  /** Locked out: the refusal left a knock; the next try renews it, or gets in once let in. */
  private knock(): void {
    this.setStatus({ kind: "knocking" });
    this.retryTimer = setTimeout(() => this.open(), TIMINGS.knockRetryMs);
  }

  private scheduleRetry(why: string): void {
    const delay = reconnectDelay(this.attempt++, this.options.random);
    this.setStatus({ kind: "reconnecting", at: Date.now() + delay, why });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => this.heartbeat(), PING_EVERY_MS);
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  /** Sends a ping; a socket silent since the previous ping is given up and replaced. */
  private heartbeat(): void {
    const ws = this.ws;
    if (ws === null) return;
    if (this.lastPing > 0 && this.lastHeard < this.lastPing && Date.now() - this.lastPing >= PONG_TIMEOUT_MS) {
      this.ws = null;
      detach(ws);
      ws.close(1000, "silent");
      this.stopPing();
      this.scheduleRetry("silent");
      return;
    }
    this.lastPing = Date.now();
    ws.send(PING);
    this.options.onWire?.("out", PING);
  }

  private setStatus(s: Status): void {
    this.status = s;
    this.options.onStatus(s);
  }
}

/** A short reason for the status line (the view translates the known ones). */
function whyClosed(code: number, reason: string): string {
  if (code === 1006) return "dropped";
  if (code === 1001 || code === 1012) return "restart";
  return reason || `close ${code}`;
}

function detach(ws: WebSocket): void {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}
