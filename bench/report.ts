/**
 * @module
 * The bench's markdown: one table of the workloads on every server (the `serve` column is
 * judged against the targets, with the distance to a missed one), the idle-memory breakdown,
 * diagnostics, and per-run figures when there were several runs.
 */
import { cpus } from "node:os";
import type { PhaseResult } from "./load";
import type { Row } from "./measure";
import { type Options, TARGETS as SERVERS, type Target } from "./options";
import { STORM_DEADLINE_MS, STORM_SPREAD_MS, type StormRow } from "./vote-storm";

interface Goal {
  loss?: number;
  p99?: number;
  minDelivered?: number;
  /** More delivered/s and no more loss than the bare `ws` baseline, same run. */
  beatBaseline?: boolean;
}

/** Issue 8's targets, for the project on `npm run serve`, offer on, median of runs. */
export const GOALS: Record<string, Goal> = {
  classroom: { p99: 12 },
  busy: { loss: 0, p99: 100 },
  rooms: { p99: 20 },
  "ramp 4/s": { loss: 0, p99: 120, beatBaseline: true },
  "ramp 8/s": { loss: 0, p99: 150, minDelivered: 390_000, beatBaseline: true },
};
/** Idle memory per socket on `serve`, KB. */
const IDLE_GOAL_KB = 30;
/** The slow-reader workload: memory above `busy`'s run, MiB, and the others' p99 against `busy`'s. */
const SLOW_MEMORY_GOAL_MB = 110;

const f0 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : Math.round(n).toLocaleString("en-US");
const f1 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US");
const fl = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : n === 0 ? "0" : n < 0.01 ? "<0.01" : n.toFixed(2);
const cell = (rows: (Row | undefined)[], f: (r: Row) => string) => rows.map((r) => (r ? f(r) : "–")).join(" · ");

/** "pass", or what missed and by how much. */
function verdict(name: string, p: PhaseResult | undefined, base: PhaseResult | undefined): string {
  const g = GOALS[name];
  if (g === undefined || p === undefined) return "";
  const miss: string[] = [];
  if (g.loss !== undefined && p.lossPct > g.loss) miss.push(`loss ${fl(p.lossPct)} %`);
  if (g.p99 !== undefined && !(p.p99 <= g.p99)) miss.push(`p99 ${f1(p.p99)} ms, ${f1(p.p99 - g.p99)} ms over`);
  if (g.minDelivered !== undefined && !(p.deliveredPerS >= g.minDelivered))
    miss.push(`${f0(p.deliveredPerS)}/s, ${f0(g.minDelivered - p.deliveredPerS)}/s short`);
  if (g.beatBaseline && base !== undefined && !(p.deliveredPerS > base.deliveredPerS && p.lossPct <= base.lossPct))
    miss.push("not ahead of the baseline");
  return miss.length === 0 ? "pass" : `**miss**: ${miss.join("; ")}`;
}

function goalText(name: string): string {
  const g = GOALS[name];
  if (g === undefined) return "";
  const parts: string[] = [];
  if (g.loss !== undefined) parts.push(`${g.loss} % loss`);
  if (g.p99 !== undefined) parts.push(`p99 ≤ ${g.p99}`);
  if (g.minDelivered !== undefined) parts.push(`≥ ${g.minDelivered / 1000}k/s`);
  if (g.beatBaseline) parts.push("ahead of baseline");
  return parts.join(", ");
}

