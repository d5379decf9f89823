/**
 * @module
 * The race's door in app.js: `/?room=<room>&view=race` loads `/race.js` and `/race.css` (the chat
 * page never downloads either) and hands it the host key this browser keeps for the room. The
 * key is never in the race's URL: the host opens it from the host's tools, in this browser.
 */
import { parseRoomName } from "../protocol";
import { el } from "./dom";
import type { I18n } from "./i18n";
import { hostKeys } from "./storage";

/** The room of a race view, or null when the page is not opened as one. */
export function raceRoom(loc: Pick<Location, "search">): string | null {
  const q = new URLSearchParams(loc.search);
  return q.get("view") === "race" ? (q.get("room") ?? "") : null;
}

export const raceLink = (room: string): string => `${location.origin}/?room=${encodeURIComponent(room)}&view=race`;

export async function openRace(i18n: I18n, room: string, root: HTMLElement): Promise<void> {
  const css = el("link", { attrs: { rel: "stylesheet", href: "/race.css" } });
  const styled = new Promise((done) => {
    css.onload = css.onerror = done;
  });
  document.head.append(css);
  const parsed = parseRoomName(room.trim());
  const key = parsed === null ? null : hostKeys.get(parsed);
  // A computed URL: the bundler leaves this import to the browser.
  const url = new URL("/race.js", location.href).href;
  try {
    const [view] = await Promise.all([import(url) as Promise<typeof import("./race")>, styled]);
    view.startRace({ i18n, root, room, key });
  } catch (e) {
    console.error(e);
    root.append(el("p", { class: "alert", text: i18n.t("raceLoadFailed"), attrs: { role: "alert" } }));
  }
}
