/**
 * @module
 * Copying a link without putting it on screen (a screen may be projected): the host's one-time
 * link and everyone's join link.
 */
import { el } from "./dom";

/**
 * Puts `text` on the clipboard without showing it. The text comes from the room (a fetch), so it
 * goes as a promise in a `ClipboardItem` where the browser has one: the click's permission to
 * write holds while it arrives. The Clipboard API needs a secure context; a class served over
 * plain http on the room's Wi-Fi gets the older way, an off-screen text box.
 */
export async function copyText(pending: Promise<string | null>): Promise<boolean> {
  const blob = pending.then((t) => {
    if (t === null) throw new Error("no link");
    return new Blob([t], { type: "text/plain" });
  });
  try {
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": blob })]);
    return true;
  } catch {
    const text = await pending;
    if (text === null) return false;
    const box = el("textarea", { class: "sr-only", attrs: { "aria-hidden": "true", readonly: "" } });
    box.value = text;
    document.body.append(box);
    box.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      // Nothing more to try.
    }
    box.remove();
    return ok;
  }
}
