/**
 * @module
 * Who is here: the `<ul aria-label="Online users">` with its count, and the typing line
 * ("Sara is typing…"), which forgets a name a few seconds after its last typing frame. The
 * room's host sees a Remove button beside each member (it asks once, naming the person). The list puts the
 * host first, then sorts by name (roster.ts); one row per person, each name isolated in a
 * `<bdi>`; a search field once more than `SEARCH_FROM` are online. On a phone the list hides
 * behind a count ("34 online") that opens it (Escape closes it). A class joins in bursts: the
 * rows are kept per person and the list is redrawn at most once an animation frame.
 */
import { foldName, type User } from "../protocol";
import { choose } from "./dialog";
import { direction } from "./direction";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";
import { focusIn, refocus } from "./refocus";
import { matches, rosterOrder, searchKey } from "./roster";

/** A typing frame is shown this long (the server relays one at most every 2 s). */
export const TYPING_SHOWN_MS = 3000;
/** The search field shows once more than this many are online. */
export const SEARCH_FROM = 20;
/** A hidden tab gets no animation frames: a redraw due is done after this long anyway. */
const RENDER_LATEST_MS = 200;

interface Row {
  li: HTMLLIElement;
  /** What the row was drawn from: drawn again when it changes. */
  drawn: string;
  key: string;
}

export interface PeopleParts {
  root: HTMLElement;
  list: HTMLUListElement;
  heading: HTMLElement;
  typingLine: HTMLElement;
  toggle: HTMLButtonElement;
  search: HTMLInputElement;
}

export class PeopleView {
  private users = new Map<string, User>();
  private rows = new Map<string, Row>();
  private typists = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();
  private me = "";
  /** We are the room's host: members get a Remove button. */
  private host = false;
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private order: { lang: string; compare: (a: User, b: User) => number } | null = null;
  private readonly list: HTMLUListElement;

  constructor(
    private readonly i18n: I18n,
    private readonly parts: PeopleParts,
    onRemove: (name: string) => void,
  ) {
    this.list = parts.list;
    this.list.addEventListener("click", (e) => {
      const name = (e.target as Element).closest<HTMLElement>(".remove")?.dataset.name;
      if (name !== undefined) void this.askRemove(name, onRemove);
    });
    parts.search.addEventListener("input", () => this.render());
    parts.toggle.addEventListener("click", () => this.open(!parts.root.classList.contains("open")));
    parts.root.addEventListener("keydown", (e) => {
      if (e.key !== "Escape" || !parts.root.classList.contains("open")) return;
      this.open(false);
      parts.toggle.focus();
    });
  }

  /** Asked once, naming the person; the safe choice (Cancel) has focus. */
  private async askRemove(name: string, onRemove: (name: string) => void): Promise<void> {
    const t = this.i18n;
    const choice = await choose({
      title: t.t("removeTitle"),
      body: withNames(t.raw("removeAsk"), { name }),
      choices: [{ value: "remove", label: t.t("removeLabel", { name }), danger: true }],
      cancel: t.t("cancel"),
    });
    if (choice === "remove") onRemove(name);
  }

  /** The phone's disclosure: the list below its count, over the log. */
  open(open: boolean): void {
    this.parts.root.classList.toggle("open", open);
    this.parts.toggle.setAttribute("aria-expanded", String(open));
  }

  set(users: User[], me: string, host = false): void {
    this.me = foldName(me);
    this.host = host;
    this.users = new Map(users.map((u) => [foldName(u.name), u]));
    this.render();
  }

  /** Roles changed (`roles`): these users as they are now; `host` is whether we still host. */
  roles(users: User[], host: boolean): void {
    this.host = host;
    for (const u of users) if (this.users.has(foldName(u.name))) this.users.set(foldName(u.name), u);
    this.schedule();
  }

  /** A presence diff: `left` first, then `joined`. Returns the names that really changed. */
  apply(joined: User[], left: string[]): { joined: string[]; left: string[] } {
    const out = { joined: [] as string[], left: [] as string[] };
    for (const name of left) {
      if (this.users.delete(foldName(name))) out.left.push(name);
      this.stopTyping(name);
    }
    for (const u of joined) {
      if (!this.users.has(foldName(u.name))) out.joined.push(u.name);
      this.users.set(foldName(u.name), u);
    }
    this.schedule();
    return out;
  }

