/**
 * @module
 * The Questions view: every question of the class by votes (then the older first), from the
 * question board, each row with its upvote and (the host's) answered control; "Unanswered only"
 * filters. It opens from the header's Questions button (its count: the unanswered ones), beside
 * the log on a wide screen and over it on a phone; Escape or Close closes it, focus back on the
 * button. It is no live region: a class voting reorders it quietly, redrawn at most once a frame,
 * and focus stays on the row it was on (refocus.ts).
 */
import { direction } from "./direction";
import { el } from "./dom";
import type { I18n } from "./i18n";
import type { QuestionBoard } from "./question-board";
import { barAction, paintBar, questionBar } from "./question-parts";
import { focusIn, refocus } from "./refocus";

export interface QuestionsParts {
  root: HTMLElement;
  list: HTMLOListElement;
  empty: HTMLElement;
  filter: HTMLButtonElement;
  close: HTMLButtonElement;
  toggle: HTMLButtonElement;
  count: HTMLElement;
}

export interface QuestionsActions {
  vote: (seq: number, up: boolean) => void;
  answered: (seq: number, answered: boolean) => void;
}

export class QuestionsView {
  private hosting = false;
  private frame: number | undefined;
  /** The rows drawn, by seq: a vote repaints its row's bar; only a new order moves rows. */
  private rows = new Map<number, HTMLLIElement>();

  constructor(
    private readonly i18n: I18n,
    /** The page's one store of questions (the log reads it too). */
    readonly board: QuestionBoard,
    private readonly parts: QuestionsParts,
    actions: QuestionsActions,
  ) {
    parts.toggle.addEventListener("click", () => this.open(parts.root.hidden));
    parts.close.addEventListener("click", () => this.open(false));
    parts.root.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.open(false);
    });
    parts.filter.addEventListener("click", () => {
      parts.filter.setAttribute("aria-pressed", String(parts.filter.getAttribute("aria-pressed") !== "true"));
      this.render();
    });
    parts.list.addEventListener("click", (e) => {
      const q = barAction(e.target as Element);
      if (q === null) return;
      if ("vote" in q) actions.vote(q.seq, q.vote);
      else actions.answered(q.seq, q.answered);
    });
  }

  /** We host the room (or no longer): each row gets Mark answered (or loses it). */
  set host(on: boolean) {
    if (on === this.hosting) return;
    this.hosting = on;
    this.rows.clear();
    this.render();
  }

  /** Opens it (focus on it) or closes it (focus back on the header's button). */
  open(open: boolean): void {
    if (open === !this.parts.root.hidden) return;
    const inside = this.parts.root.contains(document.activeElement);
    this.parts.root.hidden = !open;
    this.parts.toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      this.render();
      this.parts.root.focus();
    } else if (inside || document.activeElement === document.body) this.parts.toggle.focus();
  }

  /** The board changed: the count now, the list at the next frame (a class votes in bursts). */
  changed(): void {
    this.count();
    if (this.parts.root.hidden || this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => this.render());
  }

  /** Another room (or none): nothing of the last one shows. */
  clear(): void {
    this.board.welcome([]);
    this.open(false);
    this.render();
  }

  render(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.count();
    if (this.parts.root.hidden) return;
    const t = this.i18n;
    const unanswered = this.parts.filter.getAttribute("aria-pressed") === "true";
    const drawn = new Map<number, HTMLLIElement>();
    for (const q of this.board.ranked({ unanswered })) {
      let row = this.rows.get(q.seq);
      if (row === undefined) {
        row = el(
          "li",
          { class: "q-row", attrs: { "data-seq": String(q.seq), "data-key": String(q.seq) } },
          el("bdi", { class: "from", dir: direction(q.from), text: q.from }),
          el("time", { attrs: { datetime: new Date(q.ts).toISOString() } }),
          el("p", { class: "text", dir: direction(q.text), text: q.text }),
          questionBar(t, q, q.from, this.hosting),
        );
      } else paintBar(t, row.querySelector(".q-bar")!, q);
      row.querySelector("time")!.textContent = t.time(q.ts);
      // An attribute, not `:has(.done)` in the stylesheet: a `:has` whose subject holds `.text`
      // made every message's text in the log restyle whenever a line came or went.
      row.toggleAttribute("data-answered", q.answered);
      drawn.set(q.seq, row);
    }
    this.rows = drawn;
    const list = this.parts.list;
    const order = [...drawn.values()];
    if (order.length !== list.children.length || order.some((r, i) => list.children[i] !== r)) {
      const spot = focusIn(list);
      list.replaceChildren(...order);
      // The row moved with its votes, or went with the filter: focus stays on it, or near it.
      refocus(spot, list, [this.parts.filter]);
    }
    this.parts.empty.hidden = order.length > 0;
    this.parts.empty.textContent = t.t(this.board.size === 0 ? "noQuestions" : "noUnanswered");
  }

  /** The header's button: "Questions" and how many are unanswered. */
  private count(): void {
    const n = this.board.unanswered;
    const shown = n > 0 ? this.i18n.num(n) : "";
    if (this.parts.count.textContent !== shown) this.parts.count.textContent = shown;
    this.parts.toggle.setAttribute("aria-label", this.i18n.t("questionsCount", { n }));
  }
}
