/**
 * @module
 * The `vote-storm` workload (issue 20): 300 members join one room as the other workloads join
 * (the same browser-like clients, acking as the page does), the host opens a poll of 4 options,
 * and every member votes once within 2 s (evenly spread); then the host asks 4 questions and
 * every member upvotes one of them the same way. Each socket counts the payloads, frames and
 * bytes that reach it from the storm's start until every socket shows the final tally (plus
 * `TAIL_MS`), and when its own counts first equalled that tally. Run once on the room as it is
 * (aggregated: one frame per `LIMITS.tallyIntervalMs`) and once on bench/naive (one frame per vote).
 */
import { loadavg } from "node:os";
import type { ClientFrame } from "../src/protocol";
import { type ConnectResult, LoadGenerator, cpuTicks, processTree } from "./load";
import type { Options } from "./options";
import type { Server } from "./servers";
import type { SocketStorm, StormKind } from "./storm-watch";

export const STORM_VOTERS = 300;
export const STORM_SPREAD_MS = 2000;
/** Counted after the last socket shows the result: what still arrives then is part of the cost. */
const TAIL_MS = 500;
/** A socket that does not show the result this long after the storm's end counts as never. */
export const STORM_DEADLINE_MS = 15_000;
/** Member i chooses `CHOICE[i % 10]`: bars of 120, 90, 60 and 30 (the same for the questions). */
const CHOICE = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3];

export type Design = "aggregated" | "naive";

/** p50 and max over the members (the voters; the host is left out). */
export interface Spread {
  p50: number;
  max: number;
}

export interface StormRow {
  kind: StormKind;
  design: Design;
  voters: number;
  /** Every socket measured: the voters and the host. */
  sockets: number;
  /** From the first vote sent to the last, ms. */
  spreadMs: number;
  payloads: Spread;
  frames: Spread;
  bytes: Spread;
  /** What the server sent to every socket together (each socket's receipts, on 127.0.0.1). */
  total: { payloads: number; frames: number; bytes: number };
  /**
   * From the first vote until each socket's counts equalled the final tally, ms (host included);
   * a socket that never did counts as Infinity.
   */
  toFinal: Spread;
  /** Sockets that never showed the final tally within the deadline. */
  notFinal: number;
  errors: number;
  serverCpuMs: number;
  /** Worst lateness of a scheduled vote in the generator, ms. */
  sendLateMax: number;
  /** 1-minute load average as the storm started. */
  load: number;
}

const quantile = (values: number[], q: number): number => {
  const v = [...values].sort((a, b) => a - b);
  return v.length === 0 ? Number.NaN : v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]!;
};
const spread = (values: number[]): Spread => ({ p50: quantile(values, 0.5), max: Math.max(...values) });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const POLL: Extract<ClientFrame, { type: "survey_open" }> = {
  type: "survey_open",
  question: "کدام راه به اتاق برای کلاس بهتر است؟ Which way into the room suits a class best?",
  options: ["WebSocket", "Server-Sent Events", "Long polling", "Polling"],
};
const QUESTIONS = [
  "Why does the server need the Sec-WebSocket-Key at all?",
  "TCP handshake قبل از upgrade انجام میشه یا بعدش؟",
  "What happens to my messages when the train goes into a tunnel?",
  "چرا هر ۳۰ ثانیه ping می‌فرستیم؟",
];

