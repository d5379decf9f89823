/**
 * @module
 * The workloads, and what one run of one workload on one server measures. Every phase is open
 * loop (senders keep their schedule whatever comes back); latency is send → receipt per message.
 */
import { utf8ByteLength } from "../src/protocol";
import { heapUsedBytes } from "./heap";
import { type ConnectResult, type Layout, LoadGenerator, type PhaseResult, processTree, rssBytes } from "./load";
import type { Options, Target, Workload } from "./options";
import type { Server } from "./servers";
import { type StormRow, voteStorm } from "./vote-storm";

interface Spec {
  rooms: number;
  clients: number;
  senders: number;
  rates: number[];
  /** Extra receivers per room that stop reading (their TCP paused). */
  slow?: number;
  /** Clients ack as the page does unless this says otherwise. */
  acks?: false;
  /** Seconds per phase, when the workload needs more than `--duration`. */
  minDuration?: number;
  /** Extra members over HTTP: long pollers and pollers (`wait=0` every 2 s). */
  longPollers?: number;
  pollers?: number;
}

/** `rooms`: all ten clients of every room send at 0.5/s (100 rooms × 10 × 0.5 = 500 messages/s). */
export const SPECS: Record<Exclude<Workload, "idle" | "vote-storm">, Spec> = {
  classroom: { rooms: 1, clients: 50, senders: 50, rates: [1] },
  busy: { rooms: 1, clients: 500, senders: 50, rates: [2] },
  rooms: { rooms: 100, clients: 10, senders: 10, rates: [0.5] },
  ramp: { rooms: 1, clients: 500, senders: 100, rates: [1, 2, 4, 8] },
  // The busy room plus 100 phones that froze: the room must not hold everything for them.
  // 30 s: at ~12 KB/s each slow socket reaches the bench's 256 KiB bound after about 20 s.
  slow: { rooms: 1, clients: 500, senders: 50, rates: [2], slow: 100, minDuration: 30 },
  // The busy room with acks turned off: what acks cost a busy room.
  "busy-noack": { rooms: 1, clients: 500, senders: 50, rates: [2], acks: false },
  // Issue 10: 450 WebSocket members (50 sending 2/s) plus 50 long pollers and 50 pollers, and the
  // same room without them: the WebSocket members must not slow down.
  mixed: { rooms: 1, clients: 450, senders: 50, rates: [2], longPollers: 50, pollers: 50 },
  "mixed-ws": { rooms: 1, clients: 450, senders: 50, rates: [2] },
};
export const IDLE_SOCKETS = 1000;

export interface IdleResult {
  sockets: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  kbPerSocket: number;
  /** `serve` only: the room's state per socket (attachment + JS heap growth) and the runtime's share. */
  heapKbPerSocket?: number;
  attachmentBytes?: number;
  runtimeKbPerSocket?: number;
}

export interface Row {
  workload: string;
  target: Target;
  run: number;
  connect: ConnectResult;
  phase?: PhaseResult & { rssGrowthMb: number };
  idle?: IdleResult;
  /** `vote-storm`: the poll's storm and the questions' (workload `vote-storm naive`: bench/naive's room). */
  storm?: StormRow[];
}

export type Progress = (text: string) => void;

/** Lets a server's backlog drain between phases (a pause in the load, not a wait for a state). */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the idle measurements share for one run. */
interface IdleRun {
  prefix: string;
  opts: Options;
  behaviour: { deflate: boolean; acks: boolean };
  progress: Progress;
  tag: string;
}

/**
 * One workload on one server: a row per phase (ramp has four); `vote-storm` a row per design.
 * `fresh` starts another server of the same target (`naive`: with bench/naive's room).
 */
