import http from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ServerFrame } from "../../src/protocol";
import { type SharedServer, SERVE_VARS, sharedServer } from "../support/shared-server";

const room = () => `sse-${Math.random().toString(36).slice(2, 10)}`;

interface Live {
  status: number;
  /** Every `data:` frame so far, and whether the response has ended. */
  frames: ServerFrame[];
  ended: () => boolean;
  /** Resolves with the frames once `ready` holds for them, while the response is still open. */
  until: (ready: (frames: ServerFrame[]) => boolean) => Promise<ServerFrame[]>;
  close: () => void;
}

/** A real HTTP/1.1 client on a real socket: what a browser's EventSource gets, byte for byte, as it arrives. */
function openStream(base: string, path: string): Promise<Live> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { Accept: "text/event-stream" } }, (res) => {
      const frames: ServerFrame[] = [];
      let ended = false;
      let text = "";
      const waiters: (() => void)[] = [];
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        for (let cut = text.indexOf("\n\n"); cut >= 0; cut = text.indexOf("\n\n")) {
          for (const line of text.slice(0, cut).split("\n"))
            if (line.startsWith("data: ")) frames.push(JSON.parse(line.slice(6)) as ServerFrame);
          text = text.slice(cut + 2);
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on("end", () => {
        ended = true;
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        status: res.statusCode ?? 0,
        frames,
        ended: () => ended,
        until: (ready) =>
          new Promise((ok, fail) => {
            const check = () => {
              if (ready(frames)) return ok(frames);
              if (ended) return fail(new Error(`the stream ended first: ${JSON.stringify(frames)}`));
              waiters.push(check);
            };
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}

// A proxy that buffers a streamed body (wrangler dev's is one process in front of workerd) would
// hold every event until the stream ends: the welcome, and a message after it, must arrive while
// the stream is open.
describe.each([
  ["npm run serve", () => sharedServer("npm run serve", SERVE_VARS)],
  ["wrangler dev", () => sharedServer("wrangler dev")],
])("a Server-Sent Events stream on %s", (_, start) => {
  let server: SharedServer;
  beforeAll(async () => {
    server = await start();
  }, 120_000);

  it("delivers its first event, and a message sent later, before the stream ends", async () => {
    const r = room();
    const stream = await openStream(server.url, `/sse/${r}/Ali?session=s${Date.now().toString(36)}`);
    expect(stream.status).toBe(200);
    await stream.until((f) => f[0]?.type === "welcome");
    const sara = new WebSocket(`${server.url.replace("http", "ws")}/ws/${r}/Sara`);
    await new Promise((ok) => sara.once("open", ok));
    sara.send(JSON.stringify({ type: "message", text: "live" }));
    const frames = await stream.until((f) => f.some((x) => x.type === "message"));
    expect(frames.find((x) => x.type === "message")).toMatchObject({ text: "live" });
    expect(stream.ended()).toBe(false);
    sara.close();
    stream.close();
  });
});
