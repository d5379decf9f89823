/**
 * @module
 * The projector view's door in app.js. `/?room=demo&view=projector` (and `#host=<key>` to show
 * messages too) loads `/projector.js`, a separate ES module built beside app.js with the QR code
 * library, and `/projector.css`: the chat page never downloads either. The host key is taken out
 * of the address bar at once (it would be on the projector's screen, and in the history) and
 * kept in memory only.
 */
import { el } from "./dom";
import type { I18n } from "./i18n";

export interface ProjectorRequest {
  /** As given in `?room=` (the view validates it). */
  room: string;
  /** From `#host=<key>`, if any. */
  key?: string;
}

/** The projector view's parameters, or null when the page is not opened as one. */
export function projectorRequest(loc: Pick<Location, "search" | "hash">): ProjectorRequest | null {
  const q = new URLSearchParams(loc.search);
  if (q.get("view") !== "projector") return null;
  const key = new URLSearchParams(loc.hash.replace(/^#/, "")).get("host");
  return key === null || key === "" ? { room: q.get("room") ?? "" } : { room: q.get("room") ?? "", key };
}

/** The request of this page, with the fragment (the key) removed from the address bar. */
export function takeProjectorRequest(): ProjectorRequest | null {
  const req = projectorRequest(location);
  if (req !== null && location.hash !== "")
    history.replaceState(history.state, "", location.pathname + location.search);
  return req;
}

/** Loads the projector's module and stylesheet, then hands it the page's `<main>`. */
export async function openProjector(i18n: I18n, req: ProjectorRequest, root: HTMLElement): Promise<void> {
  const css = el("link", { attrs: { rel: "stylesheet", href: "/projector.css" } });
  const styled = new Promise((done) => {
    css.onload = css.onerror = done;
  });
  document.head.append(css);
  // A computed URL: the bundler leaves this import to the browser.
  const url = new URL("/projector.js", location.href).href;
  try {
    const [view] = await Promise.all([import(url) as Promise<typeof import("./projector")>, styled]);
    view.startProjector({ i18n, root, ...req });
  } catch (e) {
    console.error(e);
    root.append(el("p", { class: "alert", text: i18n.t("pjLoadFailed"), attrs: { role: "alert" } }));
  }
}
