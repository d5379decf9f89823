/**
 * @module
 * The reconnect schedule: exponential backoff with jitter, from about 0.5 s to a 10 s cap.
 * Pure (the random source is a parameter), so it is unit-tested without a browser.
 */
import { TIMINGS } from "./timings";

export interface BackoffOptions {
  /** The delay of the first retry, before jitter. */
  baseMs: number;
  /** No delay is ever longer than this. */
  capMs: number;
  factor: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter] (then capped). */
  jitter: number;
}

export const RECONNECT: BackoffOptions = {
  baseMs: TIMINGS.reconnectBaseMs,
  capMs: TIMINGS.reconnectCapMs,
  factor: 2,
  jitter: 0.2,
};

/** The wait before retry number `attempt` (0 for the first retry after the connection was lost). */
export function reconnectDelay(
  attempt: number,
  random: () => number = Math.random,
  o: BackoffOptions = RECONNECT,
): number {
  const ceiling = Math.min(o.capMs, o.baseMs * o.factor ** Math.max(0, attempt));
  const jittered = ceiling * (1 - o.jitter + 2 * o.jitter * random());
  return Math.round(Math.min(o.capMs, jittered));
}
