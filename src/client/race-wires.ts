/**
 * @module
 * How each lane of the race reaches the room, as a watcher with the host key: a WebSocket
 * (`/ws/:room/~watch?host=`, a browser cannot set a socket's headers), or HTTP
 * (`/poll/:room/~watch`, the key in `Authorization`), long polling or polling every
 * `TIMINGS.pollEveryMs`, or Server-Sent Events (`/sse/:room/~watch`, read with `fetch` and a
 * stream reader: `EventSource` cannot send the key in a header). Each feeds its `Lane`. Bytes: a WebSocket frame's payload is measured
 * (the page reads it) and its header computed (RFC 6455); an HTTP body is measured (Resource
 * Timing's `encodedBodySize` where an entry comes, else its text's bytes); request and response
 * headers are estimated (the page cannot see the browser's own), the response's from the headers
 * the page can read. A lane that breaks says why, and tries again (a refusal ends it).
 */
import { LIMITS, type ServerFrame, parseServerData, randomId, utf8ByteLength } from "../protocol";
import type { Lane } from "./race-lane";
import { TIMINGS } from "./timings";
import { HTTP_HEADER_BYTES, wsHeaderBytes } from "./wire-math";

/** About what the 101 answer carries (status line, Upgrade, Connection, Sec-WebSocket-Accept). */
const UPGRADE_ANSWER_BYTES = 160;
/** The watcher pings as the projector does, well inside the room's heartbeat. */
const PING_EVERY_MS = 20_000;
/** A broken lane tries again after this long. */
const RETRY_MS = 2000;
/** Refusals: the lane stops (another key, or the room's watchers are full). */
const FINAL = new Set(["host_key_invalid", "too_many_watchers", "invalid_room", "bad_request"]);

export interface WireOptions {
  room: string;
  key: string;
  lane: Lane;
}

/** Closes the lane's connection for good. */
export type Stop = () => void;

export function openWebSocket(o: WireOptions): Stop {
  let ws: WebSocket | null = null;
  let stopped = false;
  let ping: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let ending: string | null = null;
  const connect = () => {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // A reconnect resumes after the last message this lane has: what it missed comes in the welcome.
    const since = o.lane.counts.lastSeq;
    const url = `${scheme}://${location.host}/ws/${encodeURIComponent(o.room)}/~watch?host=${o.key}${since === null ? "" : `&since=${since}`}`;
    ending = null;
    o.lane.tick(Date.now(), true);
    o.lane.bytes("up", HTTP_HEADER_BYTES + url.length, true);
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      o.lane.bytes("down", UPGRADE_ANSWER_BYTES, true);
      ping = setInterval(() => send("ping"), PING_EVERY_MS);
    };
    socket.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const at = Date.now();
      const n = utf8ByteLength(e.data);
      o.lane.tick(at, false);
      o.lane.bytes("down", n, false);
      o.lane.bytes("down", wsHeaderBytes(n, false), true);
      if (e.data === "pong") return;
      let frames: ServerFrame[];
      try {
        frames = parseServerData(e.data);
      } catch {
        return;
      }
      for (const f of frames) if (f.type === "error") ending = f.code;
      o.lane.frames(frames, at);
      if (frames.some((f) => f.type === "welcome")) o.lane.broke(null);
    };
    socket.onclose = (e) => {
      clearInterval(ping);
      if (stopped) return;
      const why = ending ?? String(e.code);
      const final = FINAL.has(why);
      o.lane.broke(why, final);
      if (!final) retry = setTimeout(connect, RETRY_MS);
    };
  };
  const send = (data: string) => {
    if (ws?.readyState !== WebSocket.OPEN) return;
    ws.send(data);
    const n = utf8ByteLength(data);
    o.lane.tick(Date.now(), false);
    o.lane.bytes("up", n, false);
    o.lane.bytes("up", wsHeaderBytes(n, true), true);
  };
  connect();
  return () => {
    stopped = true;
    clearInterval(ping);
    clearTimeout(retry);
    ws?.close(1000, "stop");
  };
}

/** Bodies counted from their text, per URL, until Resource Timing's entry for it measures them. */
export class BodyMeter {
  private readonly pending = new Map<string, number[]>();

  constructor(private readonly lane: Lane) {}

  /** A body of `n` bytes was read from `url`: counted now as measured (the page read it). */
  read(url: string, n: number): void {
    this.lane.bytes("down", n, false);
    const list = this.pending.get(url) ?? [];
    list.push(n);
    this.pending.set(url, list);
  }

  /** Resource Timing's entry for `url`: its `encodedBodySize` (compressed, maybe) replaces the text's bytes. */
  entry(url: string, encodedBodySize: number): void {
    const list = this.pending.get(url);
    const counted = list?.shift();
    if (list !== undefined && list.length === 0) this.pending.delete(url);
    if (counted === undefined || encodedBodySize <= 0) return;
    this.lane.bytes("down", encodedBodySize - counted, false);
  }
}

/**
 * The SSE lane: one request, then an event per frame (each a tick, as a WebSocket frame is). The
 * body's bytes are measured as they arrive (Resource Timing has the entry only once a stream
 * ends); a stream that ends or fails is opened again with `Last-Event-ID`, resuming with no gap.
 */
