/**
 * @module
 * `npm run bench`: the project's own `wrangler dev` beside a bare Node `ws` baseline, measured by
 * the same load generator in the same run, on 127.0.0.1 only. Prints a markdown table (or JSON
 * rows with `--json`) and stops everything it started, also on Ctrl-C or error.
 *
 *   npm run bench -- [--workloads classroom,busy,rooms,ramp,idle] [--duration 10]
 *                    [--target project|baseline|both] [--runs 1] [--processes 2] [--json]
 *                    [--persist-base /dev/shm]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWranglerDev, stopProcessTree, type WranglerDev, ROOT } from "../test/support/wrangler-dev";
import { LoadGenerator, processTree, rssBytes, type ConnectResult, type Layout, type PhaseResult } from "./load";

// --- options ----------------------------------------------------------------------------------

type Target = "project" | "baseline";
const WORKLOADS = ["classroom", "busy", "rooms", "ramp", "idle"] as const;
type Workload = (typeof WORKLOADS)[number];

function parseArgs(argv: string[]) {
  const opts = {
    workloads: [...WORKLOADS] as Workload[],
    duration: 10,
    targets: ["project", "baseline"] as Target[],
    runs: 1,
    processes: 2,
    json: false,
    /** Where the fresh persist directory of `wrangler dev` is made (its SQLite files). */
    persistBase: tmpdir(),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const name = a.split("=")[0];
    if (name === "--workloads") {
      const list = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      for (const w of list) if (!(WORKLOADS as readonly string[]).includes(w)) throw new Error(`unknown workload ${w}`);
      opts.workloads = list as Workload[];
    } else if (name === "--duration") opts.duration = Number(value());
    else if (name === "--runs") opts.runs = Math.max(1, Math.floor(Number(value())));
    else if (name === "--processes") opts.processes = Math.max(1, Math.floor(Number(value())));
    else if (name === "--target") {
      const t = value();
      if (t === "both") opts.targets = ["project", "baseline"];
      else if (t === "project" || t === "baseline") opts.targets = [t];
      else throw new Error(`--target project|baseline|both, not ${t}`);
    } else if (name === "--json") opts.json = true;
    else if (name === "--persist-base") opts.persistBase = value();
    else if (name === "--help" || name === "-h") {
      process.stdout.write(
        "npm run bench -- [--workloads classroom,busy,rooms,ramp,idle] [--duration 10]\n" +
          "                 [--target project|baseline|both] [--runs 1] [--processes 2] [--json]\n" +
          "                 [--persist-base <dir for wrangler's fresh persist dir, default os.tmpdir()>]\n",
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.duration > 0 && opts.duration <= 120)) throw new Error("--duration must be in (0, 120] seconds");
  return opts;
}

// --- workloads ----------------------------------------------------------------------------------

interface Spec {
  rooms: number;
  clients: number;
  senders: number;
  rates: number[];
}
/** `rooms`: all ten clients of every room send at 0.5/s (100 rooms × 10 × 0.5 = 500 messages/s). */
const SPECS: Record<Exclude<Workload, "idle">, Spec> = {
  classroom: { rooms: 1, clients: 50, senders: 50, rates: [1] },
  busy: { rooms: 1, clients: 500, senders: 50, rates: [2] },
  rooms: { rooms: 100, clients: 10, senders: 10, rates: [0.5] },
  ramp: { rooms: 1, clients: 500, senders: 100, rates: [1, 2, 4, 8] },
};
const IDLE_SOCKETS = 1000;

interface Target_ {
  loss?: number;
  p99?: number;
  minDelivered?: number;
  beatBaseline?: boolean;
}
const TARGETS: Record<string, Target_> = {
  classroom: { loss: 0, p99: 15 },
  busy: { loss: 0, p99: 250 },
  rooms: { loss: 0, p99: 50 },
  "ramp 4/s": { loss: 0, minDelivered: 190_000 },
  "ramp 8/s": { loss: 0, minDelivered: 350_000, p99: 400, beatBaseline: true },
};

