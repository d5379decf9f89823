/**
 * @module
 * The teaching panel: how this tab reached the room (over a WebSocket, the handshake as the
 * Worker saw it from `welcome.handshake`; over HTTP, the latest real exchange), where it entered
 * the network when deployed (`welcome.edge`), a live list of the frames or bodies on the wire,
 * and one chosen, whole, down the stack (JSON → WebSocket or HTTP → TCP → IP). **Present** turns
 * it into a full-width view in large type for a projector; Escape leaves it.
 */
import { type EdgeInfo, HANDSHAKE_HEADERS, type Handshake, utf8ByteLength } from "../protocol";
import { visibleOpener } from "./disclosure";
import { el } from "./dom";
import type { HttpExchange } from "./exchange";
import type { I18n, Key } from "./i18n";
import type { TransportKind } from "./transport";
import type { TransportView } from "./view-transport";
import { hex, stackSteps, wsHeader, wsHeaderBytes } from "./wire-math";

/** The frame list keeps this many. */
const KEEP_FRAMES = 100;

interface Frame {
  dir: "in" | "out";
  ts: number;
  data: string;
  bytes: number;
  /** An HTTP body (a poll's answer, a POST), not a WebSocket frame. */
  http: boolean;
}

export class HoodView {
  private frames: Frame[] = [];
  private handshake: Handshake | null = null;
  private chosen: Frame | null = null;
  private extensions = "";
  private kind: TransportKind = "websocket";
  private latest: HttpExchange | null = null;
  /** `undefined` until a welcome says; `null`: not deployed (no `edge` in it). */
  private edge: EdgeInfo | null | undefined;
  private presenting = false;

