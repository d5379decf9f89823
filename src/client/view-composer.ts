/**
 * @module
 * The composer: a text box labelled Message. Enter sends, Shift+Enter makes a new line, a
 * counter appears near the limit (code points, as the server counts), and typing is announced
 * at most once per the contract's typing interval. Under slow mode a countdown says when the
 * next message may go (what is written meanwhile waits in the outbox and goes by itself).
 * "Ask as a question" beside Send (`aria-pressed`) makes the next message a question; it is off
 * again once that one is sent (a question is asked one at a time, on purpose).
 */
import { LIMITS, codePointLength, normaliseText } from "../protocol";
import { direction } from "./direction";
import type { I18n } from "./i18n";

/** The counter shows from this many code points below the limit. */
const COUNTER_FROM = 200;

export class ComposerView {
  private lastTypingAt = -Infinity;
  private waitUntil = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly i18n: I18n,
    form: HTMLFormElement,
    private readonly box: HTMLTextAreaElement,
    private readonly counter: HTMLElement,
    private readonly sendButton: HTMLButtonElement,
    onPost: (text: string, question: boolean) => void,
    onTyping: () => void,
    private readonly waitLine: HTMLElement,
    private readonly ask: HTMLButtonElement,
  ) {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = normaliseText(box.value);
      if (text === "" || codePointLength(text) > LIMITS.textMaxChars) return;
      onPost(text, this.asking);
      box.value = "";
      this.setAsking(false);
      box.focus();
    });
    ask.addEventListener("click", () => {
      this.setAsking(!this.asking);
      box.focus();
    });
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    box.addEventListener("input", () => {
      this.update();
      const now = Date.now();
      // A little over the server's interval, so its relay never drops one of ours.
      if (box.value.trim() !== "" && now - this.lastTypingAt >= LIMITS.typingIntervalMs + 100) {
        this.lastTypingAt = now;
        onTyping();
      }
    });
  }

  private get asking(): boolean {
    return this.ask.getAttribute("aria-pressed") === "true";
  }

  setAsking(on: boolean): void {
    this.ask.setAttribute("aria-pressed", String(on));
    this.update();
  }

  /** Slow mode: "You can send again in N s" until `until` (epoch ms); 0 ends it. */
  slowUntil(until: number): void {
    this.waitUntil = until;
    clearInterval(this.ticker);
    this.ticker = until > Date.now() ? setInterval(() => this.countdown(), 250) : undefined;
    this.countdown();
  }

  countdown(): void {
    const n = Math.ceil((this.waitUntil - Date.now()) / 1000);
    if (n <= 0) clearInterval(this.ticker);
    this.waitLine.hidden = n <= 0;
    const text = n > 0 ? this.i18n.t("slowWait", { n }) : "";
    if (this.waitLine.textContent !== text) this.waitLine.textContent = text;
  }

  update(): void {
    const n = codePointLength(this.box.value.trim());
    const near = n >= LIMITS.textMaxChars - COUNTER_FROM;
    this.counter.hidden = !near;
    this.counter.textContent = near ? this.i18n.t("counter", { n, max: LIMITS.textMaxChars }) : "";
    this.counter.classList.toggle("over", n > LIMITS.textMaxChars);
    this.sendButton.disabled = n === 0 || n > LIMITS.textMaxChars;
    this.box.placeholder = this.i18n.t(this.asking ? "questionPlaceholder" : "message");
    // By its words, as the message will be shown (not by its first letter, as `dir="auto"` would).
    this.box.dir = direction(this.box.value);
    // Grow with the text, up to a few lines.
    this.box.style.height = "auto";
    this.box.style.height = `${Math.min(this.box.scrollHeight, 160)}px`;
  }
}
