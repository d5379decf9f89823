/**
 * A Node `ws` client for tests against a real `wrangler dev`: frames in order (arrays
 * flattened), every wait bounded by a timeout that says what was expected.
 */
import WebSocket from "ws";
import { parseServerData, type ServerFrame } from "../../src/protocol";

export class NodeClient {
  readonly frames: ServerFrame[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data, isBinary) => {
      const text = data.toString();
      if (!isBinary && text !== "pong") this.frames.push(...parseServerData(text));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string): Promise<NodeClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new NodeClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  async next(what = "a frame", ms = 10_000): Promise<ServerFrame> {
    const deadline = Date.now() + ms;
    while (this.cursor >= this.frames.length) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
    return this.frames[this.cursor++]!;
  }

  async nextOf<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next(`a ${type} frame`);
    if (frame.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(frame)}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): void {
    this.ws.terminate();
  }
}
