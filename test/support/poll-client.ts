/**
 * @module
 * A member on HTTP, as a workers-pool test sees it: `GET /poll/...` to receive (keeping its
 * cursor), `POST /poll/...` to send, through the Worker (`SELF`).
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { vi } from "vitest";
import type { PollAnswer, ServerFrame, WelcomeFrame } from "../../src/protocol";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { ORIGIN, session as newSession } from "./worker-client";

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

export class PollClient {
  cursor: string | undefined;
  readonly session: string;
  /** The host key, sent as `Authorization: Bearer <key>` on every request (never in the URL). */
  host: string | undefined;

  constructor(
    readonly room: string,
    readonly name: string,
    options: { session?: string; host?: string } = {},
  ) {
    this.session = options.session ?? newSession();
    this.host = options.host;
  }

  private get auth(): Record<string, string> {
    return this.host === undefined ? {} : { Authorization: `Bearer ${this.host}` };
  }

  private url(query: Record<string, string | number | undefined>): string {
    const url = new URL(`${ORIGIN}/poll/${encodeURIComponent(this.room)}/${encodeURIComponent(this.name)}`);
    url.searchParams.set("session", this.session);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /** One poll; keeps the cursor it gets. `wait` defaults to 0 (answer at once). */
  async get(query: Record<string, string | number | undefined> = {}): Promise<HttpAnswer<PollAnswer>> {
    const res = await SELF.fetch(this.url({ cursor: this.cursor, wait: 0, ...query }), { headers: this.auth });
    const body = (await res.json()) as PollAnswer;
    if (res.status === 200) this.cursor = body.cursor;
    return { status: res.status, body };
  }

  /** Polls until it gets the welcome; returns it. */
  async join(query: Record<string, string | number | undefined> = {}): Promise<WelcomeFrame> {
    const { status, body } = await this.get(query);
    if (status !== 200 || body.frames[0]?.type !== "welcome") {
      throw new Error(`expected a welcome, got ${status}: ${JSON.stringify(body)}`);
    }
    return body.frames[0];
  }

  /** Polls (at once) until `n` message frames arrived; returns every frame seen. */
  async frames(until: (frames: ServerFrame[]) => boolean, tries = 50): Promise<ServerFrame[]> {
    const seen: ServerFrame[] = [];
    for (let i = 0; i < tries && !until(seen); i++) {
      const { status, body } = await this.get({ wait: 1 });
      if (status !== 200) throw new Error(`poll answered ${status}: ${JSON.stringify(body)}`);
      seen.push(...body.frames);
    }
    if (!until(seen)) throw new Error(`polled ${tries} times; got ${JSON.stringify(seen)}`);
    return seen;
  }

  async send(frame: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<{ frames: ServerFrame[] }>> {
    const res = await SELF.fetch(this.url({}), {
      method: "POST",
      body: typeof frame === "string" ? frame : JSON.stringify(frame),
      headers: { ...this.auth, ...headers },
    });
    return { status: res.status, body: (await res.json()) as { frames: ServerFrame[] } };
  }
}

export const messagesIn = (frames: ServerFrame[]) =>
  frames.filter((f) => f.type === "message").map((f) => (f as { text: string }).text);

/** Resolves once the room holds a long poll of `client`'s (the room's own state, not a guess of time). */
export async function pollHeld(client: PollClient): Promise<void> {
  const stub = roomStub(env, client.room);
  await vi.waitFor(
    async () => {
      const held = await runInDurableObject(stub, (room: ChatRoom) => ChatRoom.pollHeldForTests(room, client.name));
      if (!held) throw new Error(`${client.name}'s poll is not held yet`);
    },
    { timeout: 3000, interval: 5 },
  );
}