async function claimHost(url: string, room: string): Promise<string> {
  const res = await fetch(`${url}/api/rooms/${encodeURIComponent(room)}/host`, { method: "POST" });
  if (res.status !== 201) throw new Error(`vote-storm: claiming ${room} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { hostKey: string }).hostKey;
}

/** One storm of `kind` on the room the generator fills: every connected voter votes once. */
async function storm(
  load: LoadGenerator,
  server: Server,
  kind: StormKind,
  design: Design,
  voters: string[],
): Promise<StormRow> {
  const votes: Record<string, { choice: number; atMs: number }> = {};
  const final = [0, 0, 0, 0];
  voters.forEach((name, k) => {
    const choice = CHOICE[Number(name.slice(1)) % CHOICE.length]!;
    votes[name] = { choice, atMs: ((k + 0.5) / voters.length) * STORM_SPREAD_MS };
    final[choice]!++;
  });
  const at = loadavg()[0]!;
  const pids = processTree(server.pid);
  const cpu0 = cpuTicks(pids);
  const startAt = Date.now() + 300;
  const r = await load.storm({
    kind,
    startAt,
    votes,
    final,
    deadlineAt: startAt + STORM_SPREAD_MS + STORM_DEADLINE_MS,
    tailMs: TAIL_MS,
  });
  // clock ticks (1/100 s) to ms
  const serverCpuMs = (cpuTicks(pids) - cpu0) * 10;
  const first = r.firstVoteAt ?? startAt;
  const members = r.sockets.filter((s: SocketStorm) => !s.host);
  const sum = (pick: (s: SocketStorm) => number) => r.sockets.reduce((n, s) => n + pick(s), 0);
  const toFinal = r.sockets.map((s) => (s.finalAt === null ? Number.POSITIVE_INFINITY : s.finalAt - first));
  return {
    kind,
    design,
    voters: voters.length,
    sockets: r.sockets.length,
    spreadMs: (r.lastVoteAt ?? first) - first,
    payloads: spread(members.map((s) => s.payloads)),
    frames: spread(members.map((s) => s.frames)),
    bytes: spread(members.map((s) => s.bytes)),
    total: { payloads: sum((s) => s.payloads), frames: sum((s) => s.frames), bytes: sum((s) => s.bytes) },
    toFinal: spread(toFinal),
    notFinal: toFinal.filter((t) => t === Number.POSITIVE_INFINITY).length,
    errors: sum((s) => s.errors),
    serverCpuMs,
    sendLateMax: r.sendLateMax,
    load: at,
  };
}

/** The poll storm, then the question storm, on one room of `server` (of either design). */
export async function voteStorm(
  server: Server,
  design: Design,
  prefix: string,
  opts: Options,
  progress: (text: string) => void,
  tag: string,
): Promise<{ connect: ConnectResult; storms: StormRow[] }> {
  const hostKey = await claimHost(server.url, `${prefix}-0`);
  progress(`${tag} (${design}): connecting ${STORM_VOTERS} members and the host`);
  const { load, connect } = await LoadGenerator.connect(
    server.url,
    { rooms: 1, clients: STORM_VOTERS, senders: 0, prefix, hostKey },
    server.pid,
    { processes: opts.processes, behaviour: { deflate: opts.deflate, acks: opts.acks } },
  );
  try {
    if (connect.failures.length > 0) {
      process.stderr.write(`\n[bench] ${tag}: ${connect.failures.length} joins failed, e.g. ${connect.failures[0]}\n`);
    }
    const failed = new Set(connect.failures.map((f) => f.slice(f.indexOf("/") + 1, f.indexOf(":"))));
    const voters = Array.from({ length: STORM_VOTERS }, (_, i) => `c${i}`).filter((n) => !failed.has(n));
    const storms: StormRow[] = [];
    await load.host([POLL]);
    const noPoll = await load.ready("survey");
    if (noPoll > 0) throw new Error(`vote-storm: ${noPoll} sockets never got the poll`);
    progress(`${tag} (${design}): ${voters.length} votes on the poll within ${STORM_SPREAD_MS / 1000} s`);
    storms.push(await storm(load, server, "survey", design, voters));
    await pause(500);
    await load.host(QUESTIONS.map((text, i) => ({ type: "message", text, id: `storm-q${i}`, question: true })));
    const noQuestions = await load.ready("questions", QUESTIONS.length);
    if (noQuestions > 0)
      throw new Error(`vote-storm: ${noQuestions} sockets never got the ${QUESTIONS.length} questions`);
    progress(
      `${tag} (${design}): ${voters.length} upvotes on ${QUESTIONS.length} questions within ${STORM_SPREAD_MS / 1000} s`,
    );
    storms.push(await storm(load, server, "questions", design, voters));
    return { connect, storms };
  } finally {
    await load.close();
  }
}
