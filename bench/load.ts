/**
 * @module
 * The load generator's coordinator. It forks `load-client.ts` processes (2 by default, so one
 * Node event loop is not the bottleneck), spreads R rooms × C clients over them, runs open-loop
 * phases and merges what they measured. Also reads a server's process tree from /proc (RSS, CPU).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Histogram } from "./histogram";
import type { ClientFrame } from "../src/protocol";
import type {
  ClientBehaviour,
  ClientSpec,
  FromChild,
  PhaseReport,
  StormCommand,
  StormReport,
  ToChild,
} from "./load-client";
import type { StormKind } from "./storm-watch";

const CLIENT = fileURLToPath(new URL("./load-client.ts", import.meta.url));

export interface Layout {
  rooms: number;
  clients: number;
  /** Senders per room (the first S clients of each room). */
  senders: number;
  /** Room names are `<prefix>-<k>`: use a fresh prefix per run so rooms start empty. */
  prefix: string;
  /** Extra clients per room that stop reading once connected (not counted as receivers). */
  slow?: number;
  /** Extra members per room over HTTP: long pollers and pollers (background, not measured). */
  longPollers?: number;
  pollers?: number;
  /** The host key of room 0: a `Teacher` joins it with the key (a vote storm's host). */
  hostKey?: string;
}

export interface ConnectResult {
  connected: number;
  failures: string[];
  /** Per-connection handshake time, ms (with `concurrency` handshakes in flight per process). */
  p50: number;
  max: number;
  totalMs: number;
  /** What the server negotiated (`ws.extensions`), each distinct value once; "" = none. */
  extensions: string[];
}

export interface PhaseResult {
  rate: number;
  durationS: number;
  sent: number;
  expected: number;
  received: number;
  offeredPerS: number;
  deliveredPerS: number;
  lossPct: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  seqGaps: number;
  seqBackwards: number;
  /** Busiest generator process, % of one core, and its worst send lateness. */
  genCpuPct: number;
  genSendLateMaxMs: number;
  /** Frames (WebSocket messages) received per second, all clients. */
  framesPerS: number;
  serverCpuPct: number;
  serverRssPeakMb: number;
}

export class LoadGenerator {
  private phaseId = 0;
  private roomSize = new Map<string, number>();

  private constructor(
    private readonly children: ChildProcess[],
    private readonly serverPid: number,
  ) {}

