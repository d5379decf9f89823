/**
 * @module
 * The host's New poll: a native `<dialog>` (focus kept inside, Escape cancels) with the question
 * and 2–6 options (Add option, Remove), each field laid out by its words as it is typed (a
 * Persian poll reads right to left under an English page). Checked as the room checks it
 * (survey-check.ts) before anything is sent: what is wrong is said in words beside the form and
 * the field gets focus. What was typed stays for the next opening until a poll is sent.
 */
import { LIMITS } from "../protocol";
import { direction } from "./direction";
import { el } from "./dom";
import type { I18n } from "./i18n";
import { checkSurvey } from "./survey-check";

/** What was typed last (kept over a Cancel, dropped once sent). */
let draft = { question: "", options: ["", ""] };

/** Resolves with the checked poll, or null when cancelled. The dialog is removed afterwards. */
export function surveyForm(i18n: I18n): Promise<{ question: string; options: string[] } | null> {
  const t = (k: Parameters<I18n["t"]>[0], n?: number) => i18n.t(k, n === undefined ? {} : { n });
  const byWords = (f: HTMLInputElement | HTMLTextAreaElement) => {
    f.dir = direction(f.value);
  };
  const question = el("textarea", { attrs: { id: "poll-question", rows: "2", dir: "auto" } });
  question.value = draft.question;
  const list = el("ol", { class: "poll-fields" });
  const add = el("button", { class: "link", text: t("pollAddOption"), attrs: { type: "button" } });
  const alert = el("p", { class: "alert", attrs: { role: "alert" } });
  const fields = () => [...list.querySelectorAll("input")];
  /** Numbers and labels the rows again after an add or a remove (2–6 rows, Remove only above 2). */
  const renumber = () => {
    const rows = [...list.children];
    for (const [i, row] of rows.entries()) {
      row.querySelector("input")?.setAttribute("aria-label", t("pollOption", i + 1));
      const remove = row.querySelector("button")!;
      remove.setAttribute("aria-label", t("pollRemoveOption", i + 1));
      remove.hidden = rows.length <= LIMITS.surveyOptionsMin;
    }
    add.disabled = rows.length >= LIMITS.surveyOptionsMax;
  };
  const addRow = (value: string) => {
    const input = el("input", { attrs: { autocomplete: "off", dir: "auto" } });
    input.value = value;
    byWords(input);
    input.addEventListener("input", () => byWords(input));
    const remove = el("button", { class: "link", text: "×", attrs: { type: "button" } });
    const row = el("li", {}, input, remove);
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      renumber();
      next?.querySelector("input")?.focus();
    });
    list.append(row);
    return input;
  };
  for (const o of draft.options) addRow(o);
  renumber();
  byWords(question);
  question.addEventListener("input", () => byWords(question));
  add.addEventListener("click", () => {
    addRow("").focus();
    renumber();
  });
  const cancel = el("button", { text: i18n.t("cancel"), attrs: { type: "button" } });
  const form = el(
    "form",
    { attrs: { novalidate: "" } },
    el("h2", { class: "choice-title", text: t("newPoll"), attrs: { id: "poll-title" } }),
    el("label", { text: t("pollQuestion"), attrs: { for: "poll-question" } }),
    question,
    el("fieldset", {}, el("legend", { text: t("pollOptions") }), list, add),
    alert,
    el(
      "div",
      { class: "choices" },
      cancel,
      el("button", { class: "primary", text: t("pollOpen"), attrs: { type: "submit" } }),
    ),
  );
  const dialog = el("dialog", { class: "choice poll-form", attrs: { "aria-labelledby": "poll-title" } }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    let result: { question: string; options: string[] } | null = null;
    const keep = () => {
      draft = { question: question.value, options: fields().map((f) => f.value) };
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const checked = checkSurvey(
        question.value,
        fields().map((f) => f.value),
      );
      if (!checked.ok) {
        alert.textContent = i18n.t(checked.problem);
        (checked.field < 0 ? question : (fields()[checked.field] ?? question)).focus();
        return;
      }
      result = { question: checked.question, options: checked.options };
      dialog.close();
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      if (result === null) keep();
      else draft = { question: "", options: ["", ""] };
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    question.focus();
  });
}
