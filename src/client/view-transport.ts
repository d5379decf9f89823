/**
 * @module
 * The transport switch in "Under the hood", and what the current transport has cost so far:
 * HTTP requests, bytes each way (bodies measured; headers estimated, and marked so), messages
 * received, and the delay from a message's `ts` to its display (on the server's clock). Each
 * transport keeps its own counters for the life of the page: a switch shows the new transport's,
 * and switching back finds the old ones where they were (never reset). The host's "Compare
 * transports" puts them side by side.
 */
import { utf8ByteLength } from "../protocol";
import { el } from "./dom";
import { wsHeaderBytes } from "./wire-math";
import type { I18n, Key } from "./i18n";
import type { TransportKind } from "./transport";

const KINDS: [TransportKind, Key][] = [
  ["websocket", "transportWs"],
  ["sse", "transportSse"],
  ["long", "transportLong"],
  ["poll", "transportPoll"],
];

/** About what a browser's fetch and the server's answer carry in headers (Chromium, HTTP/1.1). */
const HEADER_BYTES_PER_REQUEST = 700;

interface Counts {
  requests: number;
  bytesOut: number;
  bytesIn: number;
  headerBytes: number;
  messages: number;
  delays: number[];
}

const zero = (): Counts => ({ requests: 0, bytesOut: 0, bytesIn: 0, headerBytes: 0, messages: 0, delays: [] });

export class TransportView {
  readonly element = el("section", { class: "transport", attrs: { "aria-labelledby": "transport-heading" } });
  private kind: TransportKind = "websocket";
  private auto = false;
  /** Per transport, kept across switches. */
  private readonly all = new Map<TransportKind, Counts>();

  constructor(
    private readonly i18n: I18n,
    private readonly choose: (kind: TransportKind) => void,
  ) {
    this.render();
  }

  /** The transport changed (by hand, or `auto`: the page fell back by itself). */
  setKind(kind: TransportKind, auto: boolean): void {
    this.kind = kind;
    this.auto = auto;
    this.render();
  }

  private countsOf(kind: TransportKind = this.kind): Counts {
    let c = this.all.get(kind);
    if (c === undefined) {
      c = zero();
      this.all.set(kind, c);
    }
    return c;
  }

  /** One HTTP request (an upgrade, a poll, a POST), with the header bytes it costs (estimated). */
  request(): void {
    const c = this.countsOf();
    c.requests++;
    c.headerBytes += HEADER_BYTES_PER_REQUEST;
    this.update();
  }

  /** A body or frame on the wire (on `kind`: the one being replaced may still speak); a WebSocket frame also costs its frame header (computed). */
  wire(dir: "in" | "out", data: string, kind: TransportKind = this.kind): void {
    const c = this.countsOf(kind);
    const bytes = utf8ByteLength(data);
    if (dir === "in") c.bytesIn += bytes;
    else c.bytesOut += bytes;
    // The browser masks what it sends (4 bytes more); the server does not.
    if (kind === "websocket") c.headerBytes += wsHeaderBytes(bytes, dir === "out");
    this.update();
  }

  /** A message was shown `delayMs` after the room stamped it. */
  message(delayMs: number): void {
    const c = this.countsOf();
    c.messages++;
    c.delays.push(Math.max(0, delayMs));
    if (c.delays.length > 200) c.delays.shift();
    this.update();
  }

  render(): void {
    const t = this.i18n;
    const radios = KINDS.map(([kind, label]) => {
      const input = el("input", { attrs: { type: "radio", name: "transport", value: kind } });
      input.checked = kind === this.kind;
      input.addEventListener("change", () => {
        if (input.checked) this.choose(kind);
      });
      return el("label", {}, input, t.t(label));
    });
    this.element.replaceChildren(
      el("h3", { text: t.t("transport"), attrs: { id: "transport-heading" } }),
      el("fieldset", { attrs: { "aria-labelledby": "transport-heading" } }, ...radios),
      ...(this.auto ? [el("p", { class: "note", dir: "auto", text: t.t("fellBack") })] : []),
      el("dl", { class: "transport-stats" }),
    );
    this.update();
  }

  private update(): void {
    const dl = this.element.querySelector("dl");
    if (dl === null) return;
    const t = this.i18n;
    const c = this.countsOf();
    const sorted = [...c.delays].sort((a, b) => a - b);
    const median = sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)]!;
    const rows: [Key, string][] = [
      ["statRequests", t.num(c.requests)],
      ["statBytesOut", t.t("bytes", { n: c.bytesOut })],
      ["statBytesIn", t.t("bytes", { n: c.bytesIn })],
      ["statHeaders", t.t("bytes", { n: c.headerBytes })],
      ["statMessages", t.num(c.messages)],
      ["statDelay", median === null ? "–" : t.t("millis", { n: Math.round(median) })],
    ];
    dl.replaceChildren(
      ...rows.flatMap(([k, v]) => [el("dt", { text: t.t(k) }), el("dd", { text: v, attrs: { "data-stat": k } })]),
    );
  }
}
