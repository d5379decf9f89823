/**
 * @module
 * `npm run bench:transports`: what one chat message costs a receiver on each transport, measured
 * on the wire (TCP bytes both ways, headers included) against `npm run serve`: a WebSocket
 * member, a Server-Sent Events stream, a long poller and a poller (`wait=0` every 2 s) in one
 * room, while one member sends a message every 500 ms (`--quick`: 6 messages instead of 30). The WebSocket clients offer `permessage-deflate` as browsers do (the room
 * declines it). Prints a markdown table: requests, bytes and delay per message.
 */
import http from "node:http";
import type { Socket } from "node:net";
import WebSocket from "ws";
import { type ClientMessage, LIMITS, type PollAnswer, type ServerFrame, parseServerData } from "../src/protocol";
import { startServe } from "../test/support/serve";

const MESSAGES = process.argv.includes("--quick") ? 6 : 30;
const EVERY_MS = 500;
const ROOM = `cost-${Date.now().toString(36)}`;

interface Receiver {
  name: string;
  requests: number;
  sockets: Set<Socket>;
  delays: number[];
  bytes(): number;
}

function receiver(name: string): Receiver {
  const sockets = new Set<Socket>();
  return {
    name,
    requests: 0,
    sockets,
    delays: [],
    bytes: () => [...sockets].reduce((sum, s) => sum + s.bytesRead + s.bytesWritten, 0),
  };
}

/** Counts the delay of every bench message in `frames` (its text is its send time). */
function seen(r: Receiver, frames: ServerFrame[]): void {
  for (const f of frames)
    if (f.type === "message" && f.text.startsWith("t=")) r.delays.push(Date.now() - Number(f.text.slice(2)));
}

async function main(): Promise<void> {
  const server = await startServe({ vars: { RATE_LIMIT_PER_SECOND: 100, RATE_LIMIT_BURST: 100 } });
  const base = server.url;
  const wsBase = base.replace("http", "ws");
  // One keep-alive connection per poller, as a browser would reuse it; its socket is counted.
  const get = (r: Receiver, agent: http.Agent, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      r.requests++;
      const req = http.get(`${base}${path}`, { agent }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("socket", (s: Socket) => r.sockets.add(s));
      req.on("error", reject);
    });
  try {
    const sender = new WebSocket(`${wsBase}/ws/${ROOM}/Teacher`, { perMessageDeflate: true });
    await new Promise((r) => sender.once("open", r));

    const ws = receiver("WebSocket");
    ws.requests = 1; // the upgrade
    const wsClient = new WebSocket(`${wsBase}/ws/${ROOM}/Socket`, { perMessageDeflate: true });
    wsClient.on("upgrade", (res) => ws.sockets.add(res.socket as Socket));
    wsClient.on("message", (d) => seen(ws, parseServerData(d.toString())));
    await new Promise((r) => wsClient.once("open", r));

    // One GET held open for the whole run; its events parsed as they arrive.
    const sse = receiver("Server-Sent Events");
    const sseAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    sse.requests = 1;
    const sseReq = http.get(
      `${base}/sse/${ROOM}/Stream?session=bench-sse-${Date.now().toString(36)}`,
      { agent: sseAgent, headers: { Accept: "text/event-stream" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
          for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
            const data = /^data: (.*)$/m.exec(text.slice(0, cut))?.[1];
            if (data !== undefined) seen(sse, [JSON.parse(data) as ServerFrame]);
            text = text.slice(cut + 2);
          }
        });
      },
    );
    sseReq.on("socket", (s: Socket) => sse.sockets.add(s));

    const pollers = [receiver("Long polling"), receiver("Polling (every 2 s)")];
    let running = true;
    const loops = pollers.map(async (r, i) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let cursor = "";
      const session = `bench-${i}-${Date.now().toString(36)}`;
      while (running) {
        const wait = i === 0 && cursor !== "" ? LIMITS.pollMaxWaitSeconds : 0;
        const q = `session=${session}&wait=${wait}${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await get(r, agent, `/poll/${ROOM}/${i === 0 ? "Long" : "Poll"}?${q}`);
        const answer = JSON.parse(res.body) as PollAnswer;
        cursor = answer.cursor;
        seen(r, answer.frames);
        if (i === 1) await new Promise((s) => setTimeout(s, 2000));
      }
      agent.destroy();
    });
    // Everyone in, and a quiet moment, before counting.
    await new Promise((r) => setTimeout(r, 3000));
    const all = [ws, sse, ...pollers];
    const start = all.map((r) => ({ bytes: r.bytes(), requests: r.requests }));
    for (let k = 0; k < MESSAGES; k++) {
      sender.send(JSON.stringify({ type: "message", text: `t=${Date.now()}` } satisfies ClientMessage));
      await new Promise((r) => setTimeout(r, EVERY_MS));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const rows = all.map((r, i) => {
      const sorted = [...r.delays].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
      return {
        name: r.name,
        got: r.delays.length,
        requests: (r.requests - start[i]!.requests) / MESSAGES,
        bytes: (r.bytes() - start[i]!.bytes) / MESSAGES,
        p50: q(0.5),
        max: sorted.at(-1) ?? Number.NaN,
      };
    });
    running = false;
    sender.close();
    wsClient.close();
    sseReq.destroy();
    sseAgent.destroy();
    process.stdout.write(
      `What one message costs a receiver, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ` +
        `npm run serve on 127.0.0.1, ${MESSAGES} messages at one per ${EVERY_MS} ms; bytes are TCP payload both ways, headers included.\n\n` +
        "| transport | messages received | HTTP requests per message | bytes on the wire per message | delay p50 / max ms |\n" +
        "|---|---|---|---|---|\n" +
        rows
          .map(
            (r) =>
              `| ${r.name} | ${r.got} / ${MESSAGES} | ${r.requests.toFixed(2)} | ${Math.round(r.bytes)} | ${Math.round(r.p50)} / ${Math.round(r.max)} |`,
          )
          .join("\n") +
        "\n",
    );
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 30_000))]);
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
