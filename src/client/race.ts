/**
 * @module
 * "Compare transports" (`/?room=<room>&view=race`), opened by the host from the host's tools in a
 * new tab, built as its own module (public/race.js) that app.js loads for this view only. One tab
 * follows the room over each transport at once, each lane a watcher with the host key this
 * browser keeps (never in the URL): WebSocket, Server-Sent Events, long polling and polling
 * every 2 s. Per lane, live
 * and never reset: a strip of the last minute (a tick per HTTP request or WebSocket frame, a dot
 * per message at its delay), requests, bytes each way (estimated parts marked), messages, delay
 * p50 and max, and what an hour of the class would cost on Cloudflare (race-cost.ts). Below the
 * lanes: whether every lane got the same messages in the same order.
 */
import { type ErrorCode, parseRoomName } from "../protocol";
import { el } from "./dom";
import type { I18n } from "./i18n";
import { type HourCost, type LaneKind, PRICING, hourCost } from "./race-cost";
import { Lane, type LaneCounts, RoomClock, STRIP_MS } from "./race-lane";
import { type RaceKey, raceText } from "./race-strings";
import { BodyMeter, type Stop, openHttp, openSse, openWebSocket } from "./race-wires";
import { TIMINGS } from "./timings";

export interface RaceOptions {
  i18n: I18n;
  root: HTMLElement;
  room: string;
  /** The host key this browser keeps for the room (null: none, and the race cannot watch). */
  key: string | null;
}

/** Redraw this often: the strips move with time even when nothing arrives. */
const DRAW_MS = 250;
/** The strip's height in CSS pixels; its width is the lane's. */
const STRIP_H = 96;
/** Dots above this delay are drawn at the top (the number says the rest). */
const STRIP_MAX_DELAY_MS = 3000;

interface Row {
  lane: Lane;
  kind: LaneKind;
  section: HTMLElement;
  canvas: HTMLCanvasElement;
  state: HTMLElement;
  stats: HTMLElement;
  cost: HTMLElement;
  meter: BodyMeter | null;
  stop: Stop;
  startedAt: number;
}

export function startRace(o: RaceOptions): Race {
  return new Race(o);
}

export class Race {
  private readonly rows: Row[] = [];
  private readonly order = el("p", { class: "race-order", attrs: { "aria-live": "polite" } });
  private readonly students = el("input", {
    class: "race-students",
    attrs: { type: "number", min: "1", max: "100000", value: "300", inputmode: "numeric" },
  });
  private readonly labels: [HTMLElement, RaceKey][] = [];