export async function measure(
  workload: Workload,
  server: Server,
  run: number,
  opts: Options,
  progress: Progress,
  fresh: (naive?: boolean) => Promise<Server>,
): Promise<Row[]> {
  const prefix = `${workload}-${server.target}-${run}-${Date.now().toString(36)}`;
  const tag = `${workload} ${server.target}${opts.runs > 1 ? ` run ${run + 1}/${opts.runs}` : ""}`;
  const behaviour = { deflate: opts.deflate, acks: opts.acks };
  if (workload === "idle") {
    progress(`${tag}: starting a fresh server`);
    const s = await fresh();
    try {
      const measured = await idle(s, { prefix, opts, behaviour, progress, tag }, fresh);
      return [{ workload, target: server.target, run, ...measured }];
    } finally {
      await s.stop();
    }
  }
  if (workload === "vote-storm") {
    // The room as it is on the run's server, then the naive room on a server of its own.
    const aggregated = await voteStorm(server, "aggregated", `${prefix}-agg`, opts, progress, tag);
    const rows: Row[] = [
      { workload, target: server.target, run, connect: aggregated.connect, storm: aggregated.storms },
    ];
    const s = await fresh(true);
    try {
      const naive = await voteStorm(s, "naive", `${prefix}-naive`, opts, progress, tag);
      rows.push({
        workload: `${workload} naive`,
        target: server.target,
        run,
        connect: naive.connect,
        storm: naive.storms,
      });
    } finally {
      await s.stop();
    }
    return rows;
  }
  const spec = SPECS[workload];
  progress(`${tag}: connecting ${spec.rooms}×${spec.clients}${spec.slow ? ` + ${spec.slow} that never read` : ""}`);
  const layout: Layout = { rooms: spec.rooms, clients: spec.clients, senders: spec.senders, prefix };
  if (spec.slow !== undefined) layout.slow = spec.slow;
  if (spec.longPollers !== undefined) layout.longPollers = spec.longPollers;
  if (spec.pollers !== undefined) layout.pollers = spec.pollers;
  const { load, connect } = await LoadGenerator.connect(server.url, layout, server.pid, {
    processes: opts.processes,
    behaviour: { ...behaviour, acks: spec.acks ?? behaviour.acks },
  });
  try {
    if (connect.failures.length > 0) {
      process.stderr.write(
        `\n[bench] ${tag}: ${connect.failures.length} connections failed, e.g. ${connect.failures[0]}\n`,
      );
    }
    const rows: Row[] = [];
    for (const rate of spec.rates) {
      const name = spec.rates.length > 1 ? `${workload} ${rate}/s` : workload;
      const duration = Math.max(opts.duration, spec.minDuration ?? 0);
      progress(`${tag}: ${spec.senders} senders/room at ${rate}/s for ${duration}s + 2s drain`);
      const before = rssBytes(processTree(server.pid));
      const phase = await load.phase(rate, duration, 2);
      const rssGrowthMb = (rssBytes(processTree(server.pid)) - before) / 2 ** 20;
      rows.push({ workload: name, target: server.target, run, connect, phase: { ...phase, rssGrowthMb } });
      // Let the previous phase's backlog drain before the next one starts.
      if (spec.rates.length > 1) await pause(1000);
    }
    return rows;
  } finally {
    await load.close();
  }
}

/**
 * 1,000 idle sockets joined on a server after a warm-up join storm; `reading` is taken before
 * they join and again while they are in.
 */
async function idleSockets(
  s: Server,
  { prefix, opts, behaviour, progress, tag }: IdleRun,
  reading: () => Promise<number>,
): Promise<{ connect: ConnectResult; before: number; after: number }> {
  const layout = (p: string): Layout => ({ rooms: 1, clients: IDLE_SOCKETS, senders: 0, prefix: p });
  // Warm-up: one join storm and its goodbyes first, so the heap has already grown for the
  // garbage a join storm makes (welcomes, presence); the delta below is what sockets keep.
  progress(`${tag}: warm-up, ${IDLE_SOCKETS} sockets in and out`);
  const warm = await LoadGenerator.connect(s.url, layout(`${prefix}-warm`), s.pid, {
    processes: opts.processes,
    behaviour,
  });
  await warm.load.close();
  await pause(3000);
  const first = await reading();
  progress(`${tag}: connecting ${IDLE_SOCKETS} idle sockets`);
  const { load, connect } = await LoadGenerator.connect(s.url, layout(prefix), s.pid, {
    processes: opts.processes,
    behaviour,
  });
  try {
    await pause(3000);
    return { connect, before: first, after: await reading() };
  } finally {
    await load.close();
  }
}

/**
 * What an idle socket costs: RSS growth on a fresh server; on `serve` also, on a second fresh
 * server (a heap snapshot's own memory would blur the first's RSS), the JS heap's growth.
 */
async function idle(s: Server, run: IdleRun, fresh: () => Promise<Server>): Promise<Pick<Row, "connect" | "idle">> {
  const { prefix, progress, tag } = run;
  const m = await idleSockets(s, run, async () => rssBytes(processTree(s.pid)));
  const n = Math.max(1, m.connect.connected);
  const result: IdleResult = {
    sockets: m.connect.connected,
    rssBeforeMb: m.before / 2 ** 20,
    rssAfterMb: m.after / 2 ** 20,
    kbPerSocket: (m.after - m.before) / 1024 / n,
  };
  if (s.inspectorPort !== undefined) {
    progress(`${tag}: a second fresh server, for the heap`);
    const h = await fresh();
    try {
      const heapRun = { ...run, prefix: `${prefix}-heap`, tag: `${tag} heap` };
      const hm = await idleSockets(h, heapRun, () => heapUsedBytes(h.inspectorPort!));
      // What the room keeps per socket in its attachment (src/room/member.ts), same shape and sizes.
      const at = Date.now();
      const roomcast = { room: `${prefix}-0`, name: "c999", role: "member", joinedAt: at, connectedAt: at };
      const attachment = utf8ByteLength(JSON.stringify({ roomcast }));
      result.attachmentBytes = attachment;
      result.heapKbPerSocket = (hm.after - hm.before) / 1024 / Math.max(1, hm.connect.connected);
      result.runtimeKbPerSocket = result.kbPerSocket - result.heapKbPerSocket - attachment / 1024;
    } finally {
      await h.stop();
    }
  }
  return { connect: m.connect, idle: result };
}
