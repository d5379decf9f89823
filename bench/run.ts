/**
 * @module
 * `npm run bench`: the project on `npm run serve` (judged) and on `wrangler dev`, beside a bare
 * Node `ws` baseline, measured by the same browser-like clients in the same run, on 127.0.0.1
 * only. Prints a markdown table (or JSON rows with `--json`) and stops everything it started,
 * also on Ctrl-C or error. Options: bench/options.ts.
 */
import { loadavg } from "node:os";
import { type Row, measure } from "./measure";
import { type Options, type Target, parseOptions } from "./options";
import { report } from "./report";
import { type Server, serverName, startServer } from "./servers";

const tty = process.stderr.isTTY === true;
function progress(text: string): void {
  process.stderr.write(tty ? `\r\x1b[K[bench] ${text}` : `[bench] ${text}\n`);
}

const live = new Set<Server>();
async function stopAll(): Promise<void> {
  const all = [...live];
  live.clear();
  await Promise.allSettled(all.map((s) => s.stop()));
}

async function start(target: Target, opts: Options, naive = false): Promise<Server> {
  progress(`starting ${serverName(target)}${naive ? " with the naive room (bench/naive)" : ""}`);
  const s = await startServer(target, opts.persistBase, opts.serverCompression, naive);
  live.add(s);
  const stop = s.stop;
  s.stop = async () => {
    live.delete(s);
    await stop();
  };
  return s;
}

function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Field-wise median of several runs' rows of the same workload and target. */
function medianRow(rows: Row[]): Row {
  const med = <T extends object>(pick: (r: Row) => T | undefined): T | undefined => {
    const objs = rows.map(pick).filter((x): x is T => x !== undefined);
    if (objs.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(objs[0]!)) {
      out[k] = typeof v === "number" ? median(objs.map((o) => (o as Record<string, number>)[k]!)) : v;
    }
    return out as T;
  };
  const first = rows[0]!;
  const row: Row = { ...first, run: -1, connect: med((r) => r.connect)! };
  const phase = med((r) => r.phase);
  const idle = med((r) => r.idle);
  if (phase !== undefined) row.phase = phase;
  if (idle !== undefined) row.idle = idle;
  return row;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = loadavg()[0]!;
  const all: Row[] = [];
  try {
    const servers = new Map<Target, Server>();
    for (const t of opts.targets) servers.set(t, await start(t, opts));
    for (let run = 0; run < opts.runs; run++) {
      for (const workload of opts.workloads) {
        for (const t of opts.targets) {
          // Issue 11's comparisons are judged on serve against its own busy run; issue 20's vote
          // storm compares two designs of the room, on serve.
          if (["slow", "busy-noack", "mixed", "mixed-ws", "vote-storm"].includes(workload) && t !== "serve") continue;
          const rows = await measure(workload, servers.get(t)!, run, opts, progress, (naive) => start(t, opts, naive));
          all.push(...rows);
          if (opts.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        }
      }
    }
  } finally {
    progress("stopping servers");
    await stopAll();
    if (tty) process.stderr.write("\r\x1b[K");
    process.stderr.write(`[bench] done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  if (opts.json) return;
  const keys = [...new Set(all.map((r) => `${r.workload}\u0000${r.target}`))];
  const merged = keys.map((k) => medianRow(all.filter((r) => `${r.workload}\u0000${r.target}` === k)));
  process.stdout.write(`${report(merged, opts, { start: loadAtStart, end: loadavg()[0]! }, all)}\n`);
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
