/**
 * @module
 * The open poll above the log, for everyone (`welcome.survey`, then each `survey` frame): the
 * question, one button per option (this member's choice pressed and marked, changeable while the
 * poll is open), each with its bar, its count and its share, moving as the room's counts come;
 * how many voted; Close poll for the host. A short screen (a phone with its keyboard open) folds
 * it to one line, "Poll: <question> · Vote", which opens over the log (style.css), so the log
 * keeps its share. The block takes the question's direction, as the pinned message does.
 */
import { direction } from "./direction";
import { disclosure } from "./disclosure";
import { el } from "./dom";
import type { I18n } from "./i18n";
import { type OpenSurvey, shares, voters } from "./survey-state";

export interface SurveyActions {
  vote: (option: number) => void;
  close: () => void;
}

/** An option's parts: its bar (as wide as its share, behind the words), its text, its count and share. */
export function optionParts(text: string): [HTMLElement, HTMLElement, HTMLElement] {
  return [
    el("span", { class: "fill", attrs: { "aria-hidden": "true" } }),
    el("span", { class: "opt", dir: direction(text), text }),
    el("span", { class: "n" }),
  ];
}

/** Sets an option's bar and its count line ("12 · 40%"). */
export function setOption(node: Element, share: number, label: string): void {
  node.querySelector<HTMLElement>(".fill")?.style.setProperty("inline-size", `${share}%`);
  const n = node.querySelector(".n");
  if (n !== null && n.textContent !== label) n.textContent = label;
}

export class SurveyView {
  private shown: OpenSurvey | null = null;
  private host = false;
  /** What the options were built for (poll and language): counts alone update in place. */
  private builtFor = "";
  private readonly fold = el("button", {
    class: "survey-fold",
    attrs: { type: "button", "aria-expanded": "false", "aria-controls": "survey-body" },
  });
  private readonly head = el("p", { class: "survey-head" });
  private readonly list = el("ul", { class: "survey-options" });
  private readonly voted = el("span", { class: "survey-voted" });
  private readonly closeButton = el("button", { class: "survey-close", attrs: { type: "button" } });
  private readonly setOpen: (open: boolean) => void;

  constructor(
    private readonly i18n: I18n,
    private readonly root: HTMLElement,
    actions: SurveyActions,
    /** The host's New poll: one poll at a time, so it waits while one is open. */
    private readonly newPoll?: HTMLButtonElement,
  ) {
    root.append(
      this.fold,
      el(
        "div",
        { class: "survey-body", attrs: { id: "survey-body" } },
        this.head,
        this.list,
        el("p", { class: "survey-foot" }, this.voted, this.closeButton),
      ),
    );
    this.setOpen = disclosure(this.fold, root);
    this.list.addEventListener("click", (e) => {
      const option = (e.target as Element).closest<HTMLElement>("[data-option]")?.dataset.option;
      if (option !== undefined) actions.vote(Number(option));
    });
    this.closeButton.addEventListener("click", () => actions.close());
  }

  /** The open poll (the chat's state, read as it is now), or none. */
  show(s: OpenSurvey | null, host: boolean): void {
    if (s?.id !== this.shown?.id) this.setOpen(false);
    this.shown = s;
    this.host = host;
    this.render();
  }

  render(): void {
    const s = this.shown;
    const focused = this.root.contains(document.activeElement);
    this.root.hidden = s === null;
    if (this.newPoll !== undefined) this.newPoll.disabled = s !== null;
    if (s === null) {
      this.builtFor = "";
      // Closed under a reader's finger (or focus): focus goes to the log below, not to the page's top.
      if (focused) (this.root.nextElementSibling as HTMLElement | null)?.focus();
      return;
    }
    const t = this.i18n;
    const key = `${s.id} ${t.lang}`;
    if (this.builtFor !== key) {
      this.builtFor = key;
      // The question and each option read by their own words; the page's labels around them
      // ("Poll", "12 voted", Close poll) keep the page's direction.
      this.head.replaceChildren(
        el("span", { class: "survey-label", text: t.t("poll") }),
        " ",
        el("span", { class: "survey-q", dir: direction(s.question), text: s.question }),
      );
      this.list.replaceChildren(
        ...s.options.map((o, i) =>
          el(
            "li",
            {},
            el(
              "button",
              { class: "survey-option", attrs: { type: "button", "data-option": String(i) } },
              ...optionParts(o),
            ),
          ),
        ),
      );
      this.closeButton.textContent = t.t("closePoll");
    }
    const share = shares(s.counts);
    for (const [i, button] of [...this.list.querySelectorAll("button")].entries()) {
      setOption(button, share[i] ?? 0, t.t("pollShare", { n: s.counts[i] ?? 0, p: share[i] ?? 0 }));
      button.setAttribute("aria-pressed", String(s.mine === i));
    }
    this.voted.textContent = t.t("pollVoted", { n: voters(s.counts) });
    this.closeButton.hidden = !this.host;
    // Folded: "Poll: <question> · Vote", or the choice made ("· ✓ Yes").
    const mine = s.mine === undefined ? undefined : s.options[s.mine];
    this.fold.replaceChildren(
      el("span", { class: "survey-label", text: `${t.t("poll")}:` }),
      el("bdi", { class: "survey-q", text: s.question }),
      el(
        "span",
        { class: "survey-state", text: t.t(mine === undefined ? "pollVote" : "pollMine") },
        mine !== undefined && el("bdi", { text: mine }),
      ),
    );
  }
}
