/**
 * @module
 * Which way the page talks to the room: the WebSocket, long polling or plain polling, behind one
 * face (`open`, `send`, `status`…) so the chat does not care. After three attempts in a row that
 * end before a `welcome` (refusals excluded), it falls back to long polling by itself and probes
 * `/ws-probe` now and then; when a probe passes it moves back. A switch made by hand (the teaching
 * panel) stays. Switching keeps the conversation: the new transport joins with the same name and
 * session, which takes the old one over on the room's side (no leave, no join for the others).
 */
import { Connection, type ConnectionOptions, type Status } from "./connection";
import { PollConnection } from "./poll-connection";
import { TIMINGS } from "./timings";

export type TransportKind = "websocket" | "long" | "poll";

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
}

type Link = Connection | PollConnection;

export class Transport {
  kind: TransportKind = "websocket";
  /** True after an automatic fallback: only then does the page move back by itself. */
  auto = false;
  private link: Link;
  /** The link being replaced: left once the new one is welcomed (it took the old one over). */
  private previous: Link | null = null;
  private failures = 0;
  private lastKind: Status["kind"] = "connecting";
  private probeTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: TransportOptions) {
    this.link = this.make("websocket");
  }

  /** The link in use: the chat sends on it directly, so the message's path does not pass here. */
  get current(): Connection | PollConnection {
    return this.link;
  }

  get status(): Status {
    return this.link.status;
  }

  get extensions(): string {
    return this.link.extensions;
  }

  open(): void {
    this.link.open();
  }

  retryNow(): void {
    this.link.retryNow();
  }

  resume(): void {
    this.link.resume();
  }

  leave(): void {
    clearInterval(this.probeTimer);
    this.previous?.leave();
    this.link.leave();
  }

  /** Moves to another transport (by hand, or `auto` for the fallback). */
  use(kind: TransportKind, auto = false): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.auto = auto;
    this.failures = 0;
    clearInterval(this.probeTimer);
    if (auto && kind !== "websocket") this.probeTimer = setInterval(() => this.probe(), PROBE_EVERY_MS);
    this.previous?.leave();
    const old = this.link;
    // A link that never got in has nothing to hand over: it just goes.
    if (old.status.kind === "online") this.previous = old;
    else old.leave();
    this.link = this.make(kind);
    this.options.onTransport?.(kind, auto);
    this.link.open();
  }

  private make(kind: TransportKind): Link {
    const o = this.options;
    const onStatus = (s: Status) => this.statusOf(link, s);
    const link: Link =
      kind === "websocket"
        ? new Connection({ ...o, onStatus })
        : new PollConnection({
            ...o,
            base: o.httpBase,
            mode: kind === "long" ? "long" : "poll",
            onStatus,
            ...(o.fetchImpl !== undefined && { fetchImpl: o.fetchImpl }),
          });
    return link;
  }

  private statusOf(link: Link, s: Status): void {
    if (link !== this.link) return; // an old link's goodbye
    if (s.kind === "online") {
      this.failures = 0;
      this.previous?.leave();
      this.previous = null;
    } else if (s.kind === "reconnecting" && this.lastKind === "connecting" && this.kind === "websocket") {
      this.failures++;
    }
    this.lastKind = s.kind;
    this.options.onStatus(s);
    if (this.failures >= FALLBACK_AFTER) this.use("long", true);
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
