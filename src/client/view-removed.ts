/**
 * @module
 * The host's list of removed people, folded to its count ("Removed (2)", a `<details>`) that
 * opens the rows: "Nima · 12 min · Let back in". The room sends the whole list (`removals`) when
 * it changes; a removal that lapses is not announced, so the list drops it at its `until` and
 * counts the minutes down meanwhile. Let back in sends `let_back_in` for that name.
 */
import type { Removal } from "../protocol";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";
import { focusIn, refocus } from "./refocus";

/** The minutes left are redrawn this often (and a lapsed removal leaves the list). */
const TICK_MS = 15_000;

export class RemovedView {
  private removals: Removal[] = [];
  /** The server's clock minus ours: `until` is the room's time. */
  private offset = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLDetailsElement,
    private readonly count: HTMLElement,
    private readonly list: HTMLUListElement,
    letBackIn: (name: string) => void,
  ) {
    list.addEventListener("click", (e) => {
      const name = (e.target as Element).closest<HTMLElement>(".let-back-in")?.dataset.name;
      if (name !== undefined) letBackIn(name);
    });
  }

  /** The room's list (`[]`: nobody, or not the host any more); `offset`: the server's clock minus ours. */
  set(removals: Removal[], offset = this.offset): void {
    this.removals = removals;
    this.offset = offset;
    clearInterval(this.timer);
    this.timer = removals.length > 0 ? setInterval(() => this.render(), TICK_MS) : undefined;
    this.render();
  }

  render(): void {
    const t = this.i18n;
    // Taken first: hiding the list (the last row went) would drop focus before it is read.
    const spot = focusIn(this.list);
    const now = Date.now() + this.offset;
    const live = this.removals.filter((r) => r.until > now);
    this.root.hidden = live.length === 0;
    if (live.length === 0) this.root.open = false;
    this.count.textContent = t.t("removedCount", { n: live.length });
    this.list.replaceChildren(
      ...live.map((r) => {
        const minutes = t.t("minutesLeft", { n: Math.max(1, Math.round((r.until - now) / 60_000)) });
        return el(
          "li",
          { attrs: { "data-key": r.name } },
          ...withNames(`{name} · ${minutes} `, { name: r.name }),
          el("button", {
            class: "let-back-in link",
            text: t.t("letBackIn"),
            attrs: { type: "button", "aria-label": t.t("letBackInLabel", { name: r.name }), "data-name": r.name },
          }),
        );
      }),
    );
    // A row let back in took its focused button along: focus goes to a neighbour, the count, or the log.
    refocus(spot, this.list, [this.count]);
  }
}
