/**
 * @module
 * The pinned message above the log, for everyone (`welcome.pinned`, then each `pinned` frame):
 * who wrote it and its text, with Unpin for the host. Its label and button are in index.html
 * (`data-t`), so a language switch relabels them with the rest. The block takes its direction
 * from the message's text, so the label, the name and Unpin start on the side the text starts
 * (a Persian question under an English page reads from the right, beside "Pinned"): a text
 * without a direction of its own keeps the page's.
 */
import type { ChatMessage } from "../protocol";
import { direction } from "./direction";

export interface PinnedParts {
  root: HTMLElement;
  from: HTMLElement;
  text: HTMLElement;
  unpin: HTMLButtonElement;
}

export class PinnedView {
  constructor(
    private readonly parts: PinnedParts,
    onUnpin: () => void,
  ) {
    parts.unpin.addEventListener("click", onUnpin);
  }

  /** The pinned message, or none (null): the room's word, after a welcome or a `pinned` frame. */
  show(m: ChatMessage | null, host: boolean): void {
    const { root, from, text } = this.parts;
    this.host = host;
    root.hidden = m === null;
    if (m === null) return;
    from.textContent = m.from;
    from.dir = direction(m.from);
    text.textContent = m.text;
    const dir = direction(m.text);
    text.dir = dir;
    if (dir === "auto") root.removeAttribute("dir");
    else root.dir = dir;
  }

  /** Unpin is the host's (it goes when the role does). */
  set host(on: boolean) {
    this.parts.unpin.hidden = !on;
  }
}
