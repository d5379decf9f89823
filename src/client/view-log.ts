/**
 * @module
 * The message log (`role="log"`): messages with sender, local time and text, quiet system
 * lines, date separators, pending messages of the outbox. It follows new messages unless the
 * reader scrolled up; then a "new messages" button jumps down, and unread ones are counted.
 * For the room's host each message has Delete and Pin buttons (small, in its header line); deletions
 * and clears take messages out. A delete seen live in a host's tab leaves "Deleted · Undo" in its
 * place for `TIMINGS.undoMs`; a message brought back goes in at its place by seq, not at the end.
 * A message the host sent carries a "host" mark (text, not colour alone), in every tab. A closed
 * poll's result is a line of its own at its seq (view-survey-result.ts), taken out and brought
 * back like a message.
 * A question carries its mark and, below its text, its bar (question-parts.ts): the upvote with
 * the count the question board knows, repainted in place as votes come (`question`).
 * Joins and leaves with nothing between them are one line that changes in place
 * (presence-run.ts), hidden from screen readers: the live region speaks messages, the online
 * list tells who is here. A long class stays light: past `MAX_LOG_MESSAGES` the oldest lines
 * leave, `TRIM_BATCH` messages at a time, never while the reader is scrolled up.
 */
import { type ChatMessage, type HistoryEntry, type HostFrame, isMessage, type SurveyResult } from "../protocol";
import { direction } from "./direction";
import { el } from "./dom";
import { dayKey, type I18n, type Key } from "./i18n";
import { describeRun, type Piece, PresenceRun } from "./presence-run";
import type { QuestionBoard } from "./question-board";
import { barAction, paintBar, questionBar, questionMark } from "./question-parts";
import { TIMINGS } from "./timings";
import { resultItem } from "./view-survey-result";

const NEAR_BOTTOM_PX = 48;
/** The log keeps this many message lines; the oldest go first (with the lines above them). */
export const MAX_LOG_MESSAGES = 500;
/** Other lines (presence, notices, days) count too, at this many, so a log of those alone is bounded. */
const MAX_LOG_LINES = 2 * MAX_LOG_MESSAGES;
/**
 * Past a cap, this many more messages leave with the oldest (and lines: twice as many), so the
 * log holds 450–500 messages. Taking one line out at the top with every message moved every line
 * below it, and the browser went through all 500 again to paint each message (bench:page's phone
 * past the cap: half of its pre-paint time); now that happens once every 50 messages.
 */
export const TRIM_BATCH = 50;

/** The lines one task adds: where the reader was before the first, and whether the log follows them down. */
type Batch = { atBottom: boolean; follow: boolean };

export class LogView {
  private lastDay: string | null = null;
  private unread = 0;
  /** Message lines in the log (kept as a count: trimming must not query the whole log each time). */
  private messages = 0;
  /** The presence line that a join or leave now would change, while it is the log's last line. */
  private run: { line: HTMLLIElement; run: PresenceRun } | null = null;
  /** Each presence line's run, for a language switch; weak, so a line that leaves takes it along. */
  private readonly runs = new WeakMap<Element, PresenceRun>();
  /** The room's host: every message gets Delete and Pin buttons. */
  private deletable = false;
  /** Each closed poll's line and its result, to write it again in another language. */
  private readonly results = new WeakMap<Element, SurveyResult>();
  /** Counts down the pending messages that slow mode holds. */
  private heldTicker: ReturnType<typeof setInterval> | undefined;
  /**
   * The lines of the task now running (a payload of the room, a welcome's history): whether the
   * reader was at the bottom before the first came, and whether the log follows them down, once,
   * when the task is done (see `append`).
   */
  private batch: Batch | null = null;

  get canDelete(): boolean {
    return this.deletable;
  }

  /** Turned off mid-stay (the host role was taken back): the buttons shown go too, and the undos. */
  set canDelete(on: boolean) {
    this.deletable = on;
    if (!on) for (const b of this.list.querySelectorAll("button.del, button.pin, .deleted-undo, .answer")) b.remove();
  }

