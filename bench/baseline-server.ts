/**
 * @module
 * The baseline: a bare Node `ws` server with Roomcast's route and message JSON, and nothing else.
 * Rooms are sets of sockets; every message gets the room's next `seq` and is sent to every socket
 * of the room (sender included) with one `send` per socket per message. No validation, no storage,
 * no coalescing, no presence, no welcome.
 *
 * Run on its own: `npx tsx bench/baseline-server.ts [port]` (prints `listening <port>`).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { type ChatMessage, type ClientMessage, HTTP_ONLY_CODES, PING, PONG } from "../src/protocol";

interface Room {
  sockets: Set<WebSocket>;
  seq: number;
}

export function startBaseline(port = 0): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const rooms = new Map<string, Room>();
  const server = createServer((_req, res) => {
    const { status, message } = HTTP_ONLY_CODES.upgrade_required;
    res.writeHead(status, { "content-type": "text/plain" }).end(message);
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (req, socket, head) => {
    const m = /^\/ws\/([^/?]+)\/([^/?]+)/.exec(req.url ?? "");
    if (m === null) return socket.destroy();
    const roomName = decodeURIComponent(m[1]!);
    const from = decodeURIComponent(m[2]!);
    wss.handleUpgrade(req, socket, head, (ws) => {
      let r = rooms.get(roomName);
      if (r === undefined) {
        r = { sockets: new Set(), seq: 0 };
        rooms.set(roomName, r);
      }
      r.sockets.add(ws);
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        const raw = data.toString();
        if (raw === PING) return ws.send(PONG);
        // Unchecked on purpose: only the type is looked at, the rest is passed on as it came.
        let frame: Partial<ClientMessage>;
        try {
          frame = JSON.parse(raw);
        } catch {
          return;
        }
        if (frame.type !== "message") return;
        const out: ChatMessage = {
          type: "message",
          seq: ++r.seq,
          ts: Date.now(),
          from,
          role: "member",
          text: frame.text!,
        };
        if (frame.id !== undefined) out.id = frame.id;
        const json = JSON.stringify(out);
        for (const s of r.sockets) s.send(json);
      });
      ws.on("close", () => {
        r.sockets.delete(ws);
        if (r.sockets.size === 0) rooms.delete(roomName);
      });
      ws.on("error", () => ws.terminate());
    });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const close = () =>
        new Promise<void>((done) => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          server.close(() => done());
        });
      resolve({ server, port: (server.address() as AddressInfo).port, close });
    });
  });
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  const b = await startBaseline(Number(process.argv[2] ?? 0));
  console.log(`listening ${b.port}`);
  const stop = () => void b.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // Bounded: a forgotten baseline ends by itself after an hour.
  setTimeout(stop, 3_600_000).unref();
}