  /** Forks the client processes and connects every client of the layout to `url`. */
  static async connect(
    url: string,
    layout: Layout,
    serverPid: number,
    opts: { processes?: number; concurrency?: number; behaviour?: ClientBehaviour } = {},
  ): Promise<{ load: LoadGenerator; connect: ConnectResult }> {
    const n = opts.processes ?? 2;
    const shares: ClientSpec[][] = Array.from({ length: n }, () => []);
    let i = 0;
    // Interleaved: every room's clients (and senders) spread over every process.
    for (let c = 0; c < layout.clients; c++) {
      for (let r = 0; r < layout.rooms; r++) {
        shares[i++ % n]!.push({ room: `${layout.prefix}-${r}`, name: `c${c}`, sender: c < layout.senders });
      }
    }
    for (let c = 0; c < (layout.longPollers ?? 0); c++) {
      for (let r = 0; r < layout.rooms; r++) {
        shares[i++ % n]!.push({ room: `${layout.prefix}-${r}`, name: `long${c}`, sender: false, poll: "long" });
      }
    }
    for (let c = 0; c < (layout.pollers ?? 0); c++) {
      for (let r = 0; r < layout.rooms; r++) {
        shares[i++ % n]!.push({ room: `${layout.prefix}-${r}`, name: `poll${c}`, sender: false, poll: "poll" });
      }
    }
    if (layout.hostKey !== undefined) {
      shares[0]!.push({ room: `${layout.prefix}-0`, name: "Teacher", sender: false, hostKey: layout.hostKey });
    }
    for (let c = 0; c < (layout.slow ?? 0); c++) {
      for (let r = 0; r < layout.rooms; r++) {
        shares[i++ % n]!.push({ room: `${layout.prefix}-${r}`, name: `slow${c}`, sender: false, slow: true });
      }
    }
    const children = shares.map(() =>
      fork(CLIENT, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    const load = new LoadGenerator(children, serverPid);
    const t0 = performance.now();
    try {
      const replies = await Promise.all(
        children.map((child, k) =>
          load.ask(
            child,
            {
              cmd: "connect",
              url,
              clients: shares[k]!,
              concurrency: opts.concurrency ?? 25,
              behaviour: opts.behaviour ?? { deflate: true, acks: true },
            },
            "connected",
          ),
        ),
      );
      const times: number[] = [];
      const failures: string[] = [];
      const extensions = new Set<string>();
      for (const r of replies) {
        if (r.ev !== "connected") continue;
        times.push(...r.times);
        failures.push(...r.failures);
        for (const e of r.extensions) extensions.add(e);
      }
      // Receivers only: a slow client is not expected to get anything.
      for (const share of shares)
        for (const s of share)
          if (!s.slow && s.poll === undefined) load.roomSize.set(s.room, (load.roomSize.get(s.room) ?? 0) + 1);
      for (const f of failures) {
        const room = f.slice(0, f.indexOf("/"));
        load.roomSize.set(room, (load.roomSize.get(room) ?? 1) - 1);
      }
      times.sort((a, b) => a - b);
      return {
        load,
        connect: {
          connected: times.length,
          failures,
          p50: times[Math.floor(times.length / 2)] ?? NaN,
          max: times[times.length - 1] ?? NaN,
          totalMs: performance.now() - t0,
          extensions: [...extensions],
        },
      };
    } catch (e) {
      await load.close();
      throw e;
    }
  }

  /** One open-loop phase: every sender sends `rate`/s for `durationS`, then `graceS` to drain. */
  async phase(rate: number, durationS: number, graceS = 2): Promise<PhaseResult> {
    const id = ++this.phaseId;
    const startAt = Date.now() + 300;
    const pids = processTree(this.serverPid);
    const cpu0 = cpuTicks(pids);
    let rssPeak = rssBytes(processTree(this.serverPid));
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(processTree(this.serverPid)))), 500);
    const t0 = performance.now();
    let replies: FromChild[];
    try {
      replies = await Promise.all(
        this.children.map((c) =>
          this.ask(
            c,
            { cmd: "phase", id, rate, startAt, durationMs: durationS * 1000, graceMs: graceS * 1000 },
            "phase",
          ),
        ),
      );
    } finally {
      clearInterval(sampler);
    }
    const wallS = (performance.now() - t0) / 1000;
    const serverCpuPct = ((cpuTicks(pids) - cpu0) / CLK_TCK / wallS) * 100;
    const hist = new Histogram();
    const sentByRoom = new Map<string, number>();
    let received = 0;
    let seqGaps = 0;
    let seqBackwards = 0;
    let genCpuPct = 0;
    let genLate = 0;
    let frames = 0;
    for (const r of replies as PhaseReport[]) {
      for (const [room, n] of Object.entries(r.sentByRoom)) sentByRoom.set(room, (sentByRoom.get(room) ?? 0) + n);
      received += r.received;
      hist.merge(r.hist, r.max);
      seqGaps += r.seqGaps;
      seqBackwards += r.seqBackwards;
      genCpuPct = Math.max(genCpuPct, (r.cpuMs / r.wallMs) * 100);
      genLate = Math.max(genLate, r.sendLateMax);
      frames += r.frames;
    }
    let sent = 0;
    let expected = 0;
    for (const [room, n] of sentByRoom) {
      sent += n;
      expected += n * Math.max(0, (this.roomSize.get(room) ?? 1) - 1);
    }
    return {
      rate,
      durationS,
      sent,
      expected,
      received,
      offeredPerS: expected / durationS,
      deliveredPerS: received / durationS,
      lossPct: expected === 0 ? 0 : (100 * (expected - received)) / expected,
      p50: hist.quantile(0.5),
      p95: hist.quantile(0.95),
      p99: hist.quantile(0.99),
      max: hist.max,
      seqGaps,
      seqBackwards,
      genCpuPct,
      genSendLateMaxMs: genLate,
      framesPerS: frames / (durationS + graceS),
      serverCpuPct,
      serverRssPeakMb: rssPeak / 2 ** 20,
    };
  }

  /** The host's socket sends `frames` (a vote storm's poll or questions). */
  async host(frames: ClientFrame[]): Promise<void> {
    await Promise.all(this.children.map((c) => this.ask(c, { cmd: "host", frames }, "hosted")));
  }

  /** Waits until every open socket knows the open poll (or `questions` questions); how many do not. */
  async ready(kind: StormKind, questions = 0, timeoutMs = 10_000): Promise<number> {
    const replies = await Promise.all(
      this.children.map((c) => this.ask(c, { cmd: "ready", kind, questions, timeoutMs }, "ready")),
    );
    return replies.reduce((n, r) => n + (r.ev === "ready" ? r.missing : 0), 0);
  }

  /** One vote storm over every process; their sockets' figures together. */
  async storm(command: Omit<StormCommand, "cmd">): Promise<Omit<StormReport, "ev">> {
    const replies = (await Promise.all(
      this.children.map((c) => this.ask(c, { cmd: "storm", ...command }, "storm")),
    )) as StormReport[];
    const times = (pick: (r: StormReport) => number | null) => replies.map(pick).filter((t): t is number => t !== null);
    const first = times((r) => r.firstVoteAt);
    const last = times((r) => r.lastVoteAt);
    return {
      sockets: replies.flatMap((r) => r.sockets),
      firstVoteAt: first.length > 0 ? Math.min(...first) : null,
      lastVoteAt: last.length > 0 ? Math.max(...last) : null,
      sendLateMax: Math.max(0, ...replies.map((r) => r.sendLateMax)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || !c.connected) return;
        const exited = new Promise<void>((r) => c.once("exit", () => r()));
        const kill = setTimeout(() => c.kill("SIGKILL"), 6000);
        try {
          await this.ask(c, { cmd: "close" }, "closed", 5000);
        } catch {
          c.kill("SIGTERM");
        }
        await exited;
        clearTimeout(kill);
      }),
    );
  }

  private ask(child: ChildProcess, msg: ToChild, ev: FromChild["ev"], timeoutMs = 180_000): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const onMsg = (m: FromChild) => {
        if (m.ev !== ev) return;
        done();
        resolve(m);
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`load client exited (${code}) while waiting for ${ev}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`load client: no ${ev} in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child.off("message", onMsg);
        child.off("exit", onExit);
      };
      child.on("message", onMsg);
      child.on("exit", onExit);
      child.send(msg);
    });
  }
}

// --- the server's process tree, from /proc ------------------------------------------------------

const CLK_TCK = 100;
const PAGE = 4096;

function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces and parentheses).
    return s.slice(s.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f === null) continue;
    const ppid = Number(f[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Sum of resident memory, bytes. */
export function rssBytes(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/statm`, "utf8").split(" ")[1]) * PAGE;
    } catch {
      // Exited.
    }
  }
  return sum;
}

/** Sum of user + system CPU, clock ticks. */
export function cpuTicks(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f !== null) sum += Number(f[11]) + Number(f[12]);
  }
  return sum;
}
