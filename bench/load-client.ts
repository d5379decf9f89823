/**
 * @module
 * One load-generator process (forked by `load.ts`): holds its share of the WebSocket clients,
 * sends on an open-loop schedule and records what arrives. Talks to its parent over IPC only.
 *
 * Each sent text is `<send time, epoch ms with µs>:<phase id>`; a receiver takes the latency of
 * every message from someone else in the current phase. Frames may be single objects or arrays.
 * A vote storm (`storm`) instead has every member vote once at its time, and each socket records
 * what reached it and when its counts showed the final tally (storm-watch.ts).
 */
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import {
  type ClientAck,
  type ClientFrame,
  type ClientMessage,
  LIMITS,
  PONG,
  type PollAnswer,
  type ServerFrame,
  parseServerData,
  utf8ByteLength,
} from "../src/protocol";
import { Histogram } from "./histogram";
import { type SocketStorm, type StormKind, StormWatch } from "./storm-watch";

export interface ClientSpec {
  room: string;
  name: string;
  sender: boolean;
  /** Stops reading once connected (its TCP paused, as a phone that froze): never acks either. */
  slow?: boolean;
  /** A member over HTTP instead of a WebSocket: background load, not measured. */
  poll?: "long" | "poll";
  /** Joins with the room's host key (the teacher of a vote storm). */
  hostKey?: string;
}

/** How the clients behave, like a browser by default: offer `permessage-deflate`, ack as the page does. */
export interface ClientBehaviour {
  deflate: boolean;
  acks: boolean;
}

export type ToChild =
  | { cmd: "connect"; url: string; clients: ClientSpec[]; concurrency: number; behaviour: ClientBehaviour }
  | { cmd: "phase"; id: number; rate: number; startAt: number; durationMs: number; graceMs: number }
  /** The host's socket (in whichever process holds it) sends these frames. */
  | { cmd: "host"; frames: ClientFrame[] }
  /** Answers once every open socket knows the open poll, or `questions` questions (or at `timeoutMs`). */
  | { cmd: "ready"; kind: StormKind; questions: number; timeoutMs: number }
  | StormCommand
  | { cmd: "close" };

/**
 * A vote storm: each named member sends its one vote (`choice`: a poll option, or the index of a
 * question) at `startAt + atMs`; every socket counts what reaches it from this command on (the
 * parent sends it shortly before `startAt`). The answer comes `tailMs` after every socket here
 * shows `final` (or at `deadlineAt`).
 */
export interface StormCommand {
  cmd: "storm";
  kind: StormKind;
  startAt: number;
  votes: Record<string, { choice: number; atMs: number }>;
  final: number[];
  deadlineAt: number;
  tailMs: number;
}

export interface StormReport {
  ev: "storm";
  sockets: SocketStorm[];
  /** Epoch ms of this process's first and last vote sent (null: it sent none). */
  firstVoteAt: number | null;
  lastVoteAt: number | null;
  /** Worst lateness of a scheduled vote (event-loop lag of the generator), ms. */
  sendLateMax: number;
}

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
  | { ev: "hosted" }
  | { ev: "ready"; missing: number }
  | StormReport
  | { ev: "closed" };

const now = () => performance.timeOrigin + performance.now();

