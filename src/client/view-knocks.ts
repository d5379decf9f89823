/**
 * @module
 * The host's waiting room: "Sara is waiting · Let in · Refuse" for each knock the room lists
 * (names as `<bdi>`), each new one said once to screen readers (politely). On a phone the list
 * folds into a count ("2 waiting") that opens it (style.css decides where, as for the host's tools).
 */
import type { HostFrame, Knock } from "../protocol";
import { disclosure } from "./disclosure";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";

export class KnocksView {
  private knocks: Knock[] = [];
  /** Ids already announced: a list sent again says only what is new. */
  private told = new Set<string>();
  private readonly toggle: HTMLButtonElement;
  private readonly list: HTMLUListElement;

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement,
    /** Outside `root`, which is hidden while no one waits: a live region must be there before it speaks. */
    private readonly live: HTMLElement,
    private readonly answer: (frame: HostFrame) => void,
  ) {
    this.toggle = root.querySelector("button")!;
    this.list = root.querySelector("ul")!;
    disclosure(this.toggle, this.list);
  }

  /** The room's list (empty: no one waits, or we are no host). */
  show(knocks: Knock[]): void {
    const fresh = knocks.filter((k) => !this.told.has(k.id));
    this.told = new Set(knocks.map((k) => k.id));
    this.knocks = knocks;
    this.render();
    if (fresh.length > 0)
      this.live.textContent = fresh.map((k) => this.i18n.t("knockWaiting", { name: k.name })).join(" · ");
    // Said once: a line left in the region would be read again when it is next shown.
    else if (knocks.length === 0) this.live.textContent = "";
  }

  render(): void {
    const t = this.i18n;
    this.root.hidden = this.knocks.length === 0;
    this.toggle.textContent = t.t("knocksCount", { n: this.knocks.length });
    this.root.setAttribute("aria-label", t.t("knocksLabel"));
    this.list.replaceChildren(
      ...this.knocks.map((k) =>
        el(
          "li",
          {},
          el("span", {}, ...withNames(t.raw("knockWaiting"), { name: k.name })),
          " ",
          this.button(t.t("letIn"), { type: "let_in", knock: k.id }),
          " ",
          this.button(t.t("refuseKnock"), { type: "refuse", knock: k.id }),
        ),
      ),
    );
  }

  private button(label: string, frame: HostFrame): HTMLButtonElement {
    const b = el("button", { text: label, attrs: { type: "button" } });
    b.addEventListener("click", () => this.answer(frame));
    return b;
  }
}
