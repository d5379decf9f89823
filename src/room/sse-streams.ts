/**
 * @module
 * Members on HTTP that read the room as Server-Sent Events: the streams open right now (in
 * memory; an open stream keeps the room awake). A stream reads the room's feed from its own
 * index, like a long poll that is never answered: on every flush it writes what followed as
 * events, each with the poll cursor after it as its `id:`. At most one write is in flight per
 * stream (the next waits for it): a reader that stops reading makes the room hold nothing but
 * its index, and once the feed no longer keeps what it had not read, its stream ends (its next
 * connection gets a fresh welcome). workerd tells a streamed response nothing when its client
 * goes: every write that resolves counts as the member being answered, a comment keeps a quiet
 * stream written to, and a member whose writes stop resolving leaves `POLL_TIMEOUT_SECONDS` later.
 */
import type { ErrorCode } from "../protocol";
import { errorFrame } from "../protocol-server";
import type { Reader } from "./audience";
import type { Feed } from "./feed";

export interface StreamParts {
  feed: Feed;
  /** Read at every write: a role the room changed since the stream opened counts. */
  reader(): Reader | null;
  /** A write resolved: the member was answered now. */
  answered(at: number): void;
}

interface Stream {
  parts: StreamParts;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  /** The feed index the next event comes from. */
  next: number;
  /** Bytes written and not yet taken by the reader (at most one write's). */
  pending: number;
  timer: ReturnType<typeof setInterval>;
  closed: boolean;
}

const encoder = new TextEncoder();

/** One event: a frame (its JSON is one line) and the cursor a reconnect resumes from. */
export const sseEvent = (json: string, id: string): string => `id: ${id}\ndata: ${json}\n\n`;

export class SseStreams {
  private readonly open = new Map<string, Stream>();

  constructor(private readonly commentMs: () => number) {}

  /**
   * A stream for the member of `key`, reading the feed from `next`, that starts with `first`
   * (a welcome, or nothing); another stream of the same name ends first, with no leave.
   */
  start(key: string, parts: StreamParts, next: number, first: string): ReadableStream<Uint8Array> {
    this.end(key, null);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const stream: Stream = {
      parts,
      writer: writable.getWriter(),
      next,
      pending: 0,
      closed: false,
      timer: setInterval(() => this.write(stream, ":\n\n"), this.commentMs()),
    };
    this.open.set(key, stream);
    // A resume with nothing new still writes at once (a comment): every write is a sign of life.
    this.write(stream, first === "" ? ":\n\n" : first);
    return readable;
  }

  /** For tests: what the room holds for the stream of `key` that its reader has not taken. */
  pendingBytes(key: string): number | null {
    return this.open.get(key)?.pending ?? null;
  }

  /** New frames in the feed: every stream not waiting on its reader writes them. */
  wake(): void {
    for (const s of this.open.values()) this.pump(s);
  }

  /** The member left (or its stream was replaced): an ending it can show goes first, then the stream closes. */
  end(key: string, code: ErrorCode | null): void {
    const s = this.open.get(key);
    if (s === undefined) return;
    this.open.delete(key);
    s.closed = true;
    clearInterval(s.timer);
    // Queued after a write in flight, if any: one small chunk more, never a queue.
    const last = code === null ? Promise.resolve() : s.writer.write(chunk(endEvent(code)));
    last
      .then(
        () => s.writer.close(),
        () => undefined,
      )
      .catch(() => undefined);
  }

  private pump(s: Stream): void {
    if (s.closed) return;
    // Behind past what the feed keeps (its reader stopped reading): it cannot go on without a gap.
    if (!s.parts.feed.keeps(s.next)) return this.cutOff(s);
    const reader = s.parts.reader();
    if (s.pending > 0 || reader === null) return;
    const got = s.parts.feed.read(s.next, reader);
    if (!got.known) return this.cutOff(s);
    if (got.frames.length === 0) {
      s.next = got.next;
      return;
    }
    const text = got.indices.map((index, i) => sseEvent(got.frames[i]!, s.parts.feed.cursor(index + 1))).join("");
    s.next = got.next;
    this.write(s, text);
  }

  private write(s: Stream, text: string): void {
    if (s.closed || text === "") return;
    // A comment while a write waits adds nothing: the reader is not reading.
    if (s.pending > 0) return;
    const bytes = chunk(text);
    s.pending = bytes.byteLength;
    s.writer.write(bytes).then(
      () => {
        s.pending = 0;
        s.parts.answered(Date.now());
        this.pump(s);
      },
      // The client went (or the stream was cancelled): nothing more is written; the member
      // leaves when its timeout passes.
      () => this.forget(s),
    );
  }

  /** Ends a stream whose reader fell behind; its member stays until it reconnects or times out. */
  private cutOff(s: Stream): void {
    this.forget(s);
    s.writer.abort().catch(() => undefined);
  }

  /** Nothing more is written to `s`, and the room keeps nothing of it. */
  private forget(s: Stream): void {
    for (const [key, open] of this.open) if (open === s) this.open.delete(key);
    s.closed = true;
    clearInterval(s.timer);
  }
}

const chunk = (text: string): Uint8Array => encoder.encode(text);
/** The ending as a socket gets it before its close: an error frame (no id: nothing to resume). */
const endEvent = (code: ErrorCode): string => `data: ${JSON.stringify(errorFrame(code))}\n\n`;
