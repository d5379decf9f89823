/**
 * @module
 * The teacher passphrase (`TEACHER_PASSPHRASE`, a Worker secret): when a deployment sets it, only
 * whoever knows it may claim a room, or take back one whose key was lost (`?reclaim=1`). It is
 * compared in constant time (through SHA-256), and every wrong or missing one is answered only
 * after `PASSPHRASE_DELAY_MS`: guessing is slow, and nobody is ever locked out (a lockout would
 * let one student lock the teacher out). A passphrase that is set but too short to resist that
 * guessing, or not printable ASCII (an HTTP header carries it as is), is refused: every request
 * to the Worker answers 500 `passphrase_too_short`, so the deployer sees it at once.
 */
import type { Vars } from "../config";
import { HttpError } from "./http-error";

export const PASSPHRASE_MIN_CHARS = 16;
export const PASSPHRASE_DELAY_MS = 1000;
/** Printable ASCII, no space at either end (a header value would lose it). */
const PRINTABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The deployment's passphrase, or null when there is none; throws `passphrase_too_short` when it is unusable. */
export function teacherPassphrase(env: Vars): string | null {
  const p = env.TEACHER_PASSPHRASE;
  if (p === undefined || p === "") return null;
  if (p.length < PASSPHRASE_MIN_CHARS || !PRINTABLE.test(p)) throw new HttpError("passphrase_too_short");
  return p;
}

/** Checks `Authorization: Bearer <passphrase>` (the header as sent) against the deployment's. */
export async function checkPassphrase(
  expected: string,
  authorization: string | undefined,
): Promise<"ok" | "passphrase_required" | "passphrase_invalid"> {
  const given = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
  if (given === undefined) return "passphrase_required";
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b) ? "ok" : "passphrase_invalid";
}

const digest = (s: string): Promise<ArrayBuffer> => crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));

/** Refuses a claim without the right passphrase, after the delay; returns when it may go on. */
export async function requirePassphrase(expected: string, authorization: string | undefined): Promise<void> {
  const verdict = await checkPassphrase(expected, authorization);
  if (verdict === "ok") return;
  await new Promise((r) => setTimeout(r, PASSPHRASE_DELAY_MS));
  throw new HttpError(verdict);
}