  constructor(
    private readonly i18n: I18n,
    private readonly scroller: HTMLElement,
    private readonly list: HTMLOListElement,
    private readonly pendingList: HTMLOListElement,
    private readonly jump: HTMLButtonElement,
    private readonly onUnread: (n: number) => void,
    /** Sends a host frame; false when offline (nothing was sent). */
    onHost: (frame: HostFrame) => boolean | undefined,
    /** The class's questions: each question's count and marks. */
    private readonly board: QuestionBoard,
    /** This member votes (`up`) on question `seq`, or withdraws. */
    onVote: (seq: number, up: boolean) => void,
  ) {
    list.addEventListener("click", (e) => {
      const target = e.target as Element;
      const q = barAction(target);
      if (q !== null) {
        if ("vote" in q) return onVote(q.seq, q.vote);
        onHost({ type: "answered", seq: q.seq, answered: q.answered });
        return;
      }
      const undo = target.closest<HTMLButtonElement>("button.undo");
      const line = undo?.closest<HTMLElement>("[data-undo]");
      if (undo && line) {
        // Sent once: the room's `restored` (or the timer) replaces the line. Offline: press again.
        undo.disabled = onHost({ type: "undelete", seq: Number(line.dataset.undo) }) !== false;
        return;
      }
      const tool = target.closest("button.del, button.pin");
      const seq = tool?.closest<HTMLElement>("[data-seq]")?.dataset.seq;
      if (tool && seq !== undefined)
        onHost({ type: tool.classList.contains("pin") ? "pin" : "delete", seq: Number(seq) });
    });
    scroller.addEventListener("scroll", () => {
      if (!this.atBottom()) return;
      this.seen();
      // Back at the bottom: what was kept while they read above may go now.
      if (this.trim()) this.toBottom();
    });
    jump.addEventListener("click", () => {
      this.toBottom();
      this.seen();
    });
  }

  clear(): void {
    this.reset();
    this.pendingList.replaceChildren();
    this.seen();
  }

  message(m: ChatMessage, own: boolean, fromHistory = false): void {
    this.append(
      () => {
        this.separator(m.ts);
        this.list.append(this.item(m, own));
        this.messages++;
      },
      own ? "own" : fromHistory || document.visibilityState === "hidden" ? "other-quiet" : "other",
    );
    if (!own && !fromHistory) this.countUnread();
  }

  /** A closed poll's result, a line of the log at its seq (the live final frame, or history). */
  result(r: SurveyResult, fromHistory = false): void {
    this.append(
      () => {
        this.separator(r.ts);
        this.list.append(this.resultLine(r));
        this.messages++;
      },
      fromHistory || document.visibilityState === "hidden" ? "other-quiet" : "other",
    );
    if (!fromHistory) this.countUnread();
  }

  /**
   * Joins and leaves (names that really changed): into the presence line while it is the log's
   * last line, else a new one. A run that comes to nothing (joined and left again) goes.
   */
  presence(joined: string[], left: string[], ts: number): void {
    if (joined.length === 0 && left.length === 0) return;
    this.append(() => {
      this.separator(ts);
      if (this.run === null || this.list.lastElementChild !== this.run.line) {
        // Not in the live region's tree: a screen reader is not told of each join.
        const line = el("li", { class: "system presence", attrs: { "aria-hidden": "true" } });
        this.run = { line, run: new PresenceRun() };
        this.runs.set(line, this.run.run);
        this.list.append(line);
      }
      const { line, run } = this.run;
      run.add(joined, left);
      if (run.empty) {
        line.remove();
        this.run = null;
        return;
      }
      line.replaceChildren(...this.pieces(describeRun(run, this.i18n)), " ", this.timeEl(ts));
    }, "other-quiet");
  }

  /** A quiet line from the page; its key and values stay on it, so a language switch rewrites it. */
  notice(key: Key, vars: Record<string, string | number> = {}): void {
    const line = el("li", {
      class: "notice",
      attrs: { role: "note", "data-key": key, "data-vars": JSON.stringify(vars) },
    });
    this.labelNotice(line);
    this.append(() => this.list.append(line), "other-quiet");
  }

