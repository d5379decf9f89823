/**
 * @module
 * The outbox: messages written but not yet confirmed, and when each is due to go (again). Pure
 * logic, tested without a DOM; `Chat` hands what is due to the transport and feeds it the room's
 * answers.
 */
import { randomId } from "../protocol";
import { TIMINGS } from "./timings";

/** Unconfirmed for this long: send it again. */
export const RESEND_AFTER_MS = TIMINGS.resendAfterMs;
/** After `rate_limited`, wait this long before sending again. */
export const RATE_LIMIT_BACKOFF_MS = TIMINGS.rateLimitBackoffMs;

/** A message written but not yet confirmed. */
export interface Pending {
  /** The client `id` the room dedupes by. */
  id: string;
  text: string;
  createdAt: number;
  /** Asked as a question: a resend (after a reconnect or a reload) asks it again, not says it. */
  question?: true;
  /** When it was last handed to the socket; null while it still has to go. */
  sentAt: number | null;
  /** Not before this time (after `rate_limited`). */
  notBefore: number;
}

/** What a reload keeps of a pending message (storage). */
export type Kept = Pick<Pending, "id" | "text" | "createdAt" | "question">;

/**
 * Messages written but not yet confirmed. Each is sent when possible, sent again after a
 * reconnect, after `rate_limited` and after a few seconds without a confirmation (the room
 * dedupes by `id`), and leaves only when the echoed `message` with its `id` arrives (or the room
 * refuses its text).
 */
export class Outbox {
  private readonly items = new Map<string, Pending>();

  constructor(private readonly newId: () => string = randomId) {}

  add(text: string, now: number, question = false): Pending {
    const item: Pending = { id: this.newId(), text, createdAt: now, sentAt: null, notBefore: 0 };
    if (question) item.question = true;
    this.items.set(item.id, item);
    return item;
  }

  /**
   * What should go out now, oldest first; each is marked as sent at `now`. Nothing goes before an
   * older message that still waits: two slow-mode refusals can leave the older one waiting a few
   * ms longer (each answer's delay on the way back differs), and it must not lose its place.
   */
  takeDue(now: number): Pending[] {
    const due: Pending[] = [];
    for (const item of this.items.values()) {
      if (now < item.notBefore) break;
      if (item.sentAt !== null && now - item.sentAt < RESEND_AFTER_MS) continue;
      item.sentAt = now;
      due.push(item);
    }
    return due;
  }

  /** A new socket: everything unconfirmed goes again at once. */
  resendAll(): void {
    for (const item of this.items.values()) {
      item.sentAt = null;
      item.notBefore = 0;
    }
  }

  /**
   * `rate_limited`: the room dropped a frame (the one with `id`, if it said) and, most likely,
   * the ones sent after it; everything pending waits a moment and goes again in order (the
   * room dedupes what did get through).
   */
  rateLimited(now: number): void {
    for (const item of this.items.values()) {
      item.sentAt = null;
      item.notBefore = now + RATE_LIMIT_BACKOFF_MS;
    }
  }

  /**
   * `slow_mode`: the room takes no message of ours before `until`; everything pending waits
   * and then goes again in order (the room dedupes what it did keep).
   */
  holdUntil(until: number): void {
    for (const item of this.items.values()) {
      item.sentAt = null;
      item.notBefore = Math.max(item.notBefore, until);
    }
  }

  /** Slow mode went off: nothing waits any more. */
  release(): void {
    for (const item of this.items.values()) item.notBefore = 0;
  }

  /** The echoed message with this id arrived, or the room refused its text for good: it leaves. */
  confirm(id: string): Pending | undefined {
    const item = this.items.get(id);
    this.items.delete(id);
    return item;
  }

  /** Puts back messages kept across a reload; they all go again. */
  restore(items: readonly Kept[]): Pending[] {
    const back: Pending[] = [];
    for (const { id, text, createdAt, question } of items) {
      if (this.items.has(id)) continue;
      const item: Pending = { id, text, createdAt, sentAt: null, notBefore: 0 };
      if (question === true) item.question = true;
      this.items.set(id, item);
      back.push(item);
    }
    return back;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  list(): Pending[] {
    return [...this.items.values()];
  }

  /** What a reload keeps: each pending message with its question flag. */
  kept(): Kept[] {
    return this.list().map(({ id, text, createdAt, question }) => ({
      id,
      text,
      createdAt,
      ...(question && { question }),
    }));
  }
}
