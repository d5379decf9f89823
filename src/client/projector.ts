/**
 * @module
 * The projector view, `/?room=demo&view=projector[#host=<key>]`, built as its own module
 * (public/projector.js) and loaded by app.js only for this view. It shows the room's join link
 * as text and as a QR code, and how many students are online (`GET /api/rooms/:room`, every few
 * seconds and whenever presence changes; the host is not counted, nor any watcher). With the
 * host key it also opens the room's watcher socket (`/ws/:room/~projector?host=<key>`: not a
 * user, sends nothing but pings) and shows the latest messages in large type, taking deleted and
 * cleared ones off the screen (and putting an undone delete back at its place), with the pinned
 * message above them (`.projector-pinned`), and below it the board (projector-board.ts): the
 * open poll's bars (or the last one's result) and the top three unanswered questions. No composer.
 * The link is on `PUBLIC_URL`'s origin when the server has one; when it would open on this
 * machine only (`localhost`, `0.0.0.0`), an alert beside the code says so, with the addresses the
 * server knows the phones can reach.
 *
 * With the key, two columns at any projector size (1920×1080, 1280×720): the room, the code, the
 * link and the count on the left; on the right, top to bottom, the warnings, the pinned message,
 * the board, then the latest messages, which are what gives way: the oldest are hidden whole, never cut.
 * The pinned message shows whole: the messages give way to it, all of them if need be; only a pin
 * taller than the column alone gets smaller type, and past the smallest, an ellipsis. The board
 * too shows whole: the messages give way to it, then its type steps down, then its questions go.
 * A full-screen button (the Fullscreen API; Escape leaves) where the browser has one.
 */
import {
  PROJECTOR,
  isMessage,
  parseRoomName,
  randomId,
  type ChatMessage,
  type HistoryEntry,
  type SurveyFrame,
  type SurveyResult,
  type RoomSnapshot,
  type ServerFrame,
  type User,
  type WelcomeFrame,
} from "../protocol";
import { Connection, type Status } from "./connection";
import { direction } from "./direction";
import { byId, el } from "./dom";
import { type I18n, type ProjectorKey, projectorText } from "./i18n";
import { ProjectorBoard } from "./projector-board";
import { qrSvg } from "./qr";
import { Timeline } from "./timeline";
import { TIMINGS } from "./timings";
import { joinLink, joinOrigins, onlyHere } from "./join-link";
import { StatusView } from "./view-status";

/** How often the online count is fetched when nothing else asks for it. */
export const COUNT_EVERY_MS = TIMINGS.projectorCountMs;
/** Messages kept on screen: more would not fit on a projector anyway. */
export const MAX_SHOWN = 30;
/**
 * The type a pin taller than the column alone steps down to (rem), largest first, before it is
 * cut: 1.5rem still reads from the back of a classroom on a projector.
 */
export const PIN_SIZES = [2.5, 2.25, 2, 1.75, 1.5];

export interface ProjectorOptions {
  /** The page's own i18n (app.js's): its language toggle relabels this view too. */
  i18n: I18n;
  root: HTMLElement;
  room: string;
  key?: string;
}

export function startProjector(options: ProjectorOptions): Projector {
  return new Projector(options);
}

export class Projector {
  private readonly i18n: I18n;
  private readonly room: string | null;
  private readonly count = el("p", { class: "pj-count", attrs: { "aria-live": "polite" } });
  private readonly alert = el("p", { class: "alert pj-alert", attrs: { role: "alert" } });
  /** Says when the link opens on this machine only: beside the code, in large type. */
  private readonly reach = el("div", { class: "pj-reach", attrs: { role: "alert" } });
  /** Set when the link opens on this machine only: the addresses to use instead (maybe none). */
  private addresses: string[] | null = null;
  /** The language `reach` was written in: rewritten only when it changes, so it is announced once. */
  private reachLang: string | null = null;
  private readonly list = el("ol", { class: "pj-messages" });
  /** The right column: warnings first, then what the host puts in front of the class, then the log. */
  private readonly side = el("div", { class: "pj-feed" });
  private readonly fullscreen = el("button", { class: "pj-fullscreen", attrs: { type: "button" } });
  private section: HTMLElement | null = null;
  private readonly empty = el("p", { class: "pj-empty" });
  /** On screen, oldest first (by seq: a message brought back goes in at its place). */
  private shown = new Map<number, HTMLLIElement>();
  /** The message the host pinned, above the latest ones; hidden when none. */
  private readonly pinned = el("div", { class: "projector-pinned", attrs: { "aria-live": "polite" } });
  private readonly pinLabel = el("span", { class: "pj-pin-label" });
  /** What `render` relabels when the language changes: text, or an attribute. */
  private readonly labels: [Element, ProjectorKey, string?][] = [];
  private online: number | null = null;
  private fetching = false;
  private fetchAgain = false;
  /** Which seqs are on screen and where a reconnect resumes from (`since`). */
  private readonly timeline = new Timeline();
  private conn: Connection | null = null;
  private status: StatusView | null = null;
  /** The open poll and the top questions, between the pin and the latest messages. */
  private readonly board: ProjectorBoard;

