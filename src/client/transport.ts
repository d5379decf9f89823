/**
 * @module
 * Which way the page talks to the room: the WebSocket, Server-Sent Events, long polling or plain polling, behind one
 * face (`open`, `send`, `status`…) so the chat does not care. After three attempts in a row that
 * end before a `welcome` (refusals excluded) while the server answers plain HTTP, WebSockets are
 * blocked on the way: it falls back to long polling by itself and probes `/ws-probe` now and then;
 * when a probe passes it moves back. An attempt that fails while the server does not answer (down,
 * restarting) or the network is offline is reconnecting, and never counts. A switch made by hand (the teaching
 * panel) stays. Switching keeps the conversation: the new transport joins with the same name and
 * session, which takes the old one over on the room's side (no leave, no join for the others).
 */
import type { ClientFrame } from "../protocol";
import { Connection, type ConnectionOptions, type Status } from "./connection";
import { PollConnection } from "./poll-connection";
import { SseConnection } from "./sse-connection";
import { TIMINGS } from "./timings";

export type TransportKind = "websocket" | "sse" | "long" | "poll";

/** Failed attempts in a row (no welcome) before the page falls back to long polling. */
export const FALLBACK_AFTER = 3;
/** While fallen back, try the WebSocket again this often. */
export const PROBE_EVERY_MS = TIMINGS.probeEveryMs;

export interface TransportOptions extends ConnectionOptions {
  /** `http://host` or `https://host`, for the HTTP transports. */
  httpBase: string;
  epoch?: () => string | undefined;
  /** The transport changed (`auto`: a fallback the page made by itself). */
  onTransport?: (kind: TransportKind, auto: boolean) => void;
  fetchImpl?: typeof fetch;
  /** As the connection's, with the transport that carried it (the one being replaced may still speak). */
  onWire?: (dir: "in" | "out", data: string, kind?: TransportKind) => void;
  /** Does the server answer plain HTTP now? (default `answersHttp`; injectable for tests) */
  httpCheck?: () => Promise<boolean>;
}

/**
 * True when the network is up and the server itself answers a plain GET of `/ws-probe` (426:
 * only this app says so; a proxy's 502 for a server that is down does not) within `timeoutMs`.
 * Never from a cache: the question is about now.
 */
export async function answersHttp(
  httpBase: string,
  fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  timeoutMs = TIMINGS.httpCheckMs,
): Promise<boolean> {
  if (globalThis.navigator?.onLine === false) return false;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetchImpl(`${httpBase}/ws-probe`, { cache: "no-store", signal: abort.signal });
    return res.status === 426;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** One live way into the room: the WebSocket connection, or the HTTP one. */
type RoomConnection = Connection | PollConnection;

export class Transport {
  kind: TransportKind = "websocket";
  /** True after an automatic fallback: only then does the page move back by itself. */
  auto = false;
  private active: RoomConnection;
  /** The connection being replaced: left once the new one is welcomed (it took the old one over). */
  private previous: RoomConnection | null = null;
  private failures = 0;
  /** Moves on at each welcome and switch: a check answered after either counts for nothing. */
  private round = 0;
  private lastKind: Status["kind"] = "connecting";
  private probeTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: TransportOptions) {
    this.active = this.make("websocket");
  }

  /** Sends a frame on the connection in use; false when it is not open (the outbox keeps it). */
  send(frame: ClientFrame): boolean {
    return this.active.send(frame);
  }

  get status(): Status {
    return this.active.status;
  }

  get extensions(): string {
    return this.active.extensions;
  }

  open(): void {
    this.active.open();
  }

  retryNow(): void {
    this.active.retryNow();
  }

  resume(): void {
    this.active.resume();
  }

  /** The room took the host role back: no connection, now or later, joins with the key. */
  forgetHostKey(): void {
    delete this.options.host;
    this.active.forgetHostKey();
    this.previous?.forgetHostKey();
  }

  leave(): void {
    const knocking = this.status.kind === "knocking";
    this.round++;
    clearInterval(this.probeTimer);
    this.previous?.leave();
    this.active.leave();
    // A waiting page that leaves (Cancel) takes its knock back: the host's list drops it now,
    // and Let in cannot admit someone who left. `keepalive`: it goes even if the tab closes.
    if (!knocking) return;
    const { httpBase, room, name, session, fetchImpl = (input, init) => fetch(input, init) } = this.options;
    const url = `${httpBase}/api/rooms/${encodeURIComponent(room)}/knock/${encodeURIComponent(name)}`;
    void fetchImpl(`${url}?session=${encodeURIComponent(session)}`, { method: "DELETE", keepalive: true }).catch(
      () => undefined,
    );
  }

  /** Moves to another transport (by hand, or `auto` for the fallback). */
  use(kind: TransportKind, auto = false): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.auto = auto;
    this.failures = 0;
    this.round++;
    clearInterval(this.probeTimer);
    if (auto && kind !== "websocket") this.probeTimer = setInterval(() => this.probe(), PROBE_EVERY_MS);
    this.previous?.leave();
    const old = this.active;
    // A connection that never got in has nothing to hand over: it just goes.
    if (old.status.kind === "online") this.previous = old;
    else old.leave();
    this.active = this.make(kind);
    this.options.onTransport?.(kind, auto);
    this.active.open();
  }

  private make(kind: TransportKind): RoomConnection {
    const o = this.options;
    const onStatus = (s: Status) => this.statusOf(connection, s);
    const onWire = (dir: "in" | "out", data: string) => o.onWire?.(dir, data, kind);
    const http = {
      ...o,
      onWire,
      base: o.httpBase,
      mode: kind === "poll" ? "poll" : "long",
      onStatus,
      ...(o.fetchImpl !== undefined && { fetchImpl: o.fetchImpl }),
    } as const;
    const connection: RoomConnection =
      kind === "websocket"
        ? new Connection({ ...o, onStatus, onWire })
        : kind === "sse"
          ? new SseConnection(http)
          : new PollConnection(http);
    return connection;
  }

  private statusOf(connection: RoomConnection, s: Status): void {
    if (connection !== this.active) return; // an old connection's goodbye
    if (s.kind === "online") {
      this.failures = 0;
      this.round++;
      this.previous?.leave();
      this.previous = null;
    } else if (s.kind === "reconnecting" && this.lastKind === "connecting" && this.kind === "websocket") {
      this.failedAttempt();
    }
    this.lastKind = s.kind;
    this.options.onStatus(s);
  }

  /** A WebSocket attempt ended before its welcome: it counts only if plain HTTP gets through now. */
  private failedAttempt(): void {
    const round = this.round;
    const o = this.options;
    const check = o.httpCheck ?? (() => answersHttp(o.httpBase, o.fetchImpl));
    void check().then((blocked) => {
      if (!blocked || round !== this.round || this.kind !== "websocket") return;
      if (++this.failures >= FALLBACK_AFTER) this.use("long", true);
    });
  }

  /** Does a WebSocket pass now? If so, go back to it. */
  private probe(): void {
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    const ws = new Impl(`${this.options.base}/ws-probe`);
    ws.onopen = () => {
      ws.close();
      if (this.auto && this.kind !== "websocket") this.use("websocket");
    };
    ws.onerror = () => ws.close();
  }
}
