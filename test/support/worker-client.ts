/**
 * @module
 * A real WebSocket through the Worker (`SELF`), as a workers-pool test sees it, and the room
 * helpers those tests share.
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { roomStub } from "../../src/room/chat-room";
import type { ChatMessage, ErrorFrame, PresenceFrame, WelcomeFrame } from "../../src/protocol";
import { FrameQueue } from "./frame-queue";

export const ORIGIN = "http://example.com";
const WAIT_MS = 3000;

export interface Closed {
  code: number;
  reason: string;
}

export class TestClient extends FrameQueue {
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    super(WAIT_MS);
    ws.addEventListener("message", (e) => this.push(e.data as string));
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", (e) => {
        resolve({ code: e.code, reason: e.reason });
        this.wake();
      }),
    );
  }

  message(): Promise<ChatMessage> {
    return this.nextOf("message");
  }
  /** The next `n` messages, whatever other frames come between them. */
  async messages(n: number): Promise<ChatMessage[]> {
    const got: ChatMessage[] = [];
    while (got.length < n) {
      const f = await this.next(`message ${got.length + 1} of ${n}`);
      if (f.type === "message") got.push(f);
    }
    return got;
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
  epoch?: string;
  host?: string;
  origin?: string;
  headers?: Record<string, string>;
}

/** Opens `GET /ws/:room/:name` and returns the client (welcome not yet consumed). */
export async function open(room: string, name: string, options: ConnectOptions = {}): Promise<TestClient> {
  const url = new URL(`${ORIGIN}/ws/${encodeURIComponent(room)}/${encodeURIComponent(name)}`);
  if (options.session !== undefined) url.searchParams.set("session", options.session);
  if (options.since !== undefined) url.searchParams.set("since", String(options.since));
  if (options.epoch !== undefined) url.searchParams.set("epoch", options.epoch);
  if (options.host !== undefined) url.searchParams.set("host", options.host);
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

/** Makes a name's sockets look as if they connected `ms` ago and never pinged. */
export async function backdateConnections(room: string, name: string, ms: number): Promise<void> {
  await runInDurableObject(roomStub(env, room), (_instance, state) => {
    for (const ws of state.getWebSockets()) {
      const att = ws.deserializeAttachment() as { roomcast: { name: string; connectedAt: number } };
      if (att.roomcast.name === name) {
        att.roomcast.connectedAt -= ms;
        ws.serializeAttachment(att);
      }
    }
  });
}

/** Claims the room's host role over HTTP; returns the key. */
export async function claimHost(room: string): Promise<string> {
  const res = await SELF.fetch(`${ORIGIN}/api/rooms/${encodeURIComponent(room)}/host`, { method: "POST" });
  if (res.status !== 201)
    throw new Error(`expected 201 for the claim of ${room}, got ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { hostKey: string }).hostKey;
}

/** A room with a host in it: the key and the host's client. */
export async function hostedRoom(hostName = "Teacher") {
  const room = uniqueRoom();
  const key = await claimHost(room);
  const host = await join(room, hostName, { host: key, session: session() });
  return { room, key, host };
}

/** Sends texts from `who` (with ids) and waits until `everyone` has them; returns the messages. */
export async function said(who: TestClient, texts: string[], everyone: TestClient[]): Promise<ChatMessage[]> {
  for (const t of texts) who.say(t, crypto.randomUUID());
  let got: ChatMessage[] = [];
  for (const c of everyone) {
    got = [];
    for (const _ of texts) got.push(await c.skipTo("message"));
  }
  return got;
}

/** A refused join: one `error` frame with the code and a sentence, then the close (4000 + status). */
export async function expectRefused(client: TestClient, code: string, closeCode: number): Promise<void> {
  const error = await client.error();
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/\w+ \w+/);
  expect(await client.closed).toEqual({ code: closeCode, reason: code });
  expect(client.unread).toEqual([]);
}
