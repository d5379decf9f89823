/**
 * A real WebSocket through the Worker, as a test sees it: every server frame in order (arrays
 * flattened), each wait bounded by a timeout whose message says what was expected.
 */
import { SELF } from "cloudflare:test";
import {
  parseServerData,
  type ChatMessage,
  type ErrorFrame,
  type PresenceFrame,
  type ServerFrame,
  type WelcomeFrame,
} from "../../src/protocol";

export const ORIGIN = "http://example.com";
const WAIT_MS = 3000;

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient {
  /** Every frame received, in order; `next` consumes from `cursor`. */
  readonly frames: ServerFrame[] = [];
  /** Raw text messages that are not JSON (the `pong` answer). */
  readonly texts: string[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      const data = e.data as string;
      if (data === "pong") this.texts.push(data);
      else this.frames.push(...parseServerData(data));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => {
        resolve({ code: e.code, reason: e.reason });
        this.wake();
      }),
    );
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until<T>(what: string, ready: () => T | undefined, ms = WAIT_MS): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = ready();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${ms} ms waiting for ${what}; unread frames: ${JSON.stringify(this.frames.slice(this.cursor))}`,
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** The next frame, whatever it is. */
  next(what = "a frame"): Promise<ServerFrame> {
    return this.until(what, () => (this.cursor < this.frames.length ? this.frames[this.cursor++] : undefined));
  }

  /** The next frame, which must be of this type. */
  async nextOf<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next(`a ${type} frame`);
    if (frame.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(frame)}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  message(): Promise<ChatMessage> {
    return this.nextOf("message");
  }
  presence(): Promise<PresenceFrame> {
    return this.nextOf("presence");
  }
  error(): Promise<ErrorFrame> {
    return this.nextOf("error");
  }

  /** Waits for `n` raw text answers (pongs). */
  textCount(n: number): Promise<string[]> {
    return this.until(`${n} text answers`, () => (this.texts.length >= n ? this.texts : undefined));
  }

  /** Nothing is left unread (use after a barrier frame). */
  get unread(): ServerFrame[] {
    return this.frames.slice(this.cursor);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  say(text: string, id?: string): void {
    this.send(id === undefined ? { type: "message", text } : { type: "message", text, id });
  }

  close(code = 1000, reason = "bye"): Promise<Closed> {
    this.ws.close(code, reason);
    return this.closed;
  }
}

export interface ConnectOptions {
  session?: string;
  since?: number | string;
  origin?: string;
  headers?: Record<string, string>;
}

/** Opens `GET /ws/:room/:name` and returns the client (welcome not yet consumed). */
export async function open(room: string, name: string, options: ConnectOptions = {}): Promise<TestClient> {
  const url = new URL(`${ORIGIN}/ws/${encodeURIComponent(room)}/${encodeURIComponent(name)}`);
  if (options.session !== undefined) url.searchParams.set("session", options.session);
  if (options.since !== undefined) url.searchParams.set("since", String(options.since));
  const headers: Record<string, string> = { Upgrade: "websocket", ...options.headers };
  if (options.origin !== undefined) headers.Origin = options.origin;
  const res = await SELF.fetch(url, { headers });
  if (res.status !== 101 || res.webSocket === null) {
    throw new Error(`expected 101 for ${url.pathname}, got ${res.status}: ${await res.text()}`);
  }
  res.webSocket.accept();
  return new TestClient(res.webSocket);
}

/** Opens and consumes the welcome. */
export async function join(
  room: string,
  name: string,
  options: ConnectOptions = {},
): Promise<TestClient & { welcome: WelcomeFrame }> {
  const client = await open(room, name, options);
  const welcome = await client.nextOf("welcome");
  return Object.assign(client, { welcome });
}

/** A room of its own for every test. */
export const uniqueRoom = (prefix = "room"): string => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

export const session = (): string => crypto.randomUUID().replaceAll("-", "");