export function report(rows: Row[], opts: Options, load: { start: number; end: number }, raw: Row[]): string {
  const targets = SERVERS.filter((t) => opts.targets.includes(t));
  const names = [...new Set(rows.filter((r) => r.storm === undefined).map((r) => r.workload))].filter(
    (n) => n !== "idle",
  );
  const get = (name: string, t: Target) => rows.find((r) => r.workload === name && r.target === t);
  const each = (name: string) => targets.map((t) => get(name, t));
  const out: string[] = [];
  const noisy = Math.max(load.start, load.end) > 2;
  out.push(
    `Roomcast bench, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — ${cpus().length} cores ` +
      `(${cpus()[0]?.model.trim() ?? "?"}), Node ${process.version}; ${opts.runs > 1 ? `median of ${opts.runs} runs` : "1 run"}, ` +
      `${opts.duration} s per phase (slow: 30 s), open loop, 127.0.0.1; the project runs with ` +
      "`MAX_UNACKED_BYTES` 256 KiB and raised rate limits.",
    "",
    `Clients: **permessage-deflate ${opts.deflate ? "offered" : "not offered"}** (as Chromium ${opts.deflate ? "does" : "does not"}), ` +
      `acks ${opts.acks ? "on (as the page sends them)" : "off"}${opts.serverCompression ? "; the project's rooms **accept** the offer (`--server-compression`)" : ""}. Columns: ${targets.join(" · ")}` +
      ` (serve = \`npm run serve\`, judged; dev = \`wrangler dev\`, reported; baseline = bare Node \`ws\`). ` +
      `Load average (1 min) at start / end: ${load.start.toFixed(1)} / ${load.end.toFixed(1)}${noisy ? " — **noisy run** (above 2)" : ""}.`,
  );
  // A run of the vote storm (or idle) alone has no message phases: no table for them.
  if (names.length > 0) {
    out.push(
      "",
      `| workload | offered/s | delivered/s | loss % | p50 ms | p99 ms | extension negotiated | target (serve) | result |`,
      "|---|---:|---|---|---|---|---|---|---|",
    );
  }
  for (const name of names) {
    const rs = each(name);
    const any = rs.find((r) => r?.phase)?.phase;
    if (any === undefined) continue;
    const serve = get(name, "serve")?.phase;
    const base = get(name, "baseline")?.phase;
    out.push(
      `| ${name} | ${f0(any.offeredPerS)} | ${cell(rs, (r) => f0(r.phase?.deliveredPerS))} | ${cell(rs, (r) => fl(r.phase?.lossPct))} ` +
        `| ${cell(rs, (r) => f1(r.phase?.p50))} | ${cell(rs, (r) => f1(r.phase?.p99))} ` +
        `| ${cell(rs, (r) => r.connect.extensions.map((e) => (e === "" ? "none" : e.split(";")[0])).join("+") || "none")} ` +
        `| ${goalText(name)} | ${verdict(name, serve, base)} |`,
    );
  }
  out.push("", ...acksAndSlowReaders(get), ...idleMemory(targets.map((t) => get("idle", t))), ...voteStorms(raw));
  if (names.length === 0) return out.join("\n");
  out.push(
    "",
    "Diagnostics: server CPU is its whole process tree (100 % = one core); RSS growth is over the phase.",
    "",
    `| workload | server CPU % | server RSS peak MB | RSS growth MB | frames/s | seq gaps · reorders (${targets.join(" · ")}) |`,
    "|---|---|---|---|---|---|",
  );
  for (const name of names) {
    const rs = each(name);
    out.push(
      `| ${name} | ${cell(rs, (r) => f0(r.phase?.serverCpuPct))} | ${cell(rs, (r) => f0(r.phase?.serverRssPeakMb))} ` +
        `| ${cell(rs, (r) => f1(r.phase?.rssGrowthMb))} | ${cell(rs, (r) => f0(r.phase?.framesPerS))} ` +
        `| ${cell(rs, (r) => (r.phase ? `${r.phase.seqGaps}/${r.phase.seqBackwards}` : "–"))} |`,
    );
  }
  if (opts.runs > 1) {
    out.push("", `Per run — p99 ms (loss %), ${targets.join(" · ")}:`, "");
    out.push(`| workload | ${Array.from({ length: opts.runs }, (_, i) => `run ${i + 1}`).join(" | ")} |`);
    out.push(`|---|${"---|".repeat(opts.runs)}`);
    for (const name of names) {
      const cells = Array.from({ length: opts.runs }, (_, i) =>
        targets
          .map((t) => raw.find((r) => r.workload === name && r.target === t && r.run === i)?.phase)
          .map((p) => (p ? `${f1(p.p99)} (${fl(p.lossPct)})` : "–"))
          .join(" · "),
      );
      out.push(`| ${name} | ${cells.join(" | ")} |`);
    }
  }
  return out.join("\n");
}

