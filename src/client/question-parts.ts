/**
 * @module
 * A question's parts, the same in the log and in the Questions view: its mark ("Question") and
 * its bar: the upvote button with the live count (`aria-pressed`: this member's own vote), the
 * "Answered" mark and, for the host, Mark answered / Not answered. A count changes in place
 * (`paintBar`), never by a new row. The log is a live region: what changes in a bar (the count,
 * the marks) is hidden from screen readers and said in the buttons' names instead, which are read
 * when a button is reached, not each time a vote comes in.
 */
import { el } from "./dom";
import type { I18n } from "./i18n";
import type { Question } from "./question-board";

/** "Question", after the sender's name (its "?" is drawn by style.css). */
export const questionMark = (i18n: I18n): HTMLSpanElement =>
  el("span", { class: "q-mark", text: i18n.t("questionMark") });

/** The bar of question `q` from `from`; `host`: with the answered control. */
export function questionBar(i18n: I18n, q: Question | undefined, from: string, host: boolean): HTMLDivElement {
  const bar = el(
    "div",
    { class: "q-bar", attrs: { "data-from": from } },
    el(
      "button",
      { class: "upvote", attrs: { type: "button" } },
      el("span", { class: "q-up", text: "▲", attrs: { "aria-hidden": "true" } }),
      el("span", { class: "q-n", attrs: { "aria-hidden": "true" } }),
    ),
    el("span", { class: "q-answered", attrs: { "aria-hidden": "true" } }),
    host &&
      el(
        "button",
        { class: "answer link", attrs: { type: "button" } },
        el("span", { attrs: { "aria-hidden": "true" } }),
      ),
  );
  paintBar(i18n, bar, q);
  return bar;
}

/** Shows what the board knows of the question now (and the strings in the reader's language). */
export function paintBar(i18n: I18n, bar: Element, q: Question | undefined): void {
  const count = q?.count ?? 0;
  const answered = q?.answered === true;
  const name = (bar as HTMLElement).dataset.from ?? "";
  const up = bar.querySelector(".upvote");
  up?.setAttribute("aria-pressed", String(q?.mine === true));
  const label = i18n.t("upvoteLabel", { name, n: count });
  up?.setAttribute("aria-label", answered ? `${label} · ${i18n.t("answered")}` : label);
  const n = bar.querySelector(".q-n");
  const shown = i18n.num(count);
  if (n !== null && n.textContent !== shown) n.textContent = shown;
  const mark = bar.querySelector<HTMLElement>(".q-answered");
  if (mark !== null) {
    mark.hidden = !answered;
    mark.textContent = i18n.t("answered");
  }
  bar.classList.toggle("done", answered);
  const answer = bar.querySelector<HTMLElement>(".answer");
  if (answer === null) return;
  answer.dataset.answered = String(answered);
  answer.firstElementChild!.textContent = i18n.t(answered ? "notAnswered" : "markAnswered");
  answer.setAttribute("aria-label", i18n.t(answered ? "notAnsweredLabel" : "markAnsweredLabel", { name }));
}

/**
 * A click in a list of bars (the log, the Questions view): the vote or the host's answered
 * frame it asks for, read from the button's state; null for any other click.
 */
export function barAction(target: Element): { seq: number; vote: boolean } | { seq: number; answered: boolean } | null {
  const button = target.closest<HTMLElement>(".q-bar button");
  const seq = Number(button?.closest<HTMLElement>("[data-seq]")?.dataset.seq);
  if (button === null || !Number.isSafeInteger(seq)) return null;
  if (button.classList.contains("upvote")) return { seq, vote: button.getAttribute("aria-pressed") !== "true" };
  return { seq, answered: button.dataset.answered !== "true" };
}