  pending(id: string, text: string, ts: number, question = false): void {
    this.append(() => {
      this.pendingList.append(
        el(
          "li",
          { class: question ? "msg own pending question" : "msg own pending", attrs: { "data-id": id } },
          el("span", { class: "from", text: this.i18n.t("you") }),
          question && questionMark(this.i18n),
          this.timeEl(ts),
          el("p", { class: "text", dir: direction(text), text }),
          el("span", { class: "state", text: this.i18n.t("pending") }),
        ),
      );
    }, "own");
  }

  /**
   * Our own message came back with its seq: its pending line (the same element, so a reader or a
   * screen reader on it stays there) moves to its place in the log and loses its pending look.
   */
  confirm(id: string, m: ChatMessage): void {
    const item = this.pendingList.querySelector<HTMLLIElement>(`[data-id="${CSS.escape(id)}"]`);
    if (item === null) return this.message(m, true);
    this.append(() => {
      this.separator(m.ts);
      item.classList.remove("pending", "failed", "held");
      delete item.dataset.until;
      item.dataset.seq = String(m.seq);
      item.querySelector(".state")?.remove();
      const from = item.querySelector<HTMLElement>(".from");
      from?.replaceChildren(m.from);
      if (from !== null) from.dir = direction(m.from);
      const mark = this.hostMark(m);
      if (mark !== null) from?.after(mark);
      const time = this.timeEl(m.ts);
      item.querySelector("time")?.replaceWith(time);
      time.after(...this.hostButtons(m.from));
      if (m.question === true) item.querySelector(".text")?.after(this.bar(m));
      this.list.append(item);
      this.messages++;
    }, "own");
  }

  /**
   * A host deleted it: the message goes (focus, if it was on its Delete button, goes to the log).
   * `undoable` (a live delete, in a host's tab): "Deleted · Undo" stays in its place for
   * `TIMINGS.undoMs`, focus on Undo if it was in the message.
   */
  deleted(seq: number, undoable = false): void {
    const item = this.list.querySelector(`.msg[data-seq="${seq}"]`);
    if (item === null) return;
    const focused = item.contains(document.activeElement);
    this.messages--;
    if (!undoable || !this.canDelete) {
      item.remove();
      if (focused) this.scroller.focus();
      return;
    }
    const from = item.querySelector(".from")?.textContent ?? "";
    const undo = el("button", { class: "undo link", attrs: { type: "button" } });
    const line = el("li", { class: "deleted-undo", attrs: { "data-undo": String(seq), "data-from": from } });
    // A poll's result has no sender: its Undo says what it brings back.
    if (item.classList.contains("survey-result")) line.dataset.poll = "";
    line.append(el("span", {}), " · ", undo);
    this.labelUndo(line);
    item.replaceWith(line);
    if (focused) undo.focus();
    setTimeout(() => {
      if (!line.isConnected) return;
      const lost = line.contains(document.activeElement);
      line.remove();
      if (lost) this.scroller.focus();
    }, TIMINGS.undoMs);
  }

  /**
   * A host undid a delete: the message goes back at its place (by seq: in place of its "Deleted ·
   * Undo", or before the first later message). Already shown (this tab never saw the delete): nothing.
   */
  restored(m: HistoryEntry, own: boolean): void {
    if (this.list.querySelector(`.msg[data-seq="${m.seq}"]`) !== null) return;
    const later = [...this.list.querySelectorAll<HTMLElement>(".msg[data-seq], [data-undo]")].find(
      (x) => Number(x.dataset.seq ?? x.dataset.undo) >= m.seq,
    );
    if (later === undefined) return isMessage(m) ? this.message(m, own, true) : this.result(m, true);
    const item = isMessage(m) ? this.item(m, own) : this.resultLine(m);
    this.messages++;
    if (later.dataset.undo === String(m.seq)) {
      const focused = later.contains(document.activeElement);
      later.replaceWith(item);
      if (focused) item.querySelector<HTMLElement>(".del")?.focus();
      return;
    }
    // Before the later message, or before its day's separator when that day is not this message's.
    const above = later.previousElementSibling as HTMLElement | null;
    const otherDay = above?.classList.contains("day") && dayKey(Number(above.dataset.ts)) !== dayKey(m.ts);
    (otherDay ? above! : later).before(item);
  }

