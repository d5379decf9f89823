/**
 * @module
 * Who is here: the `<ul aria-label="Online users">` with its count, and the typing line
 * ("Sara is typing…"), which forgets a name a few seconds after its last typing frame.
 */
import { nameKey, type User } from "../protocol";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";

/** A typing frame is shown this long (the server relays one at most every 2 s). */
export const TYPING_SHOWN_MS = 3000;

export class PeopleView {
  private users = new Map<string, User>();
  private typists = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();
  private me = "";

  constructor(
    private readonly i18n: I18n,
    private readonly list: HTMLUListElement,
    private readonly heading: HTMLElement,
    private readonly typingLine: HTMLElement,
  ) {}

  set(users: User[], me: string): void {
    this.me = nameKey(me);
    this.users = new Map(users.map((u) => [nameKey(u.name), u]));
    this.render();
  }

  /** A presence diff: `left` first, then `joined`. Returns the names that really changed. */
  apply(joined: User[], left: string[]): { joined: string[]; left: string[] } {
    const out = { joined: [] as string[], left: [] as string[] };
    for (const name of left) {
      if (this.users.delete(nameKey(name))) out.left.push(name);
      this.stopTyping(name);
    }
    for (const u of joined) {
      if (!this.users.has(nameKey(u.name))) out.joined.push(u.name);
      this.users.set(nameKey(u.name), u);
    }
    this.render();
    return out;
  }

  typing(name: string): void {
    const key = nameKey(name);
    if (key === this.me) return;
    clearTimeout(this.typists.get(key)?.timer);
    this.typists.set(key, { name, timer: setTimeout(() => this.stopTyping(name), TYPING_SHOWN_MS) });
    this.renderTyping();
  }

  /** Their message arrived, or they left: no longer typing. */
  stopTyping(name: string): void {
    const key = nameKey(name);
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
    this.render();
  }

  render(): void {
    const users = [...this.users.values()].sort((a, b) => a.joinedAt - b.joinedAt);
    this.list.replaceChildren(
      ...users.map((u) =>
        el(
          "li",
          { class: nameKey(u.name) === this.me ? "me" : undefined },
          el("span", { dir: "auto", text: u.name }),
          nameKey(u.name) === this.me ? el("span", { class: "you", text: ` (${this.i18n.t("you")})` }) : null,
        ),
      ),
    );
    this.list.setAttribute("aria-label", this.i18n.t("online"));
    this.heading.textContent = this.i18n.t("onlineCount", { n: users.length });
    this.renderTyping();
  }

  private renderTyping(): void {
    const names = [...this.typists.values()].map((t) => t.name);
    const key = names.length === 1 ? "typing1" : names.length === 2 ? "typing2" : "typingMany";
    this.typingLine.replaceChildren(
      ...(names.length === 0 ? [] : withNames(this.i18n.raw(key), { a: names[0]!, b: names[1] ?? "" })),
    );
  }
}
