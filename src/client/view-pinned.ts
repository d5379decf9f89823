/**
 * @module
 * The pinned message above the log, for everyone (`welcome.pinned`, then each `pinned` frame):
 * who wrote it and its text, with Unpin for the host. Its label and button are in index.html
 * (`data-t`), so a language switch relabels them with the rest.
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
    text.dir = direction(m.text);
  }

  /** Unpin is the host's (it goes when the role does). */
  set host(on: boolean) {
    this.parts.unpin.hidden = !on;
  }
}