  /** Question `seq`'s count or marks changed: its bar shows them (in place: nothing is added, nothing said). */
  question(seq: number): void {
    const bar = this.list.querySelector(`.msg[data-seq="${seq}"] .q-bar`);
    if (bar !== null) paintBar(this.i18n, bar, this.board.get(seq));
  }

  /** Every question's bar again (a resume's counts, another language). */
  questions(): void {
    for (const bar of this.list.querySelectorAll<HTMLElement>(".q-bar")) {
      paintBar(this.i18n, bar, this.board.get(Number(bar.closest<HTMLElement>("[data-seq]")?.dataset.seq)));
    }
  }

  /** A host cleared the room through `through`: that message and everything above it go. */
  cleared(through: number): void {
    // Nothing cleared comes back.
    for (const line of this.list.querySelectorAll(".deleted-undo")) line.remove();
    const gone = [...this.list.querySelectorAll<HTMLElement>(".msg[data-seq]")].filter(
      (m) => Number(m.dataset.seq) <= through,
    );
    const last = gone.at(-1);
    if (last === undefined) return;
    const focused = this.list.contains(document.activeElement);
    while (this.list.firstChild !== null && this.list.firstChild !== last) this.list.firstChild.remove();
    last.remove();
    this.messages = this.list.querySelectorAll(".msg").length;
    if (this.list.firstChild === null) this.lastDay = null;
    if (focused) this.scroller.focus();
  }

  /** A fresh view: everything shown goes (our pending messages stay). */
  reset(): void {
    this.list.replaceChildren();
    this.lastDay = null;
    this.messages = 0;
    this.run = null;
  }

  removePending(id: string): void {
    this.pendingList.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
  }

  failed(id: string, why: string): void {
    const item = this.pendingList.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
    if (item === null) return;
    delete item.dataset.until;
    item.classList.remove("held");
    item.classList.add("failed");
    const state = item.querySelector(".state");
    if (state !== null) state.textContent = this.i18n.t("failed", { why });
  }

  /**
   * Slow mode holds this pending message until `until` (epoch ms; 0: no longer). Its state line
   * says so with a countdown instead of "sending…"; the number is hidden from screen readers
   * (the log would announce every tick), the words are said once.
   */
  held(id: string, until: number): void {
    const item = this.pendingList.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
    if (item === null || item.classList.contains("failed")) return;
    if (until > Date.now()) item.dataset.until = String(until);
    else delete item.dataset.until;
    this.renderHeld(item);
    clearInterval(this.heldTicker);
    this.heldTicker = setInterval(() => this.tickHeld(), 250);
  }

  private tickHeld(): void {
    const held = this.pendingList.querySelectorAll<HTMLElement>("[data-until]");
    for (const item of held) this.renderHeld(item);
    if (held.length === 0) clearInterval(this.heldTicker);
  }

  /**
   * "waits for slow mode · 12 s", or "sending…" once the wait is over. Only the number changes
   * while it waits (`full`: the words too, after a language switch), so nothing is said again.
   */
  private renderHeld(item: HTMLElement, full = false): void {
    const state = item.querySelector(".state");
    if (state === null) return;
    const n = Math.ceil((Number(item.dataset.until ?? 0) - Date.now()) / 1000);
    if (n <= 0) {
      delete item.dataset.until;
      item.classList.remove("held");
      const pending = this.i18n.t("pending");
      if (state.textContent !== pending) state.textContent = pending;
      return;
    }
    const count = this.i18n.t("slowHeldIn", { n });
    const number = state.querySelector(".count");
    if (!full && number !== null) {
      if (number.textContent !== count) number.textContent = count;
      return;
    }
    item.classList.add("held");
    state.replaceChildren(
      this.i18n.t("slowHeld"),
      " ",
      el("span", { class: "count", text: count, attrs: { "aria-hidden": "true" } }),
    );
  }

