/**
 * @module
 * Who is here: the `<ul aria-label="Online users">` with its count, and the typing line
 * ("Sara is typing…"), which forgets a name a few seconds after its last typing frame. The
 * room's host sees a Remove button beside each member (with a confirmation).
 */
import { foldName, type User } from "../protocol";
import { direction } from "./direction";
import { el, withNames } from "./dom";
import type { I18n } from "./i18n";

/** A typing frame is shown this long (the server relays one at most every 2 s). */
export const TYPING_SHOWN_MS = 3000;

export class PeopleView {
  private users = new Map<string, User>();
  private typists = new Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>();
  private me = "";
  /** We are the room's host: members get a Remove button. */
  private host = false;

  constructor(
    private readonly i18n: I18n,
    private readonly list: HTMLUListElement,
    private readonly heading: HTMLElement,
    private readonly typingLine: HTMLElement,
    onRemove: (name: string) => void,
  ) {
    list.addEventListener("click", (e) => {
      const name = (e.target as Element).closest<HTMLElement>(".remove")?.dataset.name;
      if (name !== undefined && confirm(this.i18n.t("removeConfirm", { name }))) onRemove(name);
    });
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
    this.render();
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
    this.render();
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
    this.render();
  }

  render(): void {
    const users = [...this.users.values()].sort((a, b) => a.joinedAt - b.joinedAt);
    const t = this.i18n;
    // Kept when the list is redrawn, so a keyboard user stays where they were.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.name;
    this.list.replaceChildren(
      ...users.map((u) => {
        const me = foldName(u.name) === this.me;
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
        return el(
          "li",
          { class: me ? "me" : undefined },
          el("span", { dir: direction(u.name), text: u.name }),
          tags.length > 0 && el("span", { class: "you", text: ` (${tags.join(t.lang === "fa" ? "، " : ", ")})` }),
          remove,
        );
      }),
    );
    if (focused !== undefined) this.list.querySelector<HTMLElement>(`[data-name="${CSS.escape(focused)}"]`)?.focus();
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
