/**
 * @module
 * What both test clients (the Worker's `SELF` socket and Node's `ws`) share: every server frame
 * in order (arrays flattened), consumed one at a time, every wait bounded by a timeout whose
 * message says what was expected and what arrived instead.
 */
import {
  type ChatMessage,
  type HistoryEntry,
  PONG,
  type ServerFrame,
  isMessage,
  parseServerData,
} from "../../src/protocol";

export class FrameQueue {
  /** Every frame received, in order; `next` consumes from `cursor`. */
  readonly frames: ServerFrame[] = [];
  /** Raw text messages that are not JSON (the `pong` answer). */
  readonly texts: string[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly waitMs: number) {}

  /** Feeds one text message from the socket. */
  push(data: string): void {
    if (data === PONG) this.texts.push(data);
    else this.frames.push(...parseServerData(data));
    this.wake();
  }

  /** Wakes the waiters without a frame (the socket closed). */
  wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `ready()` gives a value, or fails after `ms` saying what was awaited. */
  async until<T>(what: string, ready: () => T | undefined, ms = this.waitMs): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out after ${ms} ms waiting for ${what}; unread frames: ${JSON.stringify(this.unread)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next frame, whatever it is. */
  next(what = "a frame", ms?: number): Promise<ServerFrame> {
    return this.until(what, () => (this.cursor < this.frames.length ? this.frames[this.cursor++] : undefined), ms);
  }

  /** The next frame, which must be of this type. */
  async nextOf<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next(`a ${type} frame`);
    if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  /** Skips ahead to the next frame of this type (other frames are consumed and dropped). */
  async skipTo<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    for (;;) {
      const frame = await this.next(`a ${type} frame`);
      if (frame.type === type) return frame as Extract<ServerFrame, { type: T }>;
    }
  }

  /** What arrived and was not consumed yet (use after a barrier frame). */
  get unread(): ServerFrame[] {
    return this.frames.slice(this.cursor);
  }
}

/** A history entry that must be a message (a closed poll there fails the test that expected messages). */
export function asMessage(e: HistoryEntry): ChatMessage {
  if (!isMessage(e)) throw new Error(`expected a message in the history, got ${JSON.stringify(e)}`);
  return e;
}