export interface Row {
  workload: string;
  target: Target;
  run: number;
  connect: ConnectResult;
  phase?: PhaseResult;
  idle?: { sockets: number; rssBeforeMb: number; rssAfterMb: number; kbPerSocket: number };
}

// --- servers ----------------------------------------------------------------------------------

interface Server {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

async function startProject(persistBase: string): Promise<Server> {
  const persistTo = mkdtempSync(join(persistBase, "roomcast-bench-"));
  let dev: WranglerDev;
  try {
    dev = await startWranglerDev({
      persistTo,
      vars: { RATE_LIMIT_PER_SECOND: 1000, RATE_LIMIT_BURST: 1000, MAX_USERS_PER_ROOM: 2000 },
    });
  } catch (e) {
    rmSync(persistTo, { recursive: true, force: true });
    throw e;
  }
  return {
    url: dev.url,
    pid: dev.child.pid!,
    stop: async () => {
      await dev.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

async function startBaselineProcess(): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./baseline-server.ts", import.meta.url)), "0"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("baseline did not start in 20 s")), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`baseline exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopProcessTree(child) };
}

// --- progress (stderr) ------------------------------------------------------------------------

let label = "";
let labelAt = 0;
const tty = process.stderr.isTTY === true;
const ticker = setInterval(() => {
  if (tty && label) process.stderr.write(`\r\x1b[K[bench] ${label} ${((Date.now() - labelAt) / 1000).toFixed(0)}s`);
}, 500);
ticker.unref();
function progress(text: string): void {
  label = text;
  labelAt = Date.now();
  if (tty) process.stderr.write(`\r\x1b[K[bench] ${text}`);
  else process.stderr.write(`[bench] ${text}\n`);
}

// --- run --------------------------------------------------------------------------------------

const live = new Set<{ stop: () => Promise<void> }>();
async function stopAll(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((x) => x.stop()));
}

async function measure(
  workload: Workload,
  target: Target,
  server: Server,
  run: number,
  opts: ReturnType<typeof parseArgs>,
): Promise<Row[]> {
  const prefix = `${workload}-${target}-${run}-${Date.now().toString(36)}`;
  const tag = `${workload} ${target}${opts.runs > 1 ? ` run ${run + 1}/${opts.runs}` : ""}`;
  if (workload === "idle") {
    // A fresh server, so the heap left by the busy workloads does not hide what sockets cost.
    progress(`${tag}: starting a fresh ${target === "project" ? "wrangler dev" : "baseline"}`);
    const fresh = target === "project" ? await startProject(opts.persistBase) : await startBaselineProcess();
    live.add(fresh);
    try {
      // Warm-up: one join storm and its goodbyes first, so the heap has already grown for the
      // garbage a join storm makes (welcomes, presence); the delta below is what sockets keep.
      progress(`${tag}: warm-up, ${IDLE_SOCKETS} sockets in and out`);
      const warm = await LoadGenerator.connect(
        fresh.url,
        { rooms: 1, clients: IDLE_SOCKETS, senders: 0, prefix: `${prefix}-warm` },
        fresh.pid,
        { processes: opts.processes },
      );
      await warm.load.close();
      await new Promise((r) => setTimeout(r, 3000));
      const before = rssBytes(processTree(fresh.pid));
      progress(`${tag}: connecting ${IDLE_SOCKETS} idle sockets`);
      const layout: Layout = { rooms: 1, clients: IDLE_SOCKETS, senders: 0, prefix };
      const { load, connect } = await LoadGenerator.connect(fresh.url, layout, fresh.pid, {
        processes: opts.processes,
      });
      const stopper = { stop: () => load.close() };
      live.add(stopper);
      try {
        progress(`${tag}: settling`);
        await new Promise((r) => setTimeout(r, 3000));
        const after = rssBytes(processTree(fresh.pid));
        return [
          {
            workload,
            target,
            run,
            connect,
            idle: {
              sockets: connect.connected,
              rssBeforeMb: before / 2 ** 20,
              rssAfterMb: after / 2 ** 20,
              kbPerSocket: (after - before) / 1024 / Math.max(1, connect.connected),
            },
          },
        ];
      } finally {
        live.delete(stopper);
        await load.close();
      }
    } finally {
      live.delete(fresh);
      await fresh.stop();
    }
  }
  const spec = SPECS[workload];
  progress(`${tag}: connecting ${spec.rooms}×${spec.clients}`);
  const layout: Layout = { rooms: spec.rooms, clients: spec.clients, senders: spec.senders, prefix };
  const { load, connect } = await LoadGenerator.connect(server.url, layout, server.pid, { processes: opts.processes });
  const stopper = { stop: () => load.close() };
  live.add(stopper);
  try {
    if (connect.failures.length > 0) {
      process.stderr.write(
        `\n[bench] ${tag}: ${connect.failures.length} connections failed, e.g. ${connect.failures[0]}\n`,
      );
    }
    const rows: Row[] = [];
    for (const rate of spec.rates) {
      const name = spec.rates.length > 1 ? `${workload} ${rate}/s` : workload;
      progress(
        `${tag}: ${spec.rooms}×${spec.clients}, ${spec.senders} senders/room at ${rate}/s for ${opts.duration}s + 2s drain`,
      );
      const phase = await load.phase(rate, opts.duration, 2);
      rows.push({ workload: name, target, run, connect, phase });
      // Let the previous phase's backlog drain before the next one starts.
      if (spec.rates.length > 1) await new Promise((r) => setTimeout(r, 1000));
    }
    return rows;
  } finally {
    live.delete(stopper);
    await load.close();
  }
}

function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Field-wise median of several runs' rows of the same workload and target. */
function medianRow(rows: Row[]): Row {
  const first = rows[0]!;
  const med = <T extends object>(pick: (r: Row) => T | undefined): T | undefined => {
    const objs = rows.map(pick).filter((x): x is T => x !== undefined);
    if (objs.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(objs[0]!)) {
      out[k] = typeof v === "number" ? median(objs.map((o) => (o as Record<string, number>)[k]!)) : v;
    }
    return out as T;
  };
  return { ...first, run: -1, connect: med((r) => r.connect)!, phase: med((r) => r.phase), idle: med((r) => r.idle) };
}

// --- table ------------------------------------------------------------------------------------

const f0 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : Math.round(n).toLocaleString("en-US");
const f1 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US");
const fl = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : n === 0 ? "0" : n < 0.01 ? "<0.01" : n.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || !(b > 0) || Number.isNaN(a) ? "–" : `${(a / b).toFixed(2)}×`;

function verdict(name: string, p: PhaseResult | undefined, b: PhaseResult | undefined): string {
  const t = TARGETS[name];
  if (t === undefined || p === undefined) return "";
  const fails: string[] = [];
  if (t.loss !== undefined && p.lossPct > t.loss) fails.push(`loss ${fl(p.lossPct)}%`);
  if (t.p99 !== undefined && !(p.p99 <= t.p99)) fails.push(`p99 ${f1(p.p99)} > ${t.p99}`);
  if (t.minDelivered !== undefined && !(p.deliveredPerS >= t.minDelivered))
    fails.push(`${f0(p.deliveredPerS)}/s < ${f0(t.minDelivered)}`);
  if (t.beatBaseline && b !== undefined && !(p.deliveredPerS > b.deliveredPerS)) fails.push("not above baseline");
  return fails.length === 0 ? "pass" : `FAIL (${fails.join(", ")})`;
}

function targetText(name: string): string {
  const t = TARGETS[name];
  if (t === undefined) return "";
  const parts: string[] = [];
  if (t.loss !== undefined) parts.push(`${t.loss}% loss`);
  if (t.p99 !== undefined) parts.push(`p99 ≤ ${t.p99}`);
  if (t.minDelivered !== undefined) parts.push(`≥ ${t.minDelivered / 1000}k/s`);
  if (t.beatBaseline) parts.push("> baseline");
  return parts.join(", ");
}

function table(rows: Row[], runs: number, load: string, persistBase: string, raw: Row[]): string {
  const names = [...new Set(rows.map((r) => r.workload))];
  const get = (name: string, target: Target) => rows.find((r) => r.workload === name && r.target === target);
  const out: string[] = [];
  out.push(
    "| workload | offered deliveries/s | delivered/s project · baseline · ratio | loss % project · baseline | p50 ms project · baseline | p99 ms project · baseline · ratio | max ms project · baseline | target (project) | result |",
  );
  out.push("|---|---:|---|---|---|---|---|---|---|");
  for (const name of names) {
    const p = get(name, "project")?.phase;
    const b = get(name, "baseline")?.phase;
    if (p === undefined && b === undefined) continue;
    out.push(
      `| ${name} | ${f0((p ?? b)!.offeredPerS)} | ${f0(p?.deliveredPerS)} · ${f0(b?.deliveredPerS)} · ${ratio(p?.deliveredPerS, b?.deliveredPerS)} ` +
        `| ${fl(p?.lossPct)} · ${fl(b?.lossPct)} | ${f1(p?.p50)} · ${f1(b?.p50)} | ${f1(p?.p99)} · ${f1(b?.p99)} · ${ratio(p?.p99, b?.p99)} ` +
        `| ${f0(p?.max)} · ${f0(b?.max)} | ${targetText(name)} | ${verdict(name, p, b)} |`,
    );
  }
  const idleP = get("idle", "project")?.idle;
  const idleB = get("idle", "baseline")?.idle;
  if (idleP !== undefined || idleB !== undefined) {
    out.push(
      `| idle (${idleP?.sockets ?? idleB?.sockets} sockets) | – | memory per idle socket: ${f1(idleP?.kbPerSocket)} KB · ${f1(idleB?.kbPerSocket)} KB · ${ratio(idleP?.kbPerSocket, idleB?.kbPerSocket)} ` +
        `| server RSS ${f0(idleP?.rssAfterMb)} MB · ${f0(idleB?.rssAfterMb)} MB | | | | printed | ${idleP ? "pass" : ""} |`,
    );
  }
  out.push("");
  out.push(
    "Diagnostics (project · baseline): server CPU is its whole process tree, 100% = one core; the generator column is its busiest process (a load generator near 100% would be the bottleneck).",
  );
  out.push("");
  out.push(
    "| workload | connect p50 / max ms | server CPU % | server RSS peak MB | frames received/s (avg over sending + 2 s drain) | seq gaps · reorders | generator CPU % · worst send lag ms |",
  );
  out.push("|---|---|---|---|---|---|---|");
  for (const name of names) {
    const pr = get(name, "project");
    const br = get(name, "baseline");
    const c = (r?: Row) => (r ? `${f1(r.connect.p50)} / ${f0(r.connect.max)}` : "–");
    const ph = (r: Row | undefined, k: keyof PhaseResult, fmt = f0) => (r?.phase ? fmt(r.phase[k] as number) : "–");
    out.push(
      `| ${name} | ${c(pr)} · ${c(br)} | ${ph(pr, "serverCpuPct")} · ${ph(br, "serverCpuPct")} | ${ph(pr, "serverRssPeakMb")} · ${ph(br, "serverRssPeakMb")} ` +
        `| ${ph(pr, "framesPerS")} · ${ph(br, "framesPerS")} | ${pr?.phase ? `${pr.phase.seqGaps} · ${pr.phase.seqBackwards}` : "–"} ; ${br?.phase ? `${br.phase.seqGaps} · ${br.phase.seqBackwards}` : "–"} ` +
        `| ${ph(pr, "genCpuPct")} · ${ph(br, "genCpuPct")} ; ${ph(pr, "genSendLateMaxMs", f1)} · ${ph(br, "genSendLateMaxMs", f1)} |`,
    );
  }
  if (runs > 1) {
    out.push("");
    out.push("Per run — p99 ms and loss %, project · baseline:");
    out.push("");
    out.push(`| workload | ${Array.from({ length: runs }, (_, i) => `run ${i + 1}`).join(" | ")} |`);
    out.push(`|---|${"---|".repeat(runs)}`);
    for (const name of names) {
      if (name === "idle") continue;
      const cells = Array.from({ length: runs }, (_, i) => {
        const pr = raw.find((r) => r.workload === name && r.target === "project" && r.run === i)?.phase;
        const br = raw.find((r) => r.workload === name && r.target === "baseline" && r.run === i)?.phase;
        return `${f1(pr?.p99)} (${fl(pr?.lossPct)}%) · ${f1(br?.p99)} (${fl(br?.lossPct)}%)`;
      });
      out.push(`| ${name} | ${cells.join(" | ")} |`);
    }
    const idle = Array.from({ length: runs }, (_, i) => {
      const pr = raw.find((r) => r.workload === "idle" && r.target === "project" && r.run === i)?.idle;
      const br = raw.find((r) => r.workload === "idle" && r.target === "baseline" && r.run === i)?.idle;
      return `${f1(pr?.kbPerSocket)} · ${f1(br?.kbPerSocket)} KB/socket`;
    });
    if (names.includes("idle")) out.push(`| idle | ${idle.join(" | ")} |`);
  }
  out.unshift(
    `Roomcast bench, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ` +
      `Node ${process.version}, wrangler dev (workerd) vs bare Node \`ws\`; ${runs > 1 ? `median of ${runs} runs` : "1 run"}, ` +
      `10 s per phase unless noted, open loop, 127.0.0.1; wrangler persist dir under ${persistBase}; ` +
      `machine load average (1 min) at start/end ${load} (other work shares the cores: compare ratios).`,
    "",
  );
  return out.join("\n");
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = loadavg()[0]!.toFixed(1);
  const servers = new Map<Target, Server>();
  const all: Row[] = [];
  try {
    for (const target of opts.targets) {
      progress(`starting ${target === "project" ? "wrangler dev" : "baseline"}`);
      const s = target === "project" ? await startProject(opts.persistBase) : await startBaselineProcess();
      servers.set(target, s);
      live.add(s);
    }
    for (let run = 0; run < opts.runs; run++) {
      for (const workload of opts.workloads) {
        for (const target of opts.targets) {
          const rows = await measure(workload, target, servers.get(target)!, run, opts);
          all.push(...rows);
          if (opts.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        }
      }
    }
  } finally {
    progress("stopping servers");
    await stopAll();
    clearInterval(ticker);
    if (tty) process.stderr.write("\r\x1b[K");
    process.stderr.write(`[bench] done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  if (opts.json) return;
  const keys = [...new Set(all.map((r) => `${r.workload}\u0000${r.target}`))];
  const merged = keys.map((k) => medianRow(all.filter((r) => `${r.workload}\u0000${r.target}` === k)));
  let text = table(merged, opts.runs, `${loadAtStart} / ${loadavg()[0]!.toFixed(1)}`, opts.persistBase, all);
  if (opts.duration !== 10) text = text.replace("10 s per phase unless noted", `${opts.duration} s per phase`);
  process.stdout.write(`${text}\n`);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    process.stderr.write(`\n[bench] ${sig}: stopping everything\n`);
    void stopAll().then(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  async (e: unknown) => {
    process.stderr.write(`\n[bench] failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    await stopAll();
    process.exit(1);
  },
);