interface Client extends ClientSpec {
  ws: WebSocket;
  lastSeq: number;
  /** Flow control, as the page does it: what arrived since the last ack. */
  sinceAck: { messages: number; bytes: number };
  lastAckAt: number;
  ackTimer?: ReturnType<typeof setTimeout>;
  /** What a storm needs to know: the open poll's id, the questions' seqs in the order they came. */
  surveyId?: string;
  questions: number[];
  /** While a storm is measured. */
  storm?: StormWatch;
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
  const bytes = utf8ByteLength(text);
  c.sinceAck.bytes += bytes;
  if (text === PONG) return;
  let parsed: ServerFrame[];
  try {
    parsed = parseServerData(text);
  } catch {
    return;
  }
  const at = now();
  c.storm?.payload(bytes);
  for (const f of parsed) {
    c.storm?.frame(f, at);
    onFrame(c, f, at);
  }
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
  if (f.type === "survey" && f.open) c.surveyId = f.id;
  if (f.type !== "message") return;
  if (f.question === true) c.questions.push(f.seq);
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
    const host = spec.hostKey === undefined ? "" : `?host=${encodeURIComponent(spec.hostKey)}`;
    const ws = new WebSocket(`${url}/ws/${encodeURIComponent(spec.room)}/${encodeURIComponent(spec.name)}${host}`, {
      // As Chromium offers it: `permessage-deflate; client_max_window_bits`.
      perMessageDeflate: behaviour.deflate,
      handshakeTimeout: 30_000,
    });
    const c: Client = { ...spec, ws, lastSeq: -1, sinceAck: { messages: 0, bytes: 0 }, lastAckAt: 0, questions: [] };
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

const open = (c: Client) => c.ws.readyState === WebSocket.OPEN;

function hostFrames(frames: ClientFrame[]): void {
  const host = clients.find((c) => c.hostKey !== undefined);
  if (host !== undefined && open(host)) for (const f of frames) host.ws.send(JSON.stringify(f));
  send({ ev: "hosted" });
}

/** Polls the sockets' state (every 20 ms) until each open one knows what the storm needs. */
function whenReady(kind: StormKind, questions: number, timeoutMs: number): void {
  const until = now() + timeoutMs;
  const check = () => {
    const missing = clients.filter(
      (c) => open(c) && (kind === "survey" ? c.surveyId === undefined : c.questions.length < questions),
    ).length;
    if (missing === 0 || now() >= until) send({ ev: "ready", missing });
    else setTimeout(check, 20);
  };
  check();
}

function runStorm(m: StormCommand): void {
  let firstVoteAt: number | null = null;
  let lastVoteAt: number | null = null;
  let sendLateMax = 0;
  for (const c of clients) {
    c.storm = new StormWatch({
      kind: m.kind,
      survey: c.surveyId,
      seqs: c.questions.slice(0, m.final.length),
      final: m.final,
    });
  }
  for (const c of clients) {
    const vote = m.votes[c.name];
    if (vote === undefined) continue;
    const due = m.startAt + vote.atMs;
    setTimeout(
      () => {
        if (!open(c)) return;
        const t = now();
        sendLateMax = Math.max(sendLateMax, t - due);
        const frame: ClientFrame =
          m.kind === "survey"
            ? { type: "survey_vote", survey: c.surveyId ?? "", option: vote.choice }
            : { type: "vote", seq: c.questions[vote.choice] ?? -1, up: true };
        c.ws.send(JSON.stringify(frame));
        firstVoteAt ??= t;
        lastVoteAt = t;
      },
      Math.max(0, due - now()),
    );
  }
  const lastDue = m.startAt + Math.max(0, ...Object.values(m.votes).map((v) => v.atMs));
  const finish = () => {
    const sockets = clients.map((c) => c.storm!.result(c.name, c.hostKey !== undefined));
    for (const c of clients) c.storm = undefined;
    send({ ev: "storm", sockets, firstVoteAt, lastVoteAt, sendLateMax });
  };
  const check = () => {
    const t = now();
    if (t >= m.deadlineAt) return finish();
    // What still arrives after every socket shows the result is part of the storm's cost: wait a little.
    if (t >= lastDue && clients.every((c) => !open(c) || c.storm!.finalAt !== null)) {
      setTimeout(finish, m.tailMs);
      return;
    }
    setTimeout(check, 20);
  };
  setTimeout(check, Math.max(0, lastDue - now()));
}

function send(m: FromChild): void {
  process.send!(m);
}

process.on("message", (m: ToChild) => {
  if (m.cmd === "connect") {
    behaviour = m.behaviour;
    void connectAll(m.url, m.clients, m.concurrency);
  } else if (m.cmd === "phase") runPhase(m.id, m.rate, m.startAt, m.durationMs, m.graceMs);
  else if (m.cmd === "host") hostFrames(m.frames);
  else if (m.cmd === "ready") whenReady(m.kind, m.questions, m.timeoutMs);
  else if (m.cmd === "storm") runStorm(m);
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
