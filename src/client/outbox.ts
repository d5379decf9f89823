/**
 * @module
 * Messages written but not yet acknowledged. Each gets a random client `id`; it is sent when
 * possible, sent again after a reconnect, after `rate_limited` and after a few seconds without
 * an acknowledgement (the server dedupes by `id`), and leaves the outbox only when the echoed
 * `message` with its `id` arrives (or the server refuses its text). Pure logic, no DOM.
 */
export interface Pending {
  id: string;
  text: string;
  createdAt: number;
  /** When it was last handed to the socket; null while it still has to go. */
  sentAt: number | null;
  /** Not before this time (after `rate_limited`). */
  notBefore: number;
  attempts: number;
}

/** Unacknowledged for this long: send it again. */
export const RESEND_AFTER_MS = 4000;
/** After `rate_limited`, wait this long before sending again. */
export const RATE_LIMIT_BACKOFF_MS = 1200;

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 128 random bits as 22 characters of [A-Za-z0-9_-] (the contract's id pattern). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(22));
  let id = "";
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}

export class Outbox {
  private readonly items = new Map<string, Pending>();

  constructor(private readonly newId: () => string = randomId) {}

  add(text: string, now: number): Pending {
    const item: Pending = { id: this.newId(), text, createdAt: now, sentAt: null, notBefore: 0, attempts: 0 };
    this.items.set(item.id, item);
    return item;
  }

  /** What should go out now, oldest first; each is marked as sent at `now`. */
  takeDue(now: number): Pending[] {
    const due: Pending[] = [];
    for (const item of this.items.values()) {
      if (now < item.notBefore) continue;
      if (item.sentAt !== null && now - item.sentAt < RESEND_AFTER_MS) continue;
      item.sentAt = now;
      item.attempts++;
      due.push(item);
    }
    return due;
  }

  /** A new socket: everything unacknowledged goes again at once. */
  resendAll(): void {
    for (const item of this.items.values()) {
      item.sentAt = null;
      item.notBefore = 0;
    }
  }

  /**
   * `rate_limited`: the server dropped a frame (the one with `id`, if it said) and, most likely,
   * the ones sent after it; everything pending waits a moment and goes again in order (the
   * server dedupes what did get through).
   */
  rateLimited(now: number): void {
    for (const item of this.items.values()) {
      item.sentAt = null;
      item.notBefore = now + RATE_LIMIT_BACKOFF_MS;
    }
  }

  /** The echoed message with this id arrived, or the server refused its text for good: it leaves. */
  ack(id: string): Pending | undefined {
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  /** Puts back messages kept across a reload; they all go again. */
  restore(items: readonly Pick<Pending, "id" | "text" | "createdAt">[]): Pending[] {
    const back: Pending[] = [];
    for (const { id, text, createdAt } of items) {
      if (this.items.has(id)) continue;
      const item: Pending = { id, text, createdAt, sentAt: null, notBefore: 0, attempts: 0 };
      this.items.set(id, item);
      back.push(item);
    }
    return back;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get size(): number {
    return this.items.size;
  }

  list(): Pending[] {
    return [...this.items.values()];
  }
}