/** Issue 11's goals: slow readers cost bounded memory and do not slow the others; acks cost nothing. */
function acksAndSlowReaders(get: (name: string, t: Target) => Row | undefined): string[] {
  const busy = get("busy", "serve")?.phase;
  const slow = get("slow", "serve")?.phase;
  const noack = get("busy-noack", "serve")?.phase;
  const anyMixed = get("mixed", "serve") !== undefined;
  if ((busy === undefined || (slow === undefined && noack === undefined)) && !anyMixed) return [];
  const lines = ["| on serve, same run | figure | goal | result |", "|---|---|---|---|"];
  if (slow !== undefined && busy !== undefined) {
    const extra = slow.rssGrowthMb - busy.rssGrowthMb;
    lines.push(
      `| 100 readers that never read: memory growth over the run | ${f1(slow.rssGrowthMb)} MB (busy: ${f1(busy.rssGrowthMb)} MB) | ≤ ${SLOW_MEMORY_GOAL_MB} MB above busy | ${extra <= SLOW_MEMORY_GOAL_MB ? "pass" : `**miss**: ${f1(extra - SLOW_MEMORY_GOAL_MB)} MB over`} |`,
    );
    const limit = busy.p99 * 1.1 + 5;
    lines.push(
      `| the others' p99 with them there | ${f1(slow.p99)} ms (busy: ${f1(busy.p99)} ms) | ≤ ${f1(limit)} ms | ${slow.p99 <= limit ? "pass" : `**miss**: ${f1(slow.p99 - limit)} ms over`} |`,
    );
  }
  const mixed = get("mixed", "serve")?.phase;
  const mixedWs = get("mixed-ws", "serve")?.phase;
  if (mixed !== undefined && mixedWs !== undefined) {
    const limit = mixedWs.p99 * 1.1 + 5;
    lines.push(
      `| WebSocket members' p99 with 50 long pollers + 50 pollers vs without | ${f1(mixed.p99)} ms vs ${f1(mixedWs.p99)} ms | ≤ ${f1(limit)} ms | ${mixed.p99 <= limit ? "pass" : `**miss**: ${f1(mixed.p99 - limit)} ms over`} |`,
    );
  }
  if (noack !== undefined && busy !== undefined) {
    const limit = noack.p99 * 1.1 + 5;
    lines.push(
      `| busy p99 with acks vs without | ${f1(busy.p99)} ms vs ${f1(noack.p99)} ms | ≤ ${f1(limit)} ms | ${busy.p99 <= limit ? "pass" : `**miss**: ${f1(busy.p99 - limit)} ms over`} |`,
    );
  }
  return [...lines, ""];
}

const kb = (bytes: number) => f1(bytes / 1024);
const pair = (s: { p50: number; max: number }, f: (n: number) => string = f0) => `${f(s.p50)} / ${f(s.max)}`;
/** Never within the deadline: more than the storm and the deadline. */
const ms = (n: number) => (n === Number.POSITIVE_INFINITY ? `> ${f0(STORM_SPREAD_MS + STORM_DEADLINE_MS)}` : f0(n));

