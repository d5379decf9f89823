/**
 * @module
 * A Node `ws` client for tests against a real server (`wrangler dev`, `npm run serve`), and a
 * student knocking at a locked room with it (`knocker`).
 */
import WebSocket from "ws";
import { type ChatMessage, LIMITS, type ServerFrame, randomId } from "../../src/protocol";
import { FrameQueue } from "./frame-queue";

export class NodeClient extends FrameQueue {
  private constructor(readonly ws: WebSocket) {
    super(10_000);
    ws.on("message", (data, isBinary) => {
      if (!isBinary) this.push(data.toString());
    });
    ws.on("close", () => this.wake());
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<NodeClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new NodeClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  /**
   * A member played by a protocol client, for a test that looks only at other people's pages (a
   * tab costs a renderer, about 0.4 s of CPU): joins `room` on `server` (its http:// URL) as
   * `name`, with a session of its own as a tab has, and resolves once welcomed.
   */
  static async join(server: string, room: string, name: string): Promise<NodeClient> {
    const path = `${encodeURIComponent(room)}/${encodeURIComponent(name)}?session=${randomId()}`;
    const c = await NodeClient.open(`${server.replace(/^http/, "ws")}/ws/${path}`);
    await c.skipTo("welcome");
    return c;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /**
   * Sends `text` and waits for the room's echo of it: what a tab's `say` and `allConfirmed` give.
   * One at a time, so a sender stays within the rate limit (it never sends again, as a tab does
   * after `rate_limited`); a refusal throws.
   */
  async say(text: string): Promise<ChatMessage> {
    const id = randomId();
    this.send({ type: "message", text, id });
    const answer = await this.until(`the echo of ${JSON.stringify(text)}`, () =>
      this.frames.find((f) => (f.type === "message" || f.type === "error") && f.id === id),
    );
    if (answer.type === "error") throw new Error(`the room refused ${JSON.stringify(text)}: ${JSON.stringify(answer)}`);
    return answer as ChatMessage;
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A student at a locked room, as a protocol client: what `knocker` returns. */
export interface Knocker {
  /** The first `room_locked`: the knock is made (the hosts get the list within 250 ms). */
  readonly knocked: Promise<void>;
  /** The client the room welcomed (after Let in, or an unlock); it stays in the room until `stop`. */
  readonly admitted: Promise<NodeClient>;
  /** Stops knocking and closes its socket (the welcomed one too); resolves when nothing is left open. */
  stop(): Promise<void>;
}

/**
 * Asks again this often: a knock lapses `LIMITS.knockLapseMs` (20 s) after its last retry, so
 * ten tries fit in its life even on a loaded machine. (The page asks every `knockRetryMs`.)
 */
const KNOCK_AGAIN_MS = LIMITS.knockLapseMs / 10;

/**
 * Knocks at locked room `room` on `server` (its http:// URL) as `name` with a session of its own,
 * as the waiting page does, for a test that looks only at the host's side: each try is one socket
 * that gets one `error` `room_locked` (and is closed), and it tries again every `KNOCK_AGAIN_MS`
 * so that its knock stays on the list. Once let in, the next try gets `welcome`: that socket stays open
 * (`admitted`). Refused (`knock_refused`), it stops asking, as the page does. Any other answer
 * fails `knocked` and `admitted`. No timeout of its own: the test's waits bound it, and `stop`
 * (after the test) ends it, leaving no timer or socket behind.
 */
export function knocker(server: string, room: string, name: string): Knocker {
  const path = `${encodeURIComponent(room)}/${encodeURIComponent(name)}?session=knock-${randomId()}`;
  const url = `${server.replace(/^http/, "ws")}/ws/${path}`;
  const knocked = deferred<void>();
  const admitted = deferred<NodeClient>();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let socket: NodeClient | undefined;
  let running = Promise.resolve();

  const end = (why: Error) => {
    stopped = true;
    knocked.reject(why);
    admitted.reject(why);
  };
  const attempt = async () => {
    timer = undefined;
    try {
      socket = await NodeClient.open(url);
      if (stopped) return socket.close();
      const first = await firstFrame(socket);
      if (first?.type === "welcome") {
        knocked.reject(new Error(`${name} was let in without knocking`));
        return admitted.resolve(socket);
      }
      socket.close();
      socket = undefined;
      if (stopped) return;
      if (first?.type === "error" && first.code === "room_locked") {
        knocked.resolve();
        timer = setTimeout(() => {
          running = attempt();
        }, KNOCK_AGAIN_MS);
      } else if (first?.type === "error" && first.code === "knock_refused") {
        end(new Error(`${name} was refused`));
      } else {
        end(new Error(`${name}'s knock got ${JSON.stringify(first ?? "a close")}`));
      }
    } catch (e) {
      end(e instanceof Error ? e : new Error(String(e)));
    }
  };
  running = attempt();
  return {
    knocked: knocked.promise,
    admitted: admitted.promise,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
      await running;
      socket?.close();
      end(new Error(`${name}'s knocker was stopped`));
    },
  };
}

/** The first frame a fresh socket gets, or undefined if it closes first; no timer to outlive it. */
function firstFrame(c: NodeClient): Promise<ServerFrame | undefined> {
  return new Promise((resolve) => {
    const done = () => resolve(c.frames[0]);
    if (c.frames.length > 0 || c.ws.readyState >= WebSocket.CLOSING) return done();
    c.ws.once("message", done);
    c.ws.once("close", done);
  });
}

/**
 * A promise settled from outside, its rejection marked handled: a knocker's `admitted` that no
 * test awaits may reject (stopped, refused) without an unhandled rejection failing the run.
 */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (why: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
