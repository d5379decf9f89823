/**
 * @module
 * `npm run bench` options. Clients behave like browsers unless told otherwise: they offer
 * `permessage-deflate` (`--no-deflate` turns the offer off) and ack as the page does (`--no-acks`).
 */
import { tmpdir } from "node:os";

export const TARGETS = ["serve", "dev", "baseline"] as const;
/** `serve`: the project as production runs it (judged); `dev`: under `wrangler dev` (reported). */
export type Target = (typeof TARGETS)[number];
export const WORKLOADS = [
  "classroom",
  "busy",
  "rooms",
  "ramp",
  "slow",
  "busy-noack",
  "mixed",
  "mixed-ws",
  "idle",
  "vote-storm",
] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Options {
  workloads: Workload[];
  duration: number;
  targets: Target[];
  runs: number;
  processes: number;
  json: boolean;
  deflate: boolean;
  acks: boolean;
  /** The project's rooms accept the offer (`WEBSOCKET_COMPRESSION=on`), to measure what it costs. */
  serverCompression: boolean;
  /** Where the fresh persist directories (SQLite files) are made. */
  persistBase: string;
}

const HELP = `npm run bench -- [--workloads ${WORKLOADS.join(",")}] [--duration 10]
                 [--target serve,dev,baseline] [--runs 1] [--processes 2] [--json]
                 [--no-deflate] [--no-acks] [--server-compression] [--persist-base <dir, default os.tmpdir()>]
`;

const list = <T extends string>(raw: string, allowed: readonly T[], what: string): T[] => {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of items) if (!(allowed as readonly string[]).includes(w)) throw new Error(`unknown ${what} ${w}`);
  return items as T[];
};

export function parseOptions(argv: string[]): Options {
  const opts: Options = {
    // The transport comparison (mixed, mixed-ws) is asked for by name: it is issue 10's, on serve only.
    workloads: WORKLOADS.filter((w) => w !== "mixed" && w !== "mixed-ws"),
    duration: 10,
    targets: [...TARGETS],
    runs: 1,
    processes: 2,
    json: false,
    deflate: true,
    acks: true,
    serverCompression: false,
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
    if (name === "--workloads") opts.workloads = list(value(), WORKLOADS, "workload");
    else if (name === "--duration") opts.duration = Number(value());
    else if (name === "--runs") opts.runs = Math.max(1, Math.floor(Number(value())));
    else if (name === "--processes") opts.processes = Math.max(1, Math.floor(Number(value())));
    else if (name === "--target") {
      const t = value();
      opts.targets = t === "both" || t === "all" ? [...TARGETS] : list(t, TARGETS, "target");
    } else if (name === "--json") opts.json = true;
    else if (name === "--no-deflate") opts.deflate = false;
    else if (name === "--no-acks") opts.acks = false;
    else if (name === "--server-compression") opts.serverCompression = true;
    else if (name === "--persist-base") opts.persistBase = value();
    else if (name === "--help" || name === "-h") {
      process.stdout.write(HELP);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!(opts.duration > 0 && opts.duration <= 120)) throw new Error("--duration must be in (0, 120] seconds");
  return opts;
}
