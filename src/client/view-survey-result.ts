/**
 * @module
 * A closed poll as a line of the log (the room's final `survey` frame, or an entry of the
 * history): "Poll closed", its time, the question, each option's bar with its count and share,
 * and how many voted. A `.msg` with its seq, so delete, undo, clear and trimming take it as they
 * take a message; the host's Delete is on it (no Pin: a pin is a message's).
 */
import type { SurveyResult } from "../protocol";
import { direction } from "./direction";
import { el } from "./dom";
import type { I18n } from "./i18n";
import { shares, voters } from "./survey-state";
import { optionParts, setOption } from "./view-survey";

export function resultItem(i18n: I18n, r: SurveyResult, time: HTMLElement, host: boolean): HTMLLIElement {
  const share = shares(r.counts);
  const options = r.options.map((o, i) => {
    const li = el("li", { class: "survey-option" }, ...optionParts(o));
    setOption(li, share[i] ?? 0, i18n.t("pollShare", { n: r.counts[i] ?? 0, p: share[i] ?? 0 }));
    return li;
  });
  const item = el(
    "li",
    { class: "msg survey-result", attrs: { "data-seq": String(r.seq) } },
    el("span", { class: "survey-label", text: i18n.t("pollClosed") }),
    " ",
    time,
    host &&
      el("button", {
        class: "del link",
        text: i18n.t("delete"),
        attrs: { type: "button", "aria-label": i18n.t("deletePollLabel") },
      }),
    el("p", { class: "survey-q", dir: direction(r.question), text: r.question }),
    el("ul", { class: "survey-options" }, ...options),
    el("p", { class: "survey-voted", text: i18n.t("pollVoted", { n: voters(r.counts) }) }),
  );
  return item;
}