  /** After a language switch: times and dates in the new language. */
  relabel(): void {
    for (const t of this.scroller.querySelectorAll<HTMLTimeElement>("time[data-ts]")) {
      t.textContent = this.i18n.time(Number(t.dataset.ts));
    }
    for (const d of this.scroller.querySelectorAll<HTMLElement>(".day[data-ts]")) {
      d.textContent = this.i18n.date(Number(d.dataset.ts));
    }
    for (const s of this.pendingList.querySelectorAll(".pending:not(.failed) .state"))
      s.textContent = this.i18n.t("pending");
    for (const item of this.pendingList.querySelectorAll<HTMLElement>("[data-until]")) this.renderHeld(item, true);
    for (const mark of this.list.querySelectorAll(".role")) mark.textContent = this.i18n.t("hostBadge");
    for (const line of this.list.querySelectorAll(".survey-result")) {
      const r = this.results.get(line);
      if (r !== undefined) line.replaceWith(this.resultLine(r));
    }
    for (const mark of this.scroller.querySelectorAll(".q-mark")) mark.textContent = this.i18n.t("questionMark");
    this.questions();
    for (const b of this.list.querySelectorAll(":not(.survey-result) > :is(.del, .pin)")) {
      const from = b.parentElement?.querySelector(".from")?.textContent ?? "";
      const pin = b.classList.contains("pin");
      b.textContent = this.i18n.t(pin ? "pin" : "delete");
      b.setAttribute("aria-label", this.i18n.t(pin ? "pinLabel" : "deleteLabel", { name: from }));
    }
    for (const line of this.list.querySelectorAll<HTMLElement>(".deleted-undo")) this.labelUndo(line);
    for (const line of this.list.querySelectorAll<HTMLElement>(".notice[data-key]")) this.labelNotice(line);
    for (const line of this.list.querySelectorAll(".presence")) {
      const run = this.runs.get(line);
      if (run !== undefined)
        line.replaceChildren(...this.pieces(describeRun(run, this.i18n)), " ", line.querySelector("time") ?? "");
    }
  }

  atBottom(): boolean {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM_PX;
  }

  toBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** The reader caught up (scrolled down, or came back to the tab at the bottom). */
  seen(): void {
    if (document.visibilityState === "hidden" || !this.following()) return;
    // Only when it shows: setting `hidden` again, even to the same value, costs a second style
    // recalculation for every message that comes in at the bottom.
    if (!this.jump.hidden) this.jump.hidden = true;
    if (this.unread !== 0) {
      this.unread = 0;
      this.onUnread(0);
    }
  }

  private countUnread(): void {
    if (document.visibilityState === "visible" && this.following()) return;
    this.unread++;
    this.onUnread(this.unread);
  }

  /** At the bottom, or about to be taken there by the lines of the task now running. */
  private following(): boolean {
    return this.batch?.follow === true || this.atBottom();
  }

  /**
   * Adds something, then follows it down if the reader was at the bottom (or it is theirs). Where
   * the reader was is measured once for all the lines one task adds, and the log scrolls once
   * when the task is done (a microtask): measuring after each line laid the whole log out again
   * for every line of a payload. Not in the next animation frame: the layout would then lengthen
   * the frame's own task, which already paints, and a phone would see more long tasks, not fewer
   * (measured: 40 tasks ≥ 50 ms against 4, bench:page's phone past the line cap).
   */
  private append(add: () => void, kind: "own" | "other" | "other-quiet"): void {
    const batch = this.batch ?? this.openBatch();
    add();
    // Lines leave only under a reader at the bottom: one scrolled up keeps what they read.
    if (batch.atBottom) this.trim();
    if (kind === "own" || batch.atBottom) batch.follow = true;
    else if (kind === "other") this.jump.hidden = false;
  }

  private openBatch(): Batch {
    const batch: Batch = { atBottom: this.atBottom(), follow: false };
    this.batch = batch;
    queueMicrotask(() => {
      if (this.batch === batch) this.batch = null;
      if (batch.follow) this.toBottom();
    });
    return batch;
  }