  constructor(
    private readonly i18n: I18n,
    private readonly panel: HTMLElement,
    private readonly toggle: HTMLButtonElement,
    /** The transport switch and its live costs: its own element, kept across renders. */
    private readonly transport: TransportView,
  ) {
    toggle.addEventListener("click", () => this.open(panel.hidden));
    panel.addEventListener("keydown", (e) => {
      // While presenting, Escape leaves the presentation (below), not the panel.
      if (e.key !== "Escape" || this.presenting) return;
      this.open(false);
      visibleOpener(toggle).focus();
    });
    // On the document: with the chat hidden, focus may be on the body.
    document.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !this.presenting || document.querySelector("dialog[open]") !== null) return;
      this.present(false);
    });
  }

  open(open: boolean): void {
    if (!open && this.presenting) this.present(false, false);
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.render();
  }

  /** Presentation mode: the panel alone, full width, in type a back row can read. */
  present(on: boolean, focus = true): void {
    this.presenting = on;
    document.body.classList.toggle("presenting", on);
    this.panel.classList.toggle("presenting", on);
    this.render();
    if (focus) this.panel.querySelector<HTMLElement>("button.present")?.focus();
  }

  /**
   * `extensions` is what the browser reports as negotiated (`WebSocket.extensions`): the room's
   * own view of the 101 cannot know, since the runtime (or a proxy in front) answers the offer.
   */
  setHandshake(h: Handshake, extensions: string): void {
    this.handshake = h;
    this.extensions = extensions;
    if (!this.panel.hidden) this.render();
  }

  /** Where the welcome says this join entered the network (`null`: not deployed). */
  setEdge(edge: EdgeInfo | null): void {
    this.edge = edge;
    if (!this.panel.hidden) this.render();
  }

  /** Another transport: what the last one showed (its handshake, frames) is not this one's. */
  setKind(kind: TransportKind): void {
    if (kind === this.kind) return;
    this.kind = kind;
    this.frames = [];
    this.chosen = null;
    this.latest = null;
    if (kind !== "websocket") this.extensions = "";
    if (!this.panel.hidden) this.render();
  }

  /** The latest HTTP exchange answered, shown in place of the handshake over HTTP. */
  exchange(x: HttpExchange): void {
    this.latest = x;
    if (!this.panel.hidden) this.panel.querySelector("#hood-exchange")?.replaceWith(this.exchangeView());
  }

  /** A frame or body; one the transport being replaced still carried (`kind`) is not this list's. */
  wire(dir: "in" | "out", data: string, kind: TransportKind = this.kind): void {
    if (kind !== this.kind) return;
    const f: Frame = { dir, ts: Date.now(), data, bytes: utf8ByteLength(data), http: this.kind !== "websocket" };
    this.frames.push(f);
    if (this.frames.length > KEEP_FRAMES) this.frames.shift();
    if (!this.panel.hidden) this.panel.querySelector("#hood-frames")?.replaceWith(this.frameList());
  }

  clear(): void {
    this.frames = [];
    this.chosen = null;
    this.handshake = null;
    this.extensions = "";
    this.latest = null;
    this.edge = undefined;
  }

  render(): void {
    const t = this.i18n;
    const http = this.kind !== "websocket";
    const close = el("button", { class: "close", text: t.t("close"), attrs: { type: "button" } });
    close.addEventListener("click", () => {
      this.open(false);
      this.toggle.focus();
    });
    const present = el("button", {
      class: "present",
      text: t.t("present"),
      attrs: { type: "button", "aria-pressed": String(this.presenting) },
    });
    present.addEventListener("click", () => this.present(!this.presenting));
    this.panel.replaceChildren(
      el("div", { class: "hood-head" }, el("h2", { text: t.t("hood") }), present, close),
      el(
        "div",
        { class: "hood-cols" },
        el(
          "div",
          {},
          this.transport.element,
          el("h3", { text: t.t(http ? "hoodExchange" : "hoodHandshake") }),
          http ? this.exchangeView() : this.handshakeView(),
          this.edgeView(),
        ),
        el(
          "div",
          {},
          el("h3", { text: t.t(http ? "hoodBodies" : "hoodFrames") }),
          ...(this.extensions === "" ? [] : [el("p", { class: "note", dir: "auto", text: t.t("compressedNote") })]),
          this.frameList(),
          el("h3", { text: t.t(http ? "hoodStackBody" : "hoodStack") }),
          this.stackView(),
        ),
      ),
    );
  }

  private handshakeView(): HTMLElement {
    const h = this.handshake;
    const t = this.i18n;
    if (h === null) return el("p", { text: t.t("noHandshake") });
    const req = h.request;
    // The room redacts secrets to "…", which the URL then carries percent-encoded: shown as typed.
    const path = req.path.replaceAll("%E2%80%A6", "…");
    const reqText = [
      `${req.method} ${path} HTTP/1.1`,
      ...HANDSHAKE_HEADERS.filter((k) => req.headers[k] !== undefined).map((k) => `${title(k)}: ${req.headers[k]}`),
    ].join("\n");
    const res = h.response;
    const resText = [
      `HTTP/1.1 ${res.status} ${res.statusText}`,
      ...Object.entries(res.headers).map(([k, v]) => `${title(k)}: ${v}`),
      ...(this.extensions === "" ? [] : [`${title("sec-websocket-extensions")}: ${this.extensions}`]),
    ].join("\n");
    return el(
      "div",
      { class: "handshake" },
      el("p", { class: "label", text: `→ ${t.t("hoodRequest")}` }),
      el("pre", { dir: "ltr", text: reqText }),
      /%[0-9A-F]{2}/i.test(path) && el("p", { class: "note", dir: "auto", text: t.t("hoodPercentNote") }),
      el("p", { class: "label", text: `← ${t.t("hoodResponse")}` }),
      el("pre", { dir: "ltr", text: resText }),
      el("p", { class: "note", dir: "auto", text: t.t("hoodAcceptNote") }),
    );
  }

  /** The latest HTTP exchange, generic over the endpoint: request line, headers, status, body. */
  private exchangeView(): HTMLElement {
    const t = this.i18n;
    const x = this.latest;
    const box = el("div", { class: "handshake", attrs: { id: "hood-exchange" } });
    if (x === null) {
      box.append(el("p", { text: t.t("noExchange") }));
      return box;
    }
    const reqText = [
      `${x.method} ${x.path}`,
      ...x.requestHeaders.map(([k, v]) => `${title(k)}: ${v}`),
      ...(x.requestBody === undefined ? [] : ["", x.requestBody]),
    ].join("\n");
    const resText = [
      `${x.status} ${x.statusText}`.trim(),
      ...x.headers.map(([k, v]) => `${title(k)}: ${v}`),
      "",
      x.body,
    ].join("\n");
    box.append(
      el("p", { class: "label", text: `→ ${t.t("hoodExchangeRequest")}` }),
      el("pre", { dir: "ltr", class: "request", text: reqText }),
      el("p", { class: "label", text: `← ${t.t("hoodResponse")} · ${t.clock(x.ts)}` }),
      el("pre", { dir: "ltr", class: "response", text: resText }),
      el("p", { class: "note", dir: "auto", text: t.t("hoodExchangeNote") }),
    );
    return box;
  }

  /** Where the connection entered the network (deployed only), beside how this page was loaded. */
  private edgeView(): HTMLElement {
    const t = this.i18n;
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const rows: [Key, string][] = [];
    const e = this.edge;
    if (e) {
      rows.push(["edgeColo", e.colo]);
      rows.push(["edgeRtt", e.clientTcpRtt === undefined ? t.t("edgeRttNone") : t.t("millis", { n: e.clientTcpRtt })]);
    }
    rows.push(["pageProtocol", nav?.nextHopProtocol || "–"]);
    return el(
      "div",
      { class: "edge", attrs: { id: "hood-edge" } },
      el("p", { class: "label", text: t.t("edgeHeading") }),
      el(
        "dl",
        {},
        ...rows.flatMap(([k, v]) => [
          el("dt", { text: t.t(k) }),
          el("dd", { dir: "ltr", text: v, attrs: { "data-edge": k } }),
        ]),
      ),
      e === null && el("p", { class: "note", dir: "auto", text: t.t("edgeLocal") }),
    );
  }

  private frameList(): HTMLElement {
    const t = this.i18n;
    const list = el("ol", { class: "frames", attrs: { id: "hood-frames" } });
    for (const f of [...this.frames].reverse()) {
      const b = el(
        "button",
        {
          class: f === this.chosen ? "frame chosen" : "frame",
          attrs: { type: "button", "aria-pressed": String(f === this.chosen) },
        },
        el("span", { class: `dir ${f.dir}`, text: f.dir === "out" ? `↑ ${t.t("hoodOut")}` : `↓ ${t.t("hoodIn")}` }),
        el("time", { text: t.clock(f.ts) }),
        el("span", { class: "size", text: t.t("bytes", { n: f.bytes }) }),
        el("code", { dir: "ltr", text: f.data.length > 160 ? `${f.data.slice(0, 160)}…` : f.data }),
      );
      b.addEventListener("click", () => {
        this.chosen = f;
        this.render();
        this.panel.querySelector<HTMLElement>(".frame.chosen")?.focus();
      });
      list.append(el("li", {}, b));
    }
    return list;
  }

  private stackView(): HTMLElement {
    const t = this.i18n;
    const f = this.chosen;
    if (f === null) return el("p", { text: t.t("hoodPick") });
    const out = f.dir === "out";
    const steps = stackSteps(f.bytes, out, f.http);
    const mask = out ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    const rows = steps.map((s) =>
      el(
        "tr",
        {},
        el("th", { attrs: { scope: "row" }, text: t.t(`layer_${s.layer}`) }),
        el("td", { text: t.t("added", { n: s.added }) }),
        el("td", { text: t.t("total", { n: s.total }) }),
        el("td", { class: "how", text: s.estimated ? t.t("estimated") : t.t("computed") }),
      ),
    );
    return el(
      "div",
      { class: "stack" },
      el(
        "p",
        { class: "frame-size", dir: "auto" },
        f.http
          ? t.t("bodySize", { n: f.bytes, h: steps[1]!.added })
          : t.t("frameSize", { n: f.bytes, h: wsHeaderBytes(f.bytes, out) }),
      ),
      el("pre", { class: "payload", dir: "ltr", text: pretty(f.data) }),
      el("table", {}, el("tbody", {}, ...rows)),
      !f.http &&
        el(
          "p",
          { dir: "auto" },
          t.t("headerBytes", { hex: "" }),
          el("code", { dir: "ltr", text: hex(wsHeader(f.bytes, mask)) }),
        ),
      !f.http && out && el("p", { class: "note", text: t.t("maskNote") }),
      el("p", { class: "note", text: t.t("linkNote") }),
    );
  }
}

/** The payload whole, indented when it is JSON (a ping, or a proxy's page, is shown as it came). */
function pretty(data: string): string {
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

/** `sec-websocket-key` → `Sec-WebSocket-Key`, as the headers are usually written. */
function title(name: string): string {
  return name
    .split("-")
    .map((p) => (p === "websocket" ? "WebSocket" : p.charAt(0).toUpperCase() + p.slice(1)))
    .join("-");
}