export function openSse(o: WireOptions): Stop {
  const session = randomId();
  let lastId: string | undefined;
  let stopped = false;
  const abort = new AbortController();
  const loop = async () => {
    while (!stopped) {
      const url = new URL(`/sse/${encodeURIComponent(o.room)}/~watch`, location.href);
      url.searchParams.set("session", session);
      const headers: Record<string, string> = { Authorization: `Bearer ${o.key}`, Accept: "text/event-stream" };
      if (lastId !== undefined) headers["Last-Event-ID"] = lastId;
      o.lane.tick(Date.now(), true);
      o.lane.bytes("up", HTTP_HEADER_BYTES + url.href.length + o.key.length + 22, true);
      let why = "network";
      try {
        const res = await fetch(url.href, { headers, cache: "no-store", signal: abort.signal });
        let headerBytes = `HTTP/1.1 ${res.status} ${res.statusText}\r\n\r\n`.length;
        for (const [k, v] of res.headers) headerBytes += k.length + v.length + 4;
        o.lane.bytes("down", headerBytes, true);
        if (!res.ok || res.body === null) {
          why = String(res.status);
          try {
            why = ((await res.json()) as { error: { code: string } }).error.code;
          } catch {
            // A proxy's page: its status says enough.
          }
          const final = FINAL.has(why);
          o.lane.broke(why, final);
          if (final) return;
        } else {
          why = await readEvents(res.body, o.lane, (id) => {
            lastId = id;
          });
          if (stopped) return;
          const final = FINAL.has(why);
          o.lane.broke(why, final);
          if (final) return;
        }
      } catch {
        if (stopped) return;
        o.lane.broke(why);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  };
  void loop();
  return () => {
    stopped = true;
    abort.abort();
  };
}

/** Reads events until the stream ends; returns why it ended (an error event's code, or "closed"). */
async function readEvents(body: ReadableStream<Uint8Array>, lane: Lane, id: (id: string) => void): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  let ending = "network";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return ending === "network" ? "closed" : ending;
    lane.bytes("down", value.byteLength, false);
    buffered += decoder.decode(value, { stream: true });
    let cut = buffered.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      cut = buffered.indexOf("\n\n");
      const at = Date.now();
      lane.tick(at, false);
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("id: ")) id(line.slice(4));
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      if (data.length === 0) continue;
      let frames: ServerFrame[];
      try {
        frames = parseServerData(data.join("\n"));
      } catch {
        continue;
      }
      for (const f of frames) if (f.type === "error") ending = f.code;
      lane.frames(frames, at);
      lane.broke(null);
    }
  }
}

export function openHttp(o: WireOptions & { mode: "long" | "poll"; meter: BodyMeter }): Stop {
  const session = randomId();
  let cursor: string | undefined;
  let stopped = false;
  const abort = new AbortController();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = async () => {
    while (!stopped) {
      const wait = o.mode === "long" && cursor !== undefined ? LIMITS.pollMaxWaitSeconds : 0;
      const url = new URL(`/poll/${encodeURIComponent(o.room)}/~watch`, location.href);
      url.searchParams.set("session", session);
      if (cursor !== undefined) url.searchParams.set("cursor", cursor);
      // Should the room not know the cursor (a restart), its welcome resumes after this.
      else if (o.lane.counts.lastSeq !== null) url.searchParams.set("since", String(o.lane.counts.lastSeq));
      url.searchParams.set("wait", String(wait));
      const href = url.href;
      o.lane.tick(Date.now(), true);
      // The request line, the key's header and the browser's own headers (estimated).
      o.lane.bytes("up", HTTP_HEADER_BYTES + href.length + o.key.length + 22, true);
      let ok = false;
      try {
        const res = await fetch(href, {
          headers: { Authorization: `Bearer ${o.key}` },
          cache: "no-store",
          signal: abort.signal,
        });
        const text = await res.text();
        const at = Date.now();
        let headerBytes = `HTTP/1.1 ${res.status} ${res.statusText}\r\n\r\n`.length;
        for (const [k, v] of res.headers) headerBytes += k.length + v.length + 4;
        o.lane.bytes("down", headerBytes, true);
        o.meter.read(href, utf8ByteLength(text));
        if (res.ok) {
          const answer = JSON.parse(text) as { cursor: string; frames: ServerFrame[] };
          cursor = answer.cursor;
          o.lane.frames(answer.frames, at);
          o.lane.broke(null);
          ok = true;
        } else {
          let code = String(res.status);
          try {
            code = (JSON.parse(text) as { error: { code: string } }).error.code;
          } catch {
            // A proxy's page: its status says enough.
          }
          const final = FINAL.has(code);
          o.lane.broke(code, final);
          if (final) return;
        }
      } catch {
        if (stopped) return;
        o.lane.broke("network");
      }
      if (!ok) await sleep(RETRY_MS);
      else if (o.mode === "poll") await sleep(TIMINGS.pollEveryMs);
    }
  };
  void loop();
  return () => {
    stopped = true;
    abort.abort();
  };
}