  constructor(options: ProjectorOptions) {
    this.i18n = options.i18n;
    this.board = new ProjectorBoard(this.i18n);
    this.room = parseRoomName(options.room.trim());
    const section = el("section", { class: "projector" });
    options.root.append(section);
    if (this.room === null) {
      section.append(this.alert);
      this.alert.textContent = this.i18n.error("invalid_room");
      return;
    }
    const scan = el("p", { class: "pj-scan" });
    this.labels.push([scan, "scan"]);
    const code = el("div", { class: "pj-code" });
    section.append(
      el(
        "div",
        { class: "pj-join" },
        el("h2", { class: "pj-room", text: this.room, dir: direction(this.room) }),
        scan,
        code,
        el("div", { class: "pj-foot" }, this.count, this.fullscreenControl()),
      ),
    );
    void this.showLink(this.room, code);
    setInterval(() => void this.refreshCount(), COUNT_EVERY_MS);
    void this.refreshCount();

    if (options.key !== undefined) {
      section.classList.add("with-feed");
      this.list.setAttribute("role", "log");
      const heading = el("h2");
      this.labels.push([heading, "messages"], [this.list, "messages", "aria-label"], [this.pinLabel, "pinned"]);
      this.pinned.hidden = true;
      // Top to bottom: the warnings, the pinned message, the open poll and the top questions
      // (the board), then the latest messages, the one part that gives way (see `fit`).
      this.side.append(this.reach, this.alert, this.pinned, this.board.root, heading, this.empty, this.list);
      section.append(this.side);
      // The column too: when the pin fills it, the list is not laid out and does not resize.
      const resized = new ResizeObserver(() => this.fit());
      resized.observe(this.list);
      resized.observe(this.side);
      this.watch(this.room, options.key);
    } else {
      // Without messages, a right column only for a warning (the code keeps its 360 px beside it).
      this.side.append(this.reach, this.alert);
      this.side.hidden = true;
      section.append(this.side);
    }
    this.section = section;
    new MutationObserver(() => this.render()).observe(document.documentElement, { attributeFilter: ["lang"] });
    this.render();
  }

  /** The QR code and the text of the join link, once the server said which origin it is on. */
  private async showLink(room: string, code: HTMLElement): Promise<void> {
    const origins = await joinOrigins();
    const link = joinLink(origins.publicUrl ?? location.origin, room);
    const qr = qrSvg(link, this.t("qr"));
    qr.classList.add("pj-qr");
    this.labels.push([qr, "qr", "aria-label"]);
    code.replaceChildren(qr, el("p", { class: "pj-link" }, el("bdi", { dir: "ltr" }, ...breakable(link))));
    if (onlyHere(new URL(link).hostname)) this.addresses = origins.addresses;
    this.render();
  }

  /** Why phones cannot open this link, and the projector at each address they can reach. */
  private renderReach(): void {
    const a = this.addresses;
    if (a === null || this.room === null || this.reachLang === this.i18n.lang) return;
    this.reachLang = this.i18n.lang;
    this.side.hidden = false;
    // Without messages, the warning gets the right column of its own.
    if (this.section?.classList.contains("with-feed") === false) this.section.classList.add("with-side");
    const room = this.room;
    const links = a.map((o) =>
      el("li", {}, el("a", { text: `${o}/`, dir: "ltr", attrs: { href: `${joinLink(o, room)}&view=projector` } })),
    );
    this.reach.replaceChildren(
      el("p", { text: this.t("onlyHere") }),
      el("p", { text: this.t(a.length > 0 ? "useInstead" : "noAddresses") }),
      ...(a.length > 0 ? [el("ul", {}, ...links)] : []),
    );
  }