  constructor(private readonly o: RaceOptions) {
    const room = parseRoomName(o.room.trim());
    const page = el("section", { class: "race", attrs: { "aria-labelledby": "race-title" } });
    o.root.replaceChildren(page);
    const title = el("h2", { attrs: { id: "race-title" } });
    page.append(title);
    if (room === null || o.key === null) {
      page.append(el("p", { class: "alert", text: this.t("noKey"), attrs: { role: "alert" } }));
      title.textContent = this.t("title");
      return;
    }
    title.textContent = `${this.t("title")} · ${room}`;
    document.title = `${this.t("title")} · ${room}`;
    page.append(this.label("p", "intro"), this.label("p", "legend", "race-legend"));
    const lanes = el("div", { class: "race-lanes" });
    // The class size first: every lane's hour below is for that many students.
    const costHead = el("p", { class: "race-cost-head" }, this.label("span", "costTitle"), " ", this.students, " ");
    costHead.append(this.label("span", "students"));
    page.append(costHead, lanes, this.order, this.label("p", "costNote", "note race-cost-note"));
    const clock = new RoomClock();
    const kinds: LaneKind[] = ["websocket", "sse", "long", "poll"];
    for (const kind of kinds) {
      const row = this.lane(kind, room, o.key, clock);
      lanes.append(row.section);
      this.rows.push(row);
    }
    // Resource Timing measures HTTP bodies on the wire; entries go to the lane whose session the
    // URL carries. The buffer is cleared as it is read: it stops recording at 250 entries.
    if (typeof PerformanceObserver !== "undefined") {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as PerformanceResourceTiming[]) {
          if (!e.name.includes("/~watch?")) continue;
          for (const r of this.rows) r.meter?.entry(e.name, e.encodedBodySize);
        }
        performance.clearResourceTimings();
      }).observe({ type: "resource" });
    }
    this.students.addEventListener("input", () => this.draw());
    setInterval(() => this.draw(), DRAW_MS);
    this.draw();
  }

  private t(key: RaceKey, vars: Record<string, string | number> = {}): string {
    return raceText(this.o.i18n, key, vars);
  }

  private label(tag: "p" | "span", key: RaceKey, cls?: string): HTMLElement {
    const node = el(tag, cls === undefined ? {} : { class: cls });
    this.labels.push([node, key]);
    return node;
  }

  private laneName(kind: LaneKind): string {
    return kind === "poll" ? this.t("poll", { s: TIMINGS.pollEveryMs / 1000 }) : this.t(kind);
  }

  private lane(kind: LaneKind, room: string, key: string, clock: RoomClock): Row {
    const lane = new Lane(kind, clock);
    const section = el("section", { class: "race-lane", attrs: { "data-lane": kind } });
    const canvas = el("canvas", { class: "race-strip", attrs: { "aria-hidden": "true" } });
    const state = el("p", { class: "race-state", attrs: { role: "status" } });
    const strip = el("div", { class: "race-strip-box" }, canvas, state);
    const stats = el("dl", { class: "race-stats" });
    const cost = el("dl", { class: "race-cost" });
    section.append(el("h3", {}), strip, stats, cost);
    const meter = kind === "long" || kind === "poll" ? new BodyMeter(lane) : null;
    const stop =
      kind === "websocket"
        ? openWebSocket({ room, key, lane })
        : kind === "sse"
          ? openSse({ room, key, lane })
          : openHttp({ room, key, lane, mode: kind, meter: meter! });
    const row: Row = { lane, kind, section, canvas, state, stats, cost, meter, stop, startedAt: Date.now() };
    // What a test (and a curious teacher's devtools) reads, kept current with every change.
    lane.onChange = () => this.mark(row);
    return row;
  }

  private mark(row: Row): void {
    const c = row.lane.counts;
    const d = row.section.dataset;
    d.requests = String(c.requests);
    d.frames = String(c.frames);
    d.up = String(c.up);
    d.down = String(c.down);
    d.messages = String(c.messages);
    d.p50 = String(c.p50 ?? "");
    d.max = String(c.maxDelay);
    d.seqs = c.seqs.slice(-200).join(",");
    d.broken = c.broken?.why ?? "";
  }

  private draw(): void {
    for (const [node, key] of this.labels) node.textContent = this.t(key);
    const students = Math.max(1, Math.min(100_000, Math.round(Number(this.students.value) || 300)));
    const now = Date.now();
    for (const row of this.rows) {
      row.section.querySelector("h3")!.textContent = this.laneName(row.kind);
      this.strip(row, now);
      this.stats(row);
      const c = row.lane.counts;
      const seen = { seconds: (now - row.startedAt) / 1000, requests: c.requests, messages: c.messages };
      this.cost(row, hourCost(row.kind, seen, students));
    }
    this.compare();
  }

  private strip(row: Row, now: number): void {
    const c = row.lane.counts;
    const g = row.canvas.getContext("2d");
    if (g === null) return;
    // Drawn at the size it is shown, in device pixels: sharp on a projector.
    const dpr = window.devicePixelRatio || 1;
    const STRIP_W = Math.max(1, row.canvas.clientWidth);
    if (row.canvas.width !== Math.round(STRIP_W * dpr) || row.canvas.height !== Math.round(STRIP_H * dpr)) {
      row.canvas.width = Math.round(STRIP_W * dpr);
      row.canvas.height = Math.round(STRIP_H * dpr);
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(row.canvas);
    const ink = style.color;
    g.clearRect(0, 0, STRIP_W, STRIP_H);
    g.fillStyle = ink;
    g.strokeStyle = ink;
    g.globalAlpha = 0.25;
    g.fillRect(0, STRIP_H - 12, STRIP_W, 1);
    g.globalAlpha = 1;
    // In Persian the page runs right to left: time does too.
    const rtl = style.direction === "rtl";
    const x = (at: number) => {
      const p = (STRIP_W * (at - (now - STRIP_MS))) / STRIP_MS;
      return rtl ? STRIP_W - p : p;
    };
    for (const e of c.events) {
      if (e.delayMs === null) g.fillRect(x(e.at), STRIP_H - 11, 1.5, 10);
      else {
        const y = STRIP_H - 16 - ((STRIP_H - 24) * Math.min(e.delayMs, STRIP_MAX_DELAY_MS)) / STRIP_MAX_DELAY_MS;
        g.beginPath();
        g.arc(x(e.at), y, 4, 0, 2 * Math.PI);
        g.fill();
      }
    }
    const broken = c.broken;
    row.section.classList.toggle("broken", broken !== null);
    const why = broken === null ? "" : this.why(broken.why);
    row.state.textContent =
      broken === null
        ? c.lastSeq === null
          ? this.t("connecting")
          : ""
        : this.t(broken.final ? "stopped" : "broken", { why });
  }

  private why(code: string): string {
    if (code === "network") return this.t("network");
    if (/^\d+$/.test(code)) return this.t("closed", { code });
    return this.o.i18n.error(code as ErrorCode);
  }

  private stats(row: Row): void {
    const c: LaneCounts = row.lane.counts;
    const ms = (n: number | null) => (n === null ? this.t("none") : this.t("ms", { n: Math.round(n) }));
    // What the page measured is said as it is; what it estimated is marked ≈, part or whole.
    const bytes = (n: number, est: number) => {
      const total = this.t("bytes", { n });
      if (est === 0) return total;
      if (est >= n) return this.t("allEstimated", { n: total });
      return this.t("estimated", { n: total, part: this.t("bytes", { n: est }) });
    };
    const rows: [RaceKey, string][] = [
      row.kind === "websocket"
        ? ["frames", this.o.i18n.num(c.frames)]
        : row.kind === "sse"
          ? ["events", this.o.i18n.num(c.frames)]
          : ["requests", this.o.i18n.num(c.requests)],
      ["up", bytes(c.up, c.upEstimated)],
      ["down", bytes(c.down, c.downEstimated)],
      ["messages", this.o.i18n.num(c.messages)],
      ["p50", ms(c.p50)],
      ["max", ms(c.messages === 0 ? null : c.maxDelay)],
    ];
    if (row.kind === "websocket" || row.kind === "sse") rows.splice(1, 0, ["requests", this.o.i18n.num(c.requests)]);
    replaceRows(
      row.stats,
      rows.map(([k, v]) => [this.t(k), v, k]),
    );
  }

  private cost(row: Row, cost: HourCost): void {
    const n = (x: number) => this.o.i18n.num(Math.round(x));
    replaceRows(row.cost, [
      [
        this.t("workerReq"),
        `${n(cost.workerRequests)} (${this.t("freeDay", { n: PRICING.workerFreePerDay })})`,
        "worker",
      ],
      [this.t("roomReq"), `${n(cost.roomRequests)} (${this.t("freeDay", { n: PRICING.roomFreePerDay })})`, "room"],
      [
        this.t("duration"),
        `${this.t("gbs", { n: Math.round(cost.gbSeconds) })} (${this.t("freeDay", { n: this.t("gbs", { n: PRICING.durationFreePerDay }) })})`,
        "duration",
      ],
      [
        "",
        cost.dollars < 0.01 ? this.t("underCent") : this.t("dollars", { n: Math.round(cost.dollars * 100) / 100 }),
        "dollars",
      ],
    ]);
  }

  /** Every lane's messages against the union: the same ones, in the same order. */
  private compare(): void {
    const all = new Set<number>();
    for (const r of this.rows) for (const s of r.lane.counts.seqs) all.add(s);
    for (const r of this.rows) {
      const c = r.lane.counts;
      let missing = 0;
      for (const s of all) if (c.firstSeq !== null && s > c.firstSeq && !c.seen.has(s)) missing++;
      if (missing > 0 || c.outOfOrder > 0) {
        this.order.classList.add("bad");
        this.order.textContent = this.t("orderBad", { lane: this.laneName(r.kind), n: missing + c.outOfOrder });
        return;
      }
    }
    this.order.classList.remove("bad");
    this.order.textContent = this.t("order", { n: all.size });
  }
}

function replaceRows(dl: HTMLElement, rows: [string, string, string][]): void {
  const text = rows.map(([k, v]) => `${k}\u0000${v}`).join("\u0001");
  if (dl.dataset.text === text) return;
  dl.dataset.text = text;
  dl.replaceChildren(
    ...rows.flatMap(([k, v, id]) => [el("dt", { text: k }), el("dd", { text: v, attrs: { "data-stat": id } })]),
  );
}
