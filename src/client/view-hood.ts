/**
 * @module
 * The teaching panel: the handshake as the Worker saw it (from `welcome.handshake`), a live
 * list of the socket's frames, and one chosen frame's path down the stack (JSON → WebSocket →
 * TCP → IP).
 */
import { HANDSHAKE_HEADERS, type Handshake, utf8ByteLength } from "../protocol";
import { el } from "./dom";
import { hex, stackSteps, wsHeader } from "./wire-math";
import type { I18n } from "./i18n";
import type { TransportView } from "./view-transport";

/** The frame list keeps this many. */
const KEEP_FRAMES = 100;

interface Frame {
  dir: "in" | "out";
  ts: number;
  data: string;
  bytes: number;
}

export class HoodView {
  private frames: Frame[] = [];
  private handshake: Handshake | null = null;
  private chosen: Frame | null = null;
  private extensions = "";

  constructor(
    private readonly i18n: I18n,
    private readonly panel: HTMLElement,
    private readonly toggle: HTMLButtonElement,
    /** The transport switch and its live costs: its own element, kept across renders. */
    private readonly transport: TransportView,
  ) {
    toggle.addEventListener("click", () => this.open(panel.hidden));
    panel.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      this.open(false);
      toggle.focus();
    });
  }

  open(open: boolean): void {
    this.panel.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    if (open) this.render();
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

  wire(dir: "in" | "out", data: string): void {
    const f: Frame = { dir, ts: Date.now(), data, bytes: utf8ByteLength(data) };
    this.frames.push(f);
    if (this.frames.length > KEEP_FRAMES) this.frames.shift();
    if (!this.panel.hidden) this.panel.querySelector("#hood-frames")?.replaceWith(this.frameList());
  }

  clear(): void {
    this.frames = [];
    this.chosen = null;
    this.handshake = null;
    this.extensions = "";
  }

  render(): void {
    const t = this.i18n;
    const close = el("button", { class: "close", text: t.t("close"), attrs: { type: "button" } });
    close.addEventListener("click", () => {
      this.open(false);
      this.toggle.focus();
    });
    this.panel.replaceChildren(
      el("div", { class: "hood-head" }, el("h2", { text: t.t("hood") }), close),
      this.transport.element,
      el("h3", { text: t.t("hoodHandshake") }),
      this.handshakeView(),
      el("h3", { text: t.t("hoodFrames") }),
      ...(this.extensions === "" ? [] : [el("p", { class: "note", dir: "auto", text: t.t("compressedNote") })]),
      this.frameList(),
      el("h3", { text: t.t("hoodStack") }),
      this.stackView(),
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
    const steps = stackSteps(f.bytes, out);
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
      el("table", {}, el("tbody", {}, ...rows)),
      el(
        "p",
        { dir: "auto" },
        t.t("headerBytes", { hex: "" }),
        el("code", { dir: "ltr", text: hex(wsHeader(f.bytes, mask)) }),
      ),
      out ? el("p", { class: "note", text: t.t("maskNote") }) : null,
      el("p", { class: "note", text: t.t("linkNote") }),
    );
  }
}

/** `sec-websocket-key` → `Sec-WebSocket-Key`, as the headers are usually written. */
function title(name: string): string {
  return name
    .split("-")
    .map((p) => (p === "websocket" ? "WebSocket" : p.charAt(0).toUpperCase() + p.slice(1)))
    .join("-");
}