  /** The watcher socket: the shared `Connection`, with the key and without acks. */
  private watch(room: string, key: string): void {
    const conn = new Connection({
      base: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`,
      room,
      name: PROJECTOR,
      session: randomId(),
      host: key,
      acks: false,
      since: () => this.timeline.since,
      onFrames: (frames) => {
        for (const f of frames) this.receive(f);
        this.render();
      },
      onStatus: (s) => this.onStatus(s),
    });
    this.status = new StatusView(this.i18n, byId("status"), {
      retryNow: () => conn.retryNow(),
      useHere: () => {},
    });
    addEventListener("online", () => conn.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") conn.retryNow();
    });
    this.conn = conn;
    conn.open();
  }

  private onStatus(s: Status): void {
    this.status?.set(s);
    if (s.kind === "online") this.alert.textContent = "";
    if (s.kind === "refused") {
      // A key of the wrong shape is refused as bad_request before the room looks at it.
      const wrongKey = s.code === "host_key_invalid" || s.code === "bad_request";
      this.alert.textContent = wrongKey ? this.t("keyInvalid") : this.i18n.error(s.code);
      this.empty.hidden = true;
    }
  }

  private receive(f: ServerFrame): void {
    switch (f.type) {
      case "welcome":
        return this.welcome(f);
      case "message":
        this.board.questions.message(f);
        return this.message(f);
      case "deleted":
        this.board.deleted(f.seq);
        return this.remove(f.seq);
      case "restored":
        return this.restore(f.message);
      case "pinned":
        return this.pin(f.message);
      case "cleared":
        this.board.cleared(f.seq);
        return this.removeThrough(f.seq);
      case "survey":
        return this.survey(f);
      case "votes":
        return void this.board.questions.votes(f.counts);
      case "answered":
        return void this.board.questions.answered(f.seq, f.answered);
      case "presence":
      case "roles":
        return void this.refreshCount();
    }
  }

  private welcome(f: WelcomeFrame): void {
    // A resume (we sent `since`) gets what we missed; another life of the room starts the screen over.
    const result = this.timeline.welcome(f);
    if (result.reset) this.removeThrough(Number.POSITIVE_INFINITY);
    this.board.welcome(f, result.show, result.reset);
    if (f.clearedThrough !== undefined) {
      this.removeThrough(f.clearedThrough);
      this.board.cleared(f.clearedThrough);
    }
    for (const seq of f.deleted ?? []) {
      this.remove(seq);
      this.board.deleted(seq);
    }
    for (const m of result.show.filter(isMessage)) this.add(m);
    for (const e of f.restored ?? []) this.restore(e);
    this.pin(f.pinned ?? null);
    this.online = students(f.users);
    void this.refreshCount();
  }

  /** A delete undone: a message goes back at its place, a poll's result to the board. */
  private restore(e: HistoryEntry): void {
    this.board.restored(e);
    if (isMessage(e)) this.add(e);
  }

  /**
   * A poll's frame for the board; the closing one is also an entry of the history at its seq
   * (taken in order like a message, or the next message would look like a gap).
   */
  private survey(f: SurveyFrame): void {
    this.board.surveyFrame(f);
    if (f.open || f.seq === undefined) return;
    if (this.timeline.accept(f as SurveyResult) === "gap") this.conn?.resume();
  }

  /** A live message: shown once, in order; a seq jump means frames were lost, so resume. */
  private message(m: ChatMessage): void {
    const verdict = this.timeline.accept(m);
    if (verdict === "gap") this.conn?.resume();
    else if (verdict === "show") this.add(m);
  }

  /**
   * The pinned message in large type, or none. The block takes the text's direction (as on the
   * page, view-pinned.ts): the label starts on the side the text starts.
   */
  private pin(m: ChatMessage | null): void {
    this.pinned.hidden = m === null;
    if (m === null) return this.pinned.replaceChildren();
    const dir = direction(m.text);
    if (dir === "auto") this.pinned.removeAttribute("dir");
    else this.pinned.dir = dir;
    this.pinned.replaceChildren(
      el(
        "div",
        { class: "pj-who" },
        this.pinLabel,
        " ",
        el("span", { class: "from", dir: direction(m.from), text: m.from }),
        m.role === "host" && this.hostMark(),
      ),
      el("p", { class: "text", dir: direction(m.text), text: m.text }),
    );
  }

  /** Shows a message at its place by seq (the newest at the bottom); the oldest leave past `MAX_SHOWN`. */
  private add(m: ChatMessage): void {
    if (this.shown.has(m.seq)) return;
    // Like the pin: the line reads from where its text starts (a Persian message under an English page).
    const dir = direction(m.text);
    const item = el(
      "li",
      { class: "pj-msg", ...(dir !== "auto" && { dir }) },
      el(
        "div",
        { class: "pj-who" },
        el("span", { class: "from", dir: direction(m.from), text: m.from }),
        m.role === "host" && this.hostMark(),
      ),
      el("p", { class: "text", dir: direction(m.text), text: m.text }),
    );
    item.dataset.seq = String(m.seq);
    const later = [...this.shown].find(([seq]) => seq > m.seq);
    if (later === undefined) {
      this.list.append(item);
      this.shown.set(m.seq, item);
    } else {
      later[1].before(item);
      this.shown = new Map([...this.shown, [m.seq, item] as const].sort(([a], [b]) => a - b));
    }
    for (const [seq, old] of this.shown) {
      if (this.shown.size <= MAX_SHOWN) break;
      old.remove();
      this.shown.delete(seq);
    }
  }

  /**
   * The latest messages that fit, whole: the oldest are hidden until the rest fit in the column
   * (a list that overflowed would cut its top message mid-line). One too tall alone is cut at a
   * line, with an ellipsis, rather than hidden (unless not one line fits). Run after every change
   * and on every resize.
   */
  private fit(): void {
    const items = [...this.list.children] as HTMLElement[];
    // The pin first: when it takes the column, not one of them shows.
    const crowded = this.fitPin();
    for (const item of items) {
      item.hidden = crowded;
      item.querySelector<HTMLElement>(".text")?.style.removeProperty("-webkit-line-clamp");
    }
    if (crowded) return;
    // The list is bottom-aligned: what does not fit sticks out above its top (and is cut there).
    const cut = () => {
      const top = items.find((i) => !i.hidden)?.getBoundingClientRect().top;
      return top === undefined ? 0 : this.list.getBoundingClientRect().top - top;
    };
    let first = 0;
    while (first < items.length - 1 && cut() > 0.5) items[first++]!.hidden = true;
    const last = items.at(-1);
    const over = cut();
    if (last === undefined || over <= 0.5) return;
    const text = last.querySelector<HTMLElement>(".text")!;
    const line = Number.parseFloat(getComputedStyle(text).lineHeight) || 1;
    text.style.setProperty("-webkit-line-clamp", String(Math.max(1, Math.floor((text.clientHeight - over) / line))));
    // Not even its name and one line fit (a warning and a long pin on a short screen): none shows,
    // nor their heading.
    if (cut() > 0.5) {
      last.hidden = true;
      this.side.classList.add("pj-crowded");
    }
  }

  /**
   * The pinned message whole, before any of the latest messages: when the pin leaves no line for
   * their heading, they give way entirely (`.pj-crowded`); a pin taller than the column alone
   * steps its type down (`PIN_SIZES`), and only past the smallest is it cut at a line, with an
   * ellipsis (nothing to scroll on a projector). True when the pin takes the whole column.
   */
  private fitPin(): boolean {
    this.side.classList.remove("pj-crowded");
    this.pinned.style.removeProperty("font-size");
    const text = this.pinned.hidden ? null : this.pinned.querySelector<HTMLElement>(".text");
    text?.style.removeProperty("-webkit-line-clamp");
    const board = this.board.root;
    this.board.fit(() => true);
    const end = this.side.getBoundingClientRect().bottom;
    // The list sits below the pin, the board and its heading: past the column's end when they leave it no room.
    if ((text === null && board.hidden) || this.list.getBoundingClientRect().bottom <= end + 0.5) return false;
    this.side.classList.add("pj-crowded");
    const over = () => (board.hidden ? this.pinned : board).getBoundingClientRect().bottom - end;
    const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const own = Number.parseFloat(getComputedStyle(this.pinned).fontSize) / rem;
    // The pin's type first, then the board's (the live poll keeps its size longest), then the pin is cut.
    for (const size of text === null ? [] : PIN_SIZES) {
      if (over() <= 0.5) break;
      if (size < own) this.pinned.style.fontSize = `${size}rem`;
    }
    this.board.fit(() => over() <= 0.5);
    if (text === null) return true;
    const excess = over();
    if (excess <= 0.5) return true;
    const line = Number.parseFloat(getComputedStyle(text).lineHeight) || 1;
    text.style.setProperty("-webkit-line-clamp", String(Math.max(1, Math.floor((text.clientHeight - excess) / line))));
    return true;
  }

  /**
   * Full screen for the whole view (the Fullscreen API; Escape leaves it, as the browser says).
   * Hidden where the browser has none (an iPhone's Safari, an iframe without the permission).
   */
  private fullscreenControl(): HTMLButtonElement {
    const button = this.fullscreen;
    button.hidden = !document.fullscreenEnabled;
    button.addEventListener("click", () => {
      if (document.fullscreenElement !== null) void document.exitFullscreen().catch(() => {});
      else void document.documentElement.requestFullscreen().catch(() => {});
    });
    document.addEventListener("fullscreenchange", () => this.render());
    return button;
  }

  /** The host's mark on the host's messages: text, so it reads from the back of the room too. */
  private hostMark(): HTMLSpanElement {
    return el("span", { class: "role", text: this.t("host") });
  }

  private remove(seq: number): void {
    this.shown.get(seq)?.remove();
    this.shown.delete(seq);
  }

  private removeThrough(seq: number): void {
    for (const [s, item] of this.shown) {
      if (s > seq) continue;
      item.remove();
      this.shown.delete(s);
    }
  }

  /** One request at a time; a presence that arrives meanwhile asks once more after it. */
  private async refreshCount(): Promise<void> {
    if (this.room === null) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(this.room)}`, { cache: "no-store" });
      if (res.ok) this.online = students(((await res.json()) as RoomSnapshot).users);
    } catch {
      // Keep the last count; the next tick tries again.
    } finally {
      this.fetching = false;
      this.render();
    }
    if (this.fetchAgain) {
      this.fetchAgain = false;
      await this.refreshCount();
    }
  }

