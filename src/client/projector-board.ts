/**
 * @module
 * The projector's board, in its right column below the pinned message: the open poll's bars in
 * large type (question, each option's bar with its count and share, how many voted) and the top
 * three unanswered questions with their votes. When the host closes the poll, its result takes the
 * open poll's place ("Poll result") until a new poll opens or the host deletes or clears it (the
 * class discusses what it sees where it voted); a projector opened after the close shows the
 * newest result of its history there too. Questions come from a `QuestionBoard` (the welcome's
 * `questions`, question messages, `votes`, `answered`, deletes and clears).
 */
import { type HistoryEntry, isMessage, type SurveyFrame, type WelcomeFrame } from "../protocol";
import { direction } from "./direction";
import { el } from "./dom";
import { type I18n, projectorText } from "./i18n";
import { QuestionBoard } from "./question-board";
import { shares, voters } from "./survey-state";
import { optionParts, setOption } from "./view-survey";

/** How many questions the board shows, most votes first. */
export const TOP_QUESTIONS = 3;
/** The board's type (rem; 2.25 in projector.css) steps down to these, largest first, when the column is short. */
export const BOARD_SIZES = [2, 1.875, 1.75, 1.625, 1.5, 1.375, 1.25];

export class ProjectorBoard {
  readonly root = el("div", { class: "pj-board" });
  readonly questions = new QuestionBoard();
  /** The open poll, or the last closed one's result (with its seq), or none. */
  private survey: SurveyFrame | null = null;
  private readonly poll = el("section", { class: "pj-poll" });
  private readonly top = el("section", { class: "pj-questions" });
  /** What the poll's rows were built for (poll, open or not, language): counts alone update in place. */
  private builtFor = "";

  constructor(private readonly i18n: I18n) {
    this.root.append(this.poll, this.top);
    this.root.hidden = true;
  }

  /**
   * A welcome: its questions; its open poll, else the newest result in `shown` (what the timeline
   * took from its history), else, on a resume, what was shown unless it closed meanwhile.
   */
  welcome(w: WelcomeFrame, shown: HistoryEntry[], reset: boolean): void {
    this.questions.welcome(w.questions ?? []);
    const result = shown.filter((e) => !isMessage(e)).at(-1) as SurveyFrame | undefined;
    if (w.survey !== undefined) this.survey = w.survey;
    else if (result !== undefined) this.survey = result;
    else if (reset || this.survey?.open === true) this.survey = null;
  }

  /** A `survey` frame: the open poll's, or its closing one (its result takes its place). */
  surveyFrame(f: SurveyFrame): void {
    if (!f.open && this.survey !== null && this.survey.id !== f.id && this.survey.open) return;
    this.survey = f;
  }

  /** A delete undone: a closed poll's result comes back when nothing else is on the board. */
  restored(e: HistoryEntry): void {
    if (isMessage(e)) this.questions.message(e);
    else if (this.survey === null) this.survey = e;
  }

  deleted(seq: number): void {
    this.questions.deleted(seq);
    if (this.survey?.seq === seq) this.survey = null;
  }

  cleared(through: number): void {
    this.questions.cleared(through);
    if (this.survey?.seq !== undefined && this.survey.seq <= through) this.survey = null;
  }

  private t(key: Parameters<typeof projectorText>[1], n?: number): string {
    return projectorText(this.i18n, key, n);
  }

  render(): void {
    const s = this.survey;
    const top = this.questions.ranked({ unanswered: true, limit: TOP_QUESTIONS });
    this.root.hidden = s === null && top.length === 0;
    this.poll.hidden = s === null;
    if (s !== null) this.renderPoll(s);
    this.top.hidden = top.length === 0;
    this.top.replaceChildren(
      el("h3", { text: this.t("questions") }),
      el(
        "ol",
        {},
        ...top.map((q) =>
          el(
            "li",
            { class: "pj-question", ...(direction(q.text) !== "auto" && { dir: direction(q.text) }) },
            el("span", { class: "pj-votes", text: this.t(q.count === 1 ? "vote1" : "votes", q.count) }),
            el("p", { class: "text", dir: direction(q.text), text: q.text }),
          ),
        ),
      ),
    );
  }

  private renderPoll(s: SurveyFrame): void {
    const key = `${s.id} ${s.open} ${this.i18n.lang}`;
    if (this.builtFor !== key) {
      this.builtFor = key;
      this.poll.replaceChildren(
        el("h3", { text: this.t(s.open ? "poll" : "pollResult") }),
        el("p", { class: "pj-poll-q", dir: direction(s.question), text: s.question }),
        el("ul", {}, ...s.options.map((o) => el("li", { class: "survey-option" }, ...optionParts(o)))),
        el("p", { class: "pj-voted" }),
      );
    }
    const share = shares(s.counts);
    for (const [i, row] of [...this.poll.querySelectorAll("li")].entries())
      setOption(row, share[i] ?? 0, this.t("share", s.counts[i]).replace("{p}", this.i18n.num(share[i] ?? 0)));
    this.poll.querySelector(".pj-voted")!.textContent = this.t("voted", voters(s.counts));
  }

  /**
   * Steps the board's type down (`BOARD_SIZES`) until `fits` says the column holds it; past the
   * smallest, the questions give way to the poll. Starts over at the largest type each time.
   */
  fit(fits: () => boolean): void {
    this.root.style.removeProperty("font-size");
    this.top.classList.remove("pj-gone");
    if (this.root.hidden) return;
    for (const size of BOARD_SIZES) {
      if (fits()) return;
      this.root.style.fontSize = `${size}rem`;
    }
    if (!fits() && !this.poll.hidden) this.top.classList.add("pj-gone");
  }
}
