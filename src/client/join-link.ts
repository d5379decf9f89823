/**
 * @module
 * The link a phone opens to join a room: one function for the projector's QR code and its text,
 * and everyone's **Copy join link**. Never the host's link: it carries no key. Its origin is the
 * server's `PUBLIC_URL` when one is set (a tunnel, a deploy), else the page's own; the page is a
 * static asset, so it asks the server once (`GET /api/join-origin`).
 */
import type { JoinOrigins } from "../protocol";

export const joinLink = (origin: string, room: string): string => `${origin}/?room=${encodeURIComponent(room)}`;

let asked: Promise<JoinOrigins> | null = null;

/** What the server says join links point at; asked once, and nothing known when it cannot say. */
export function joinOrigins(): Promise<JoinOrigins> {
  asked ??= fetch("/api/join-origin", { cache: "no-store" })
    .then((res) => (res.ok ? (res.json() as Promise<JoinOrigins>) : null))
    .catch(() => null)
    .then((o) => ({ publicUrl: o?.publicUrl ?? null, addresses: o?.addresses ?? [] }));
  return asked;
}

/** The join link of `room`, on `PUBLIC_URL`'s origin when set, else this page's. */
export const roomJoinLink = async (room: string): Promise<string> =>
  joinLink((await joinOrigins()).publicUrl ?? location.origin, room);

/** Whether a link on `hostname` (`URL.hostname`) opens only on this machine (loopback or `0.0.0.0`). */
export { onlyHere } from "../loopback";
