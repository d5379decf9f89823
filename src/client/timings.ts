/**
 * @module
 * The page's timers, in one place, so that a test can shorten them instead of waiting them out.
 * A test sets `window.roomcastTimings` from an init script (Playwright's `addInitScript`, which
 * runs before the page's own scripts and which a Content Security Policy does not block); the
 * page reads it once, when its modules load. Only numbers ≥ 0 for known keys are taken. A script
 * that can set it already runs in the page, so it grants nothing new.
 */
import { LIMITS } from "../protocol";

export interface Timings {
  /** An unconfirmed message is sent again after this long. */
  resendAfterMs: number;
  /** How often the outbox looks for messages to send again. */
  resendCheckMs: number;
  /** After `rate_limited`, wait this long before sending again. */
  rateLimitBackoffMs: number;
  /** The first reconnect's delay, before jitter; it doubles up to `reconnectCapMs`. */
  reconnectBaseMs: number;
  reconnectCapMs: number;
  /** A socket with no `welcome` this long after `new WebSocket` counts as a failed attempt. */
  welcomeTimeoutMs: number;
  /** Plain polling asks this often. */
  pollEveryMs: number;
  /** While fallen back to HTTP, try the WebSocket again this often. */
  probeEveryMs: number;
  /** The projector fetches the online count this often when nothing else asks for it. */
  projectorCountMs: number;
  /** How long a tab that opens a room waits for this browser's other tabs to say they are in it. */
  censusMs: number;
  /** How long the check "does the server answer plain HTTP?" after a failed WebSocket attempt may take. */
  httpCheckMs: number;
  /** The host's "Deleted · Undo" stays this long (the room's `LIMITS.undoMs` decides what an undo gets). */
  undoMs: number;
  /** A locked room's waiting page asks again this often (each retry renews its knock). */
  knockRetryMs: number;
}

export const DEFAULT_TIMINGS: Readonly<Timings> = {
  resendAfterMs: 4000,
  resendCheckMs: 1000,
  rateLimitBackoffMs: 1200,
  reconnectBaseMs: 500,
  reconnectCapMs: 10_000,
  welcomeTimeoutMs: 10_000,
  pollEveryMs: 2000,
  probeEveryMs: 30_000,
  projectorCountMs: 4000,
  censusMs: 250,
  httpCheckMs: 3000,
  undoMs: LIMITS.undoMs,
  knockRetryMs: 5000,
};

/** The defaults, with whatever a test set before the page loaded. */
export const TIMINGS: Readonly<Timings> = { ...DEFAULT_TIMINGS, ...overrides() };

function overrides(): Partial<Timings> {
  const raw: unknown = (globalThis as { roomcastTimings?: unknown }).roomcastTimings;
  if (typeof raw !== "object" || raw === null) return {};
  const out: Partial<Record<keyof Timings, number>> = {};
  for (const key of Object.keys(DEFAULT_TIMINGS) as (keyof Timings)[]) {
    const value: unknown = (raw as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}
