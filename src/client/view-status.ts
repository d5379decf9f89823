/**
 * @module
 * The connection status line: connecting, online, reconnecting in N s (counting down, with a
 * button to try now), joining in N s when the room is busy, waiting to be let in (Cancel), offline with why (no network, refused, open in another tab).
 * The line is a live region (`role="status"`): a countdown's ticking number is hidden from
 * screen readers, which hear the state in words ("Reconnecting…") once, when it changes.
 */
import type { Status } from "./connection";
import type { TransportKind } from "./transport";
import { el } from "./dom";
import type { I18n, Key } from "./i18n";

/** What "Online" says on each transport but the WebSocket. */
const OVER: Partial<Record<TransportKind, Key>> = { sse: "overSse", long: "overLong", poll: "overPoll" };

export class StatusView {
  private status: Status = { kind: "left" };
  private transport: TransportKind = "websocket";
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly dot = el("span", { class: "dot", attrs: { "aria-hidden": "true" } });
  private readonly text = el("span");
  /** What a screen reader is told while the visible text counts down. */
  private readonly live = el("span", { class: "sr-only" });

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement,
    private readonly actions: { retryNow: () => void; useHere: () => void; cancelKnock?: () => void },
  ) {
    addEventListener("online", () => this.render());
    addEventListener("offline", () => this.render());
  }

  /** "Online over long polling": the status says which way the page talks to the room. */
  setTransport(kind: TransportKind): void {
    this.transport = kind;
    this.render();
  }

  set(status: Status): void {
    this.status = status;
    clearInterval(this.ticker);
    if (status.kind === "reconnecting" || status.kind === "busy") this.ticker = setInterval(() => this.render(), 250);
    this.render();
  }

  render(): void {
    const s = this.status;
    const t = this.i18n;
    this.root.dataset.state = s.kind;
    this.root.hidden = s.kind === "left";
    if (s.kind === "reconnecting" && !navigator.onLine) {
      this.root.dataset.state = "offline";
      return this.show(t.t("offlineNet"));
    }
    switch (s.kind) {
      case "connecting":
        return this.show(t.t("connecting"));
      case "online":
        this.root.dataset.transport = this.transport;
        return this.show(t.t(OVER[this.transport] ?? "statusOnline"));
      case "reconnecting": {
        const n = Math.max(0, Math.ceil((s.at - Date.now()) / 1000));
        const known = `why_${s.why}`;
        const why = ["why_dropped", "why_restart", "why_heartbeat", "why_silent", "why_timeout", "why_slow"].includes(
          known,
        )
          ? t.t(known as Key)
          : s.why;
        return this.show(
          t.t("reconnecting", { n, why }),
          this.button(t.t("retryNow"), this.actions.retryNow),
          t.t("reconnectingLive", { why }),
        );
      }
      case "busy": {
        const n = Math.max(0, Math.ceil((s.at - Date.now()) / 1000));
        return this.show(t.t("joinBusy", { n }), undefined, t.t("joinBusyLive"));
      }
      case "knocking":
        return this.show(
          t.t("knocking"),
          this.button(t.t("cancelKnock"), () => this.actions.cancelKnock?.()),
        );
      case "replaced":
        return this.show(t.t("replaced"), this.button(t.t("useHere"), this.actions.useHere));
      case "refused":
        return this.show(t.t("refusedStatus"));
      case "left":
        return this.show("");
    }
  }

  /** `live`, when given, is said in place of the ticking `text`. */
  private show(text: string, action?: HTMLButtonElement, live?: string): void {
    if (this.text.parentNode !== this.root) this.root.replaceChildren(this.dot, this.live, this.text);
    if (this.text.textContent !== text) this.text.textContent = text;
    if (live === undefined) this.text.removeAttribute("aria-hidden");
    else this.text.setAttribute("aria-hidden", "true");
    if (this.live.textContent !== (live ?? "")) this.live.textContent = live ?? "";
    // Kept while its label is the same, so a focused button keeps focus during the countdown.
    const current = this.root.querySelector("button");
    if (current?.textContent === action?.textContent) return;
    current?.remove();
    if (action !== undefined) this.root.append(action);
  }

  private button(label: string, onClick: () => void): HTMLButtonElement {
    const b = el("button", { class: "link", text: label, attrs: { type: "button" } });
    b.addEventListener("click", onClick);
    return b;
  }
}
