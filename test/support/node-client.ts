/**
 * @module
 * A Node `ws` client for tests against a real server (`wrangler dev`, `npm run serve`).
 */
import WebSocket from "ws";
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

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  close(): void {
    this.ws.terminate();
  }
}