  typing(name: string): void {
    const key = foldName(name);
    if (key === this.me) return;
    clearTimeout(this.typists.get(key)?.timer);
    this.typists.set(key, { name, timer: setTimeout(() => this.stopTyping(name), TYPING_SHOWN_MS) });
    this.renderTyping();
  }

  /** Their message arrived, or they left: no longer typing. */
  stopTyping(name: string): void {
    const key = foldName(name);
    const t = this.typists.get(key);
    if (t === undefined) return;
    clearTimeout(t.timer);
    this.typists.delete(key);
    this.renderTyping();
  }

  clear(): void {
    for (const t of this.typists.values()) clearTimeout(t.timer);
    this.typists.clear();
    this.users.clear();
    this.host = false;
    this.parts.search.value = "";
    this.open(false);
    this.render();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.frame = requestAnimationFrame(() => this.render());
    this.timer = setTimeout(() => this.render(), RENDER_LATEST_MS);
  }

  render(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = this.timer = undefined;
    const t = this.i18n;
    // A removed person's row leaves with its focused Remove button: focus goes to a neighbour's.
    const spot = focusIn(this.list);
    if (this.order?.lang !== t.lang) this.order = { lang: t.lang, compare: rosterOrder(t.lang) };
    const users = [...this.users.values()].sort(this.order.compare);
    const search = this.parts.search;
    search.hidden = users.length <= SEARCH_FROM;
    if (search.hidden) search.value = "";
    search.placeholder = t.t("search");
    const rows = new Map<string, Row>();
    const items = users.map((u) => {
      const key = foldName(u.name);
      const row = this.row(u, this.rows.get(key));
      rows.set(key, row);
      row.li.hidden = search.value !== "" && !matches(row.key, search.value);
      return row.li;
    });
    for (const [key, row] of this.rows) if (!rows.has(key)) row.li.remove();
    this.rows = rows;
    // Only the rows out of place move (a join is one insert): moving one drops its focus, so a
    // keyboard user on a Remove button is put back on it.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.name;
    let at = this.list.firstElementChild;
    for (const li of items) {
      if (li === at) at = at.nextElementSibling;
      else this.list.insertBefore(li, at);
    }
    if (focused !== undefined && document.activeElement === document.body)
      this.list.querySelector<HTMLElement>(`[data-name="${CSS.escape(focused)}"]`)?.focus();
    refocus(spot, this.list, [this.parts.toggle]);
    this.list.setAttribute("aria-label", t.t("online"));
    this.parts.heading.textContent = t.t("onlineCount", { n: users.length });
    this.parts.toggle.textContent = t.t("onlineShort", { n: users.length });
    this.renderTyping();
  }

  /** The row of `u`, the one it had when nothing it shows has changed. */
  private row(u: User, had: Row | undefined): Row {
    const t = this.i18n;
    const me = foldName(u.name) === this.me;
    const drawn = `${t.lang}|${u.role}|${me}|${this.host}`;
    if (had?.drawn === drawn) return had;
    const tags = [me && t.t("you"), u.role === "host" && t.t("hostBadge")].filter((x) => x !== false);
    const remove =
      this.host &&
      !me &&
      u.role !== "host" &&
      el("button", {
        class: "remove link",
        text: t.t("remove"),
        attrs: { type: "button", "aria-label": t.t("removeLabel", { name: u.name }), "data-name": u.name },
      });
    const li = el(
      "li",
      { class: me ? "me" : undefined, attrs: { "data-key": foldName(u.name) } },
      el("bdi", { class: "name", dir: direction(u.name), text: u.name }),
      tags.length > 0 && el("span", { class: "you", text: ` (${tags.join(t.lang === "fa" ? "، " : ", ")})` }),
      remove,
    );
    had?.li.replaceWith(li);
    return { li, drawn, key: searchKey(u.name) };
  }

  private renderTyping(): void {
    const names = [...this.typists.values()].map((t) => t.name);
    const key = names.length === 1 ? "typing1" : names.length === 2 ? "typing2" : "typingMany";
    this.parts.typingLine.replaceChildren(
      ...(names.length === 0 ? [] : withNames(this.i18n.raw(key), { a: names[0]!, b: names[1] ?? "" })),
    );
  }
}