  private t(key: ProjectorKey, n?: number): string {
    return projectorText(this.i18n, key, n);
  }

  /** What depends on the language or on state: labels, the count, the empty line, the title. */
  private render(): void {
    for (const [node, key, attr] of this.labels) {
      if (attr === undefined) node.textContent = this.t(key);
      else node.setAttribute(attr, this.t(key));
    }
    for (const mark of this.list.querySelectorAll(".role")) mark.textContent = this.t("host");
    for (const mark of this.pinned.querySelectorAll(".role")) mark.textContent = this.t("host");
    this.count.textContent = this.online === null ? this.t("counting") : this.t("online", this.online);
    this.empty.textContent = this.t("empty");
    this.empty.hidden = this.shown.size > 0 || this.alert.textContent !== "";
    this.fullscreen.textContent = this.t(document.fullscreenElement !== null ? "exitFullscreen" : "fullscreen");
    this.board.render();
    this.fit();
    this.renderReach();
    this.status?.render();
    document.title = `${this.room ?? ""} · ${this.t("title")}`;
  }
}

/** Who the count counts: the students (the host is not one; watchers are in no list). */
const students = (users: User[]): number => users.filter((u) => u.role !== "host").length;

/**
 * The link in parts that wrap where a reader would break it (after `//`, before `?` or `&`),
 * each part whole unless it alone is wider than the column: 40 px type takes more than one line.
 */
function breakable(link: string): (string | HTMLElement)[] {
  return link
    .split(/(?<=\/\/)|(?=[?&])/)
    .flatMap((part, i) => [...(i === 0 ? [] : [document.createElement("wbr")]), el("span", { text: part })]);
}
