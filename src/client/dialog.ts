/**
 * @module
 * One modal question with its choices spelled out, on the native `<dialog>`: it traps focus,
 * Escape cancels, and focus goes back to the button that opened it. Used where a native
 * `confirm()` would ask a yes/no the teacher cannot read twice (Forget host key, Remove, Clear).
 * Text goes in as text (`el`); names are `<bdi>` through `withNames`.
 */
import { el } from "./dom";

export interface Choice<T extends string> {
  value: T;
  label: string;
  /** Drawn as the destructive choice (red); never the default. */
  danger?: boolean;
}

export interface Question<T extends string> {
  title: string;
  /** The explanation: a sentence, or parts of one (names as `<bdi>`). */
  body: string | (HTMLElement | string)[];
  choices: Choice<T>[];
  /** The label of the choice that changes nothing (also Escape). */
  cancel: string;
}

/** Resolves with the chosen value, or null when cancelled. The dialog is removed afterwards. */
export function choose<T extends string>(q: Question<T>): Promise<T | null> {
  const title = el("h2", { text: q.title, class: "choice-title", attrs: { id: "choice-title" } });
  const body = el("p", { attrs: { id: "choice-body" } }, ...(typeof q.body === "string" ? [q.body] : q.body));
  const buttons = q.choices.map((c) =>
    el("button", { text: c.label, class: c.danger === true ? "danger" : "", attrs: { value: c.value } }),
  );
  const cancel = el("button", { text: q.cancel, attrs: { value: "" } });
  const form = el(
    "form",
    { attrs: { method: "dialog" } },
    title,
    body,
    el("div", { class: "choices" }, cancel, ...buttons),
  );
  const dialog = el(
    "dialog",
    { class: "choice", attrs: { "aria-labelledby": "choice-title", "aria-describedby": "choice-body" } },
    form,
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      const value = dialog.returnValue;
      resolve(q.choices.some((c) => c.value === value) ? (value as T) : null);
    });
    dialog.showModal();
    // The safe choice has focus: Enter right after opening changes nothing.
    cancel.focus();
  });
}
