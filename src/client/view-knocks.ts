/**
 * @module
 * The host's waiting room: "Sara is waiting · Let in · Refuse" for each knock the room lists
 * (names as `<bdi>`), each new one said once to screen readers (politely). On a phone the list
 * folds into a count ("2 waiting") that opens it (style.css decides where, as for the host's tools);
 * it folds back when no one waits, so later knocks arrive as the count, not over the log.
 */
import type { HostFrame, Knock } from "../protocol";
import { disclosure } from "./disclosure";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";
import { focusIn, refocus } from "./refocus";

export class KnocksView {
  private knocks: Knock[] = [];
  /** Ids already announced: a list sent again says only what is new. */
  private told = new Set<string>();
  private readonly toggle: HTMLButtonElement;
  private readonly list: HTMLUListElement;
  private readonly fold: (open: boolean) => void;
  /** Called when the teacher opens the list (the removed list closes: one list over the log at a time). */
  onOpen: () => void = () => {};

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement,
    /** Outside `root`, which is hidden while no one waits: a live region must be there before it speaks. */
    private readonly live: HTMLElement,
    private readonly answer: (frame: HostFrame) => void,
  ) {
    this.toggle = root.querySelector("button")!;
    this.list = root.querySelector("ul")!;
    this.fold = disclosure(this.toggle, this.list);
    this.toggle.addEventListener("click", () => {
      if (this.toggle.getAttribute("aria-expanded") === "true") this.onOpen();
    });
  }

  /** Folded to its count (another list opened). */
  close(): void {
    this.fold(false);
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
    // Taken first: hiding the list (the last row went) would drop focus before it is read.
    const spot = focusIn(this.list);
    this.root.hidden = this.knocks.length === 0;
    if (this.root.hidden) this.fold(false);
    this.toggle.textContent = t.t("knocksCount", { n: this.knocks.length });
    this.root.setAttribute("aria-label", t.t("knocksLabel"));
    this.list.replaceChildren(
      ...this.knocks.map((k) =>
        el(
          "li",
          { attrs: { "data-key": k.id } },
          el("span", {}, ...withNames(t.raw("knockWaiting"), { name: k.name })),
          " ",
          this.button("let-in", t.t("letIn"), { type: "let_in", knock: k.id }),
          " ",
          this.button("refuse", t.t("refuseKnock"), { type: "refuse", knock: k.id }),
        ),
      ),
    );
    // The answered row went with its focused button: focus stays near (a row, the count, the log).
    refocus(spot, this.list, [this.toggle]);
  }

  private button(cls: string, label: string, frame: HostFrame): HTMLButtonElement {
    const b = el("button", { class: cls, text: label, attrs: { type: "button" } });
    b.addEventListener("click", () => this.answer(frame));
    return b;
  }
}
