/**
 * @module
 * The room over HTTP, with the same face as `Connection`: long polling (a `GET` held by the room
 * until something happens, up to 25 s) or plain polling (a `GET` answered at once, every 2 s), and
 * one `POST` per frame sent. Each request and body is reported (`onRequest`, `onWire`) for the
 * teaching panel's costs. No DOM: `fetch` is injectable for tests.
 */
import {
  type ClientFrame,
  LIMITS,
  type PollAnswer,
  type PollPostAnswer,
  type ServerFrame,
  isRefusal,
} from "../protocol";
import { reconnectDelay } from "./backoff";
import { type ConnectionOptions, type Status, busyDelay } from "./connection";
import { redactHeader, redactPath } from "./exchange";
import { TIMINGS } from "./timings";

/** Plain polling asks this often. */
export const POLL_EVERY_MS = TIMINGS.pollEveryMs;

export type PollMode = "long" | "poll";

/** The WebSocket connection's options, less the socket's own, plus the mode and `fetch`. */
export interface PollConnectionOptions extends Omit<ConnectionOptions, "WebSocketImpl" | "acks"> {
  /** `http://host` or `https://host`. */
  base: string;
  mode: PollMode;
  fetchImpl?: typeof fetch;
}

export class PollConnection {
  status: Status = { kind: "connecting" };
  readonly extensions = "";
  protected cursor: string | undefined;
  protected attempt = 0;
  protected stopped = false;
  protected running = false;
  protected abort: AbortController | null = null;
  protected timer: ReturnType<typeof setTimeout> | undefined;
  /** `join_busy` refusals in a row. */
  private busyAttempt = 0;

  constructor(protected readonly options: PollConnectionOptions) {}

  protected get fetch(): typeof fetch {
    return this.options.fetchImpl ?? fetch.bind(globalThis);
  }

  private url(query: Record<string, string | undefined>): string {
    const q = new URLSearchParams({ session: this.options.session });
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    const { base, room, name } = this.options;
    return `${base}/poll/${encodeURIComponent(room)}/${encodeURIComponent(name)}?${q}`;
  }

  /** The room took the host role back (`role: member`): later requests join as a member. */
  forgetHostKey(): void {
    delete this.options.host;
  }

  open(): void {
    if (this.stopped || this.running) return;
    this.running = true;
    if (this.status.kind !== "knocking") this.setStatus({ kind: "connecting" });
    void this.loop();
  }

  /** Sends one frame as a POST; what the room answers at once (an error, usually nothing) comes back as frames. */
  send(frame: ClientFrame): boolean {
    if (this.status.kind !== "online") return false;
    const body = JSON.stringify(frame);
    this.options.onWire?.("out", body);
    void this.request(this.url({}), { method: "POST", body }).then((answer) => {
      if (answer !== null) this.deliver((answer as PollPostAnswer).frames);
    });
    return true;
  }

  retryNow(): void {
    if (this.status.kind !== "reconnecting") return;
    clearTimeout(this.timer);
    this.running = false;
    this.open();
  }

  /** Missing frames: the next poll starts over with a welcome that resumes from `since`. */
  resume(): void {
    this.cursor = undefined;
    this.abort?.abort();
  }

  leave(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.setStatus({ kind: "left" });
  }

  protected async loop(): Promise<void> {
    while (!this.stopped) {
      const wait = this.options.mode === "long" && this.cursor !== undefined ? LIMITS.pollMaxWaitSeconds : 0;
      const query: Record<string, string | undefined> = { cursor: this.cursor, wait: String(wait) };
      if (this.cursor === undefined) {
        const since = this.options.since();
        if (since !== undefined) {
          query.since = String(since);
          query.epoch = this.options.epoch?.();
        }
      }
      const answer = (await this.request(this.url(query), {})) as PollAnswer | null;
      if (this.stopped) return;
      if (answer === null) {
        if (this.status.kind === "refused" || this.status.kind === "replaced") return;
        // Aborted by `resume`: ask again at once; otherwise the network failed (or the room is
        // busy): a timer asks again.
        if (this.status.kind === "reconnecting" || this.status.kind === "busy" || this.status.kind === "knocking") {
          this.running = false;
          return;
        }
        continue;
      }
      this.cursor = answer.cursor;
      this.deliver(answer.frames);
      if (this.options.mode === "poll") await new Promise((r) => (this.timer = setTimeout(r, POLL_EVERY_MS)));
    }
  }

