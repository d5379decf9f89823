/**
 * @module
 * One load-generator process (forked by `load.ts`): holds its share of the WebSocket clients,
 * sends on an open-loop schedule and records what arrives. Talks to its parent over IPC only.
 *
 * Each sent text is `<send time, epoch ms with µs>:<phase id>`; a receiver takes the latency of
 * every message from someone else in the current phase. Frames may be single objects or arrays.
 */
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import {
  type ClientAck,
  type ClientMessage,
  LIMITS,
  PONG,
  type PollAnswer,
  type ServerFrame,
  parseServerData,
  utf8ByteLength,
} from "../src/protocol";
import { Histogram } from "./histogram";

export interface ClientSpec {
  room: string;
  name: string;
  sender: boolean;
  /** Stops reading once connected (its TCP paused, as a phone that froze): never acks either. */
  slow?: boolean;
  /** A member over HTTP instead of a WebSocket: background load, not measured. */
  poll?: "long" | "poll";
}

/** How the clients behave, like a browser by default: offer `permessage-deflate`, ack as the page does. */
export interface ClientBehaviour {
  deflate: boolean;
  acks: boolean;
}

export type ToChild =
  | { cmd: "connect"; url: string; clients: ClientSpec[]; concurrency: number; behaviour: ClientBehaviour }
  | { cmd: "phase"; id: number; rate: number; startAt: number; durationMs: number; graceMs: number }
  | { cmd: "close" };

export interface PhaseReport {
  ev: "phase";
  /** Messages sent, per room. */
  sentByRoom: Record<string, number>;
  received: number;
  hist: [number, number][];
  max: number;
  /** A message seq that was not the previous one + 1 (a gap) or not above it (duplicate/reorder). */
  seqGaps: number;
  seqBackwards: number;
  /** CPU time this process used during the phase, ms. */
  cpuMs: number;
  wallMs: number;
  /** Worst lateness of a scheduled send (event-loop lag of the generator), ms. */
  sendLateMax: number;
  /** WebSocket frames received (an array counts once). */
  frames: number;
}

export type FromChild =
  | { ev: "connected"; times: number[]; failures: string[]; extensions: string[] }
  | PhaseReport
  | { ev: "closed" };

const now = () => performance.timeOrigin + performance.now();

interface Client extends ClientSpec {
  ws: WebSocket;
  lastSeq: number;
  /** Flow control, as the page does it: what arrived since the last ack. */
  sinceAck: { messages: number; bytes: number };
  lastAckAt: number;
  ackTimer?: ReturnType<typeof setTimeout>;
}

let behaviour: ClientBehaviour = { deflate: true, acks: true };

let clients: Client[] = [];
let phase = -1;
let phaseActive = false;
let received = 0;
let frames = 0;
let seqGaps = 0;
let seqBackwards = 0;
let hist = new Histogram();

function onData(c: Client, data: WebSocket.RawData): void {
  frames++;
  const text = data.toString();
  c.sinceAck.bytes += utf8ByteLength(text);
  if (text === PONG) return;
  let parsed: ServerFrame[];
  try {
    parsed = parseServerData(text);
  } catch {
    return;
  }
  const at = now();
  for (const f of parsed) onFrame(c, f, at);
  if (behaviour.acks) maybeAck(c);
}

/** The page's ack rule (src/client/connection.ts), from the same limits. */
function maybeAck(c: Client): void {
  const due = c.sinceAck.messages >= LIMITS.ackEveryMessages || c.sinceAck.bytes >= LIMITS.ackEveryBytes;
  if (!due || c.ackTimer !== undefined || c.lastSeq < 0) return;
  const wait = c.lastAckAt + 1000 / LIMITS.acksPerSecond - now();
  if (wait > 0) {
    c.ackTimer = setTimeout(() => {
      c.ackTimer = undefined;
      maybeAck(c);
    }, wait);
    return;
  }
  if (c.ws.readyState !== WebSocket.OPEN) return;
  c.ws.send(JSON.stringify({ type: "ack", seq: c.lastSeq } satisfies ClientAck));
  c.lastAckAt = now();
  c.sinceAck = { messages: 0, bytes: 0 };
}

function onFrame(c: Client, f: ServerFrame, at: number): void {
  if (f.type === "welcome") {
    c.lastSeq = f.seq;
    return;
  }
  if (f.type !== "message") return;
  c.sinceAck.messages++;
  if (c.lastSeq >= 0) {
    if (f.seq <= c.lastSeq) seqBackwards++;
    else if (f.seq !== c.lastSeq + 1) seqGaps++;
  }
  c.lastSeq = f.seq;
  if (f.from === c.name || !phaseActive) return;
  const t = f.text;
  const colon = t.lastIndexOf(":");
  if (Number(t.slice(colon + 1)) !== phase) return;
  received++;
  hist.add(at - Number(t.slice(0, colon)));
}