  /**
   * Past a cap, the oldest lines go (each message with the lines above it) until `TRIM_BATCH`
   * below it. True if any went.
   */
  private trim(): boolean {
    if (this.messages <= MAX_LOG_MESSAGES && this.list.childElementCount <= MAX_LOG_LINES) return false;
    let trimmed = false;
    let day: Element | null = null;
    const focused = this.list.contains(document.activeElement);
    const messages = MAX_LOG_MESSAGES - TRIM_BATCH;
    const lines = MAX_LOG_LINES - 2 * TRIM_BATCH;
    for (;;) {
      const first = this.list.firstElementChild;
      if (first === null || (this.messages <= messages && this.list.childElementCount <= lines)) break;
      if (first.classList.contains("msg")) this.messages--;
      if (first.classList.contains("day")) day = first;
      if (first === this.run?.line) this.run = null;
      first.remove();
      trimmed = true;
    }
    // The lines left still start under their date.
    if (day !== null && !this.list.firstElementChild?.classList.contains("day")) this.list.prepend(day);
    if (focused && !this.list.contains(document.activeElement)) this.scroller.focus();
    return trimmed;
  }

  /** A line's pieces: names isolated in `<bdi>`, the rest as text. */
  private pieces(pieces: Piece[]): (HTMLElement | string)[] {
    return pieces.map((p) => (typeof p === "string" ? p : el("bdi", { text: p.name })));
  }

  private separator(ts: number): void {
    const day = dayKey(ts);
    if (day === this.lastDay) return;
    this.lastDay = day;
    this.list.append(
      el("li", { class: "day", attrs: { "data-ts": String(ts), role: "separator" }, text: this.i18n.date(ts) }),
    );
  }

  /** The host's mark on a message the host sent (its role is kept with the message). */
  private hostMark(m: ChatMessage): HTMLSpanElement | null {
    return m.role === "host" ? el("span", { class: "role", text: this.i18n.t("hostBadge") }) : null;
  }

  /** A message's line: sender, host mark, time, the host's buttons, text (a question: its mark and bar). */
  private item(m: ChatMessage, own: boolean): HTMLLIElement {
    const question = m.question === true;
    return el(
      "li",
      { class: `msg${own ? " own" : ""}${question ? " question" : ""}`, attrs: { "data-seq": String(m.seq) } },
      el("span", { class: "from", dir: direction(m.from), text: m.from }),
      this.hostMark(m),
      question && questionMark(this.i18n),
      this.timeEl(m.ts),
      ...this.hostButtons(m.from),
      el("p", { class: "text", dir: direction(m.text), text: m.text }),
      question && this.bar(m),
    );
  }

  private resultLine(r: SurveyResult): HTMLLIElement {
    const line = resultItem(this.i18n, r, this.timeEl(r.ts), this.canDelete);
    this.results.set(line, r);
    return line;
  }

  private bar(m: ChatMessage): HTMLDivElement {
    return questionBar(this.i18n, this.board.get(m.seq), m.from, this.canDelete);
  }

  /** "Delete" and "Pin" for the host, named for screen readers after whose message they act on. */
  private hostButtons(from: string): HTMLButtonElement[] {
    if (!this.canDelete) return [];
    const t = this.i18n;
    return [
      el("button", {
        class: "del link",
        text: t.t("delete"),
        attrs: { type: "button", "aria-label": t.t("deleteLabel", { name: from }) },
      }),
      el("button", {
        class: "pin link",
        text: t.t("pin"),
        attrs: { type: "button", "aria-label": t.t("pinLabel", { name: from }) },
      }),
    ];
  }

  /** "Deleted · Undo", in the reader's language (the sender's name is kept on the line for the label). */
  private labelUndo(line: HTMLElement): void {
    const span = line.querySelector("span");
    if (span !== null) span.textContent = this.i18n.t("deletedUndo");
    const undo = line.querySelector("button");
    undo?.replaceChildren(this.i18n.t("undo"));
    const label = line.dataset.poll === undefined ? "undoLabel" : "undoPollLabel";
    undo?.setAttribute("aria-label", this.i18n.t(label, { name: line.dataset.from ?? "" }));
  }

  /** A notice in the reader's language, laid out in its direction (a full stop stays at its end). */
  private labelNotice(line: HTMLElement): void {
    line.textContent = this.i18n.t(line.dataset.key as Key, JSON.parse(line.dataset.vars ?? "{}"));
    line.dir = this.i18n.lang === "fa" ? "rtl" : "ltr";
  }

  private timeEl(ts: number): HTMLTimeElement {
    return el("time", {
      attrs: { datetime: new Date(ts).toISOString(), "data-ts": String(ts) },
      text: this.i18n.time(ts),
    });
  }
}
