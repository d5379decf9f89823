/**
 * @module
 * A member reading the room as Server-Sent Events, as a workers-pool test sees it: `GET /sse/...`
 * through the Worker (`SELF`), its body read as it arrives and parsed into events (each with its
 * `id:`); sending goes through `POST /poll/` (a `PollClient` of the same name and session).
 */
import { SELF } from "cloudflare:test";
import type { HttpErrorBody, ServerFrame } from "../../src/protocol";
import { FrameQueue } from "./frame-queue";
import { PollClient } from "./poll-client";
import { ORIGIN, session as newSession } from "./worker-client";

export interface SseEvent {
  id: string | undefined;
  frame: ServerFrame;
}

export interface SseOptions {
  session?: string;
  host?: string;
  cursor?: string;
  lastEventId?: string;
  headers?: Record<string, string>;
}

/** One open stream: its frames (in a `FrameQueue`), their ids, comments, and whether it ended. */
export class SseStream extends FrameQueue {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(
    readonly response: Response,
    /** false: a reader that does not read (nothing is taken off the stream). */
    read = true,
  ) {
    super(3000);
    this.reader = response.body!.getReader();
    if (read) void this.pump();
  }

  /** The id of the newest event that had one: what a browser sends as `Last-Event-ID`. */
  get lastId(): string | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.id !== undefined) return this.events[i]!.id;
    return undefined;
  }

  /** Resolves once the stream ended (the server closed it). */
  async end(ms = 3000): Promise<void> {
    await this.until("the stream's end", () => (this.ended ? true : undefined), ms);
  }

  /** Stops reading and lets the server's writes fail. */
  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let cut = buffered.indexOf("\n\n");
        while (cut >= 0) {
          this.event(buffered.slice(0, cut));
          buffered = buffered.slice(cut + 2);
          cut = buffered.indexOf("\n\n");
        }
      }
    } catch {
      // Cancelled by the test, or the stream errored: either way it ended.
    }
    this.ended = true;
    this.wake();
  }

  private event(block: string): void {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments++;
      else if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length === 0) return this.wake();
    const json = data.join("\n");
    for (const frame of JSON.parse(`[${json}]`) as ServerFrame[]) this.events.push({ id, frame });
    this.push(json);
  }
}

export class SseClient {
  readonly session: string;
  /** Sends as the same member (`POST /poll/`). */
  readonly poster: PollClient;

  constructor(
    readonly room: string,
    readonly name: string,
    readonly options: SseOptions = {},
  ) {
    this.session = options.session ?? newSession();
    this.poster = new PollClient(room, name, {
      session: this.session,
      ...(options.host !== undefined && { host: options.host }),
    });
  }

  url(cursor?: string): string {
    const url = new URL(`${ORIGIN}/sse/${encodeURIComponent(this.room)}/${encodeURIComponent(this.name)}`);
    url.searchParams.set("session", this.session);
    if (cursor !== undefined) url.searchParams.set("cursor", cursor);
    return url.toString();
  }

  /** `GET /sse/...`: the raw response (a refusal's status and body unread). */
  fetch(options: SseOptions = {}): Promise<Response> {
    const o = { ...this.options, ...options };
    const headers: Record<string, string> = { Accept: "text/event-stream", ...o.headers };
    if (o.host !== undefined) headers.Authorization = `Bearer ${o.host}`;
    if (o.lastEventId !== undefined) headers["Last-Event-ID"] = o.lastEventId;
    return SELF.fetch(this.url(o.cursor), { headers });
  }

  /** Opens the stream; throws unless it is one. */
  async open(options: SseOptions & { read?: boolean } = {}): Promise<SseStream> {
    const res = await this.fetch(options);
    if (res.status !== 200) throw new Error(`expected 200 for the stream, got ${res.status}: ${await res.text()}`);
    return new SseStream(res, options.read ?? true);
  }

  /** Opens the stream and consumes its welcome. */
  async join(options: SseOptions = {}): Promise<SseStream> {
    const stream = await this.open(options);
    await stream.nextOf("welcome");
    return stream;
  }

  /** A refused open: its status and error code (the body a poll's refusal has). */
  async refused(options: SseOptions = {}): Promise<{ status: number; code: string; type: string | null }> {
    const res = await this.fetch(options);
    const body = (await res.json()) as HttpErrorBody;
    return { status: res.status, code: body.error.code, type: res.headers.get("content-type") };
  }

  say(text: string, id?: string) {
    return this.poster.send(id === undefined ? { type: "message", text } : { type: "message", text, id });
  }
}