function connectOne(url: string, spec: ClientSpec): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/ws/${encodeURIComponent(spec.room)}/${encodeURIComponent(spec.name)}`, {
      // As Chromium offers it: `permessage-deflate; client_max_window_bits`.
      perMessageDeflate: behaviour.deflate,
      handshakeTimeout: 30_000,
    });
    const c: Client = { ...spec, ws, lastSeq: -1, sinceAck: { messages: 0, bytes: 0 }, lastAckAt: 0 };
    ws.on("message", (data) => onData(c, data));
    ws.once("open", () => {
      // A reader that froze: the kernel's buffers fill, then the server's.
      if (spec.slow) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      resolve(c);
    });
    ws.once("error", (e) => reject(e));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on("close", (code) => {
      if (code !== 1000 && code !== 1005 && !spec.slow && clients.includes(c)) {
        process.stderr.write(`[load] ${spec.room}/${spec.name} closed with ${code}\n`);
      }
    });
  });
}

/** HTTP members keep polling until the run closes; what they get is not measured. */
let polling = true;
const pollLoops: Promise<void>[] = [];

async function pollLoop(url: string, spec: ClientSpec): Promise<void> {
  const base = url.replace(/^ws/, "http");
  const session = `bench-${spec.name}-${Math.random().toString(36).slice(2, 10)}`;
  let cursor = "";
  while (polling) {
    const wait = spec.poll === "long" && cursor !== "" ? LIMITS.pollMaxWaitSeconds : 0;
    const q = `session=${session}&wait=${wait}${cursor === "" ? "" : `&cursor=${cursor}`}`;
    try {
      const res = await fetch(`${base}/poll/${encodeURIComponent(spec.room)}/${encodeURIComponent(spec.name)}?${q}`);
      const answer = (await res.json()) as Partial<PollAnswer>;
      if (res.ok && answer.cursor !== undefined) cursor = answer.cursor;
    } catch {
      // The run is closing, or the server is busy: try again.
    }
    if (spec.poll === "poll" && polling) await new Promise((r) => setTimeout(r, 2000));
  }
}

async function connectAll(url: string, allSpecs: ClientSpec[], concurrency: number): Promise<void> {
  const times: number[] = [];
  const failures: string[] = [];
  const specs = allSpecs.filter((s) => s.poll === undefined);
  for (const s of allSpecs) if (s.poll !== undefined) pollLoops.push(pollLoop(url, s));
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      const t0 = now();
      try {
        clients.push(await connectOne(url, spec));
        times.push(now() - t0);
      } catch (e) {
        failures.push(`${spec.room}/${spec.name}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  send({ ev: "connected", times, failures, extensions: [...new Set(clients.map((c) => c.ws.extensions))] });
}

function runPhase(id: number, rate: number, startAt: number, durationMs: number, graceMs: number): void {
  phase = id;
  received = 0;
  frames = 0;
  seqGaps = 0;
  seqBackwards = 0;
  hist = new Histogram();
  const sentByRoom: Record<string, number> = {};
  let sendLateMax = 0;
  const endAt = startAt + durationMs;
  const senders = clients.filter((c) => c.sender && !c.slow);
  const period = 1000 / rate;
  // Open loop: sender i sends its k-th message at startAt + offset_i + k·period, whatever came back.
  senders.forEach((c, i) => {
    const offset = ((i + 0.5) / senders.length) * period;
    let k = 0;
    const tick = () => {
      const due = startAt + offset + k * period;
      if (due >= endAt) return;
      const t = now();
      if (t < due) {
        setTimeout(tick, due - t);
        return;
      }
      sendLateMax = Math.max(sendLateMax, t - due);
      k++;
      if (c.ws.readyState === WebSocket.OPEN) {
        const message: ClientMessage = { type: "message", text: `${t.toFixed(3)}:${id}`, id: `${c.name}-${id}-${k}` };
        c.ws.send(JSON.stringify(message));
        sentByRoom[c.room] = (sentByRoom[c.room] ?? 0) + 1;
      }
      setTimeout(tick, Math.max(0, startAt + offset + k * period - now()));
    };
    setTimeout(tick, Math.max(0, startAt + offset - now()));
  });
  setTimeout(
    () => {
      phaseActive = true;
    },
    Math.max(0, startAt - now() - 50),
  );
  let cpu0: NodeJS.CpuUsage;
  let wall0 = 0;
  setTimeout(
    () => {
      cpu0 = process.cpuUsage();
      wall0 = now();
    },
    Math.max(0, startAt - now()),
  );
  setTimeout(
    () => {
      phaseActive = false;
      const cpu = process.cpuUsage(cpu0);
      send({
        ev: "phase",
        sentByRoom,
        received,
        hist: hist.entries(),
        max: hist.max,
        seqGaps,
        seqBackwards,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: now() - wall0,
        sendLateMax,
        frames,
      });
    },
    Math.max(0, endAt + graceMs - now()),
  );
}

function send(m: FromChild): void {
  process.send!(m);
}

process.on("message", (m: ToChild) => {
  if (m.cmd === "connect") {
    behaviour = m.behaviour;
    void connectAll(m.url, m.clients, m.concurrency);
  } else if (m.cmd === "phase") runPhase(m.id, m.rate, m.startAt, m.durationMs, m.graceMs);
  else if (m.cmd === "close") {
    polling = false;
    const open = clients;
    clients = [];
    let left = open.length;
    const done = () => {
      send({ ev: "closed" });
      setTimeout(() => process.exit(0), 50);
    };
    if (left === 0) return done();
    const timer = setTimeout(() => {
      for (const c of open) c.ws.terminate();
      done();
    }, 3000);
    for (const c of open) {
      c.ws.once("close", () => {
        if (--left === 0) {
          clearTimeout(timer);
          done();
        }
      });
      c.ws.close(1000, "bench done");
    }
  }
});
// The parent gone means the run is over.
process.on("disconnect", () => process.exit(0));