/** Issue 20's vote storm: each run's storms, the room as it is beside the naive one, and their ratios. */
function voteStorms(raw: Row[]): string[] {
  const runs = [...new Set(raw.filter((r) => r.storm !== undefined).map((r) => r.run))];
  if (runs.length === 0) return [];
  const lines = [
    "",
    `Vote storm on serve (issue 20): ${raw.find((r) => r.storm)?.storm?.[0]?.voters ?? "?"} members and the host in one room; every member votes once within ${STORM_SPREAD_MS / 1000} s (the poll: 4 options; the questions: one upvote each, on 4). Per member: what reached it from the storm's start until every socket showed the final tally (+0.5 s), p50 / max. Server: everything it sent to every socket. To final: from the first vote until a socket's counts equalled the final tally (p50 / the last socket, the host's included). A payload is one \`ws.send\` (one frame, or several as an array).`,
    "",
    "| storm | design | run | load | votes over s | payloads per member | frames per member | KB per member | server sent: payloads · frames · KB | to final p50 / last ms | not final | errors | server CPU ms | votes late ms |",
    "|---|---|---|---|---:|---|---|---|---|---|---:|---:|---:|---:|",
  ];
  const ratios: string[] = [];
  for (const run of runs) {
    const storms = raw.filter((r) => r.run === run).flatMap((r) => r.storm ?? []);
    for (const s of storms) {
      lines.push(
        `| ${s.kind === "survey" ? "poll" : "questions"} | ${s.design} | ${run + 1} | ${s.load.toFixed(1)} | ${(s.spreadMs / 1000).toFixed(2)} ` +
          `| ${pair(s.payloads)} | ${pair(s.frames)} | ${pair(s.bytes, kb)} ` +
          `| ${f0(s.total.payloads)} · ${f0(s.total.frames)} · ${kb(s.total.bytes)} | ${pair(s.toFinal, ms)} | ${s.notFinal} | ${s.errors} | ${f0(s.serverCpuMs)} | ${f0(s.sendLateMax)} |`,
      );
    }
    for (const kind of ["survey", "questions"] as const) {
      const agg = storms.find((s) => s.kind === kind && s.design === "aggregated");
      const naive = storms.find((s) => s.kind === kind && s.design === "naive");
      if (agg !== undefined && naive !== undefined) ratios.push(ratio(kind, run, agg, naive));
    }
  }
  return [...lines, "", ...ratios];
}

function ratio(kind: string, run: number, agg: StormRow, naive: StormRow): string {
  const x = (a: number, b: number) => (a > 0 ? `×${f1(b / a)}` : "–");
  return (
    `- ${kind === "survey" ? "poll" : "questions"}, run ${run + 1}: naive / aggregated — frames per member ${x(agg.frames.p50, naive.frames.p50)}, ` +
    `payloads ${x(agg.payloads.p50, naive.payloads.p50)}, bytes ${x(agg.bytes.p50, naive.bytes.p50)}, ` +
    `server CPU ${x(agg.serverCpuMs, naive.serverCpuMs)}, last socket to final ${ms(naive.toFinal.max)} vs ${ms(agg.toFinal.max)} ms`
  );
}

function idleMemory(rows: (Row | undefined)[]): string[] {
  const lines: string[] = [];
  for (const r of rows) {
    const i = r?.idle;
    if (r === undefined || i === undefined) continue;
    const breakdown =
      i.heapKbPerSocket === undefined
        ? ""
        : `: room state ${f1(i.heapKbPerSocket + (i.attachmentBytes ?? 0) / 1024)} KB (JS heap ${f1(i.heapKbPerSocket)} KB + attachment ${i.attachmentBytes} B), runtime ${f1(i.runtimeKbPerSocket)} KB`;
    const goal =
      r.target === "serve"
        ? ` — goal ≤ ${IDLE_GOAL_KB} KB: ${i.kbPerSocket <= IDLE_GOAL_KB ? "pass" : `**miss** by ${f1(i.kbPerSocket - IDLE_GOAL_KB)} KB`}`
        : "";
    lines.push(
      `- idle, ${r.target}: ${i.sockets} sockets, ${f1(i.kbPerSocket)} KB per socket above an empty warmed-up server${breakdown}${goal}`,
    );
  }
  return lines;
}