  /** One HTTP exchange; null when it failed (and the status says how) or was aborted. */
  private async request(url: string, init: RequestInit): Promise<PollAnswer | PollPostAnswer | null> {
    const abort = new AbortController();
    if (init.method !== "POST") this.abort = abort;
    this.options.onRequest?.();
    let res: Response;
    let text: string;
    try {
      // The key in a header, never the URL (which logs and the history keep).
      const headers: Record<string, string> =
        this.options.host === undefined ? {} : { Authorization: `Bearer ${this.options.host}` };
      res = await this.fetch(url, { ...init, headers, signal: abort.signal, cache: "no-store" });
      text = await res.text();
      this.options.onExchange?.({
        method: init.method ?? "GET",
        path: redactPath(url),
        requestHeaders: Object.entries(headers).map(redactHeader),
        ...(typeof init.body === "string" && { requestBody: init.body }),
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers],
        body: text,
        ts: Date.now(),
      });
    } catch {
      if (!abort.signal.aborted) this.dropped();
      return null;
    }
    if (res.ok) {
      if (init.method !== "POST") this.options.onWire?.("in", text);
      return JSON.parse(text) as PollAnswer | PollPostAnswer;
    }
    let error: { code?: string; message?: string; retryAfterMs?: number } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // Not ours (a proxy's page): a retry, as for any other failure.
    }
    // A POST over the frame limit (413) ends nothing: it is the error frame a socket would get.
    if (init.method === "POST" && error?.code === "frame_too_large") {
      return { frames: [{ type: "error", code: "frame_too_large", message: error.message ?? "" }] };
    }
    this.ended(error?.code ?? "", error?.retryAfterMs);
    return null;
  }

  protected deliver(frames: ServerFrame[]): void {
    if (frames.some((f) => f.type === "welcome")) {
      this.attempt = 0;
      this.busyAttempt = 0;
      this.setStatus({ kind: "online" });
    }
    this.options.onFrames(frames);
  }

  /** An HTTP refusal or ending: final like the WebSocket's refusals, or a retry. */
  protected ended(code: string, retryAfterMs?: number): void {
    if (code === "join_busy") {
      const delay = busyDelay(retryAfterMs ?? 1000, this.busyAttempt++, this.options.random);
      this.setStatus({ kind: "busy", at: Date.now() + delay });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.running = false;
        this.open();
      }, delay);
      return;
    }
    if (code === "room_locked") {
      // Locked out: a knock; asked again quietly (see Connection).
      this.setStatus({ kind: "knocking" });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.running = false;
        this.open();
      }, TIMINGS.knockRetryMs);
      return;
    }
    if (code === "replaced") {
      this.stopped = true;
      return this.setStatus({ kind: "replaced" });
    }
    if (isRefusal(code)) {
      this.stopped = true;
      return this.setStatus({ kind: "refused", code });
    }
    // `not_joined` (the room forgot us after a timeout): the next poll joins again.
    if (code === "not_joined") {
      this.cursor = undefined;
      return;
    }
    // Anything else (a server error, a proxy's answer): try again after a while.
    this.dropped();
  }

  protected dropped(): void {
    const delay = reconnectDelay(this.attempt++, this.options.random);
    this.setStatus({ kind: "reconnecting", at: Date.now() + delay, why: "dropped" });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = false;
      this.open();
    }, delay);
  }

  protected setStatus(s: Status): void {
    this.status = s;
    this.options.onStatus(s);
  }
}
