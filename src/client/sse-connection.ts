/**
 * @module
 * The room as Server-Sent Events: one `GET /sse/` that stays open and brings every frame as an
 * event (the welcome first), each with its cursor as the event's id; frames go out as a
 * `PollConnection`'s do, one `POST /poll/` each. A member's tab reads the stream with
 * `EventSource`; a host's, which must send its key in `Authorization` (an `EventSource` sends no
 * header of ours), reads it with `fetch`, and so does the attempt after an `EventSource` that
 * failed before any event (only `fetch` can read a refusal's status and code). Reconnects are the
 * page's own, from the last cursor (and `since`, should the room have forgotten it), with the
 * same backoff as every transport.
 */
import { type ServerFrame, isPollEnd } from "../protocol";
import { redactHeader, redactPath } from "./exchange";
import { PollConnection } from "./poll-connection";

export class SseConnection extends PollConnection {
  private source: EventSource | null = null;
  /** The next attempt reads with `fetch` (the last `EventSource` failed before any event). */
  private viaFetch = false;

  private streamUrl(): string {
    const q = new URLSearchParams({ session: this.options.session });
    if (this.cursor !== undefined) q.set("cursor", this.cursor);
    const since = this.options.since();
    const epoch = this.options.epoch?.();
    if (since !== undefined) q.set("since", String(since));
    if (since !== undefined && epoch !== undefined) q.set("epoch", epoch);
    const { base, room, name } = this.options;
    return `${base}/sse/${encodeURIComponent(room)}/${encodeURIComponent(name)}?${q}`;
  }

  protected override async loop(): Promise<void> {
    this.options.onRequest?.();
    // A knock at a locked room is answered 423 again and again: only `fetch` reads that.
    const fetchIt = this.options.host !== undefined || this.viaFetch || this.status.kind === "knocking";
    if (fetchIt || typeof EventSource === "undefined") {
      this.viaFetch = false;
      return this.readWithFetch(this.streamUrl());
    }
    const url = this.streamUrl();
    const source = new EventSource(url);
    this.source = source;
    let got = false;
    source.onopen = () => {
      // An EventSource opens only on a 200 of text/event-stream, and lets the page read no header.
      this.exchange(url, {}, 200, "OK", [], "");
      this.opened();
    };
    source.onmessage = (e) => {
      got = true;
      if (this.event(e.data, e.lastEventId)) this.close();
    };
    source.onerror = () => {
      // The browser would reconnect by itself, from `Last-Event-ID`; the page does, with its backoff.
      this.close();
      if (this.stopped) return;
      if (got) return this.dropped();
      this.viaFetch = true;
      this.running = false;
      this.open();
    };
  }

  /** The stream through `fetch`: a refusal is its JSON error, else events as they arrive. */
  private async readWithFetch(url: string): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    try {
      const headers: Record<string, string> = { Accept: "text/event-stream" };
      if (this.options.host !== undefined) headers.Authorization = `Bearer ${this.options.host}`;
      const res = await this.fetch(url, { headers, signal: abort.signal, cache: "no-store" });
      if (!res.ok || res.body === null) {
        const text = await res.text();
        this.exchange(url, headers, res.status, res.statusText, [...res.headers], text);
        let error: { code?: string; retryAfterMs?: number } | undefined;
        try {
          error = (JSON.parse(text) as { error?: typeof error }).error;
        } catch {
          // Not ours (a proxy's page): a retry.
        }
        return this.ended(error?.code ?? "", error?.retryAfterMs);
      }
      // The body is the stream: its events follow, one by one, as frames.
      this.exchange(url, headers, res.status, res.statusText, [...res.headers], "");
      this.opened();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
        for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1] ?? "";
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data !== undefined && this.event(data, id)) {
            abort.abort();
            return;
          }
        }
      }
    } catch {
      if (abort.signal.aborted) return;
    }
    if (!this.stopped) this.dropped();
  }

  /** One event: a frame, its cursor kept. True when it ended the stream (the room's ending). */
  private event(data: string, id: string): boolean {
    this.options.onWire?.("in", data);
    const frame = JSON.parse(data) as ServerFrame;
    if (id !== "") this.cursor = id;
    // The room ends the stream after an error that ends the member (removed, replaced, its timeout).
    if (frame.type === "error" && (isPollEnd(frame.code) || frame.code === "heartbeat_timeout")) {
      if (frame.code === "heartbeat_timeout") this.cursor = undefined;
      this.ended(frame.code);
      return true;
    }
    this.deliver([frame]);
    return false;
  }

  /** The stream's opening, for the teaching panel (secrets redacted). */
  private exchange(
    url: string,
    requestHeaders: Record<string, string>,
    status: number,
    statusText: string,
    headers: [string, string][],
    body: string,
  ): void {
    this.options.onExchange?.({
      method: "GET",
      path: redactPath(url),
      requestHeaders: Object.entries(requestHeaders).map(redactHeader),
      status,
      statusText,
      headers,
      body,
      ts: Date.now(),
    });
  }

  /** The stream is up. A resume from a cursor brings no welcome: this is when it is back online. */
  private opened(): void {
    if (this.cursor === undefined || this.status.kind === "online") return;
    this.attempt = 0;
    this.setStatus({ kind: "online" });
  }

  override resume(): void {
    // Missing frames: a new stream from `since`, with a welcome.
    this.cursor = undefined;
    this.close();
    if (this.stopped) return;
    this.running = false;
    this.open();
  }

  override leave(): void {
    this.close();
    super.leave();
  }

  private close(): void {
    this.source?.close();
    this.source = null;
    this.abort?.abort();
  }
}
