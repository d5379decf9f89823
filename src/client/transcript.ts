/**
 * @module
 * Download transcript: the page asks the room for its kept messages with the host key in the
 * `Authorization` header (a plain link could not send it, and the key must never be in a URL),
 * in this browser's time zone and the UI's language, and saves the answer as a file through a
 * Blob and an `<a download>`, under the name the server gave it.
 */
import { el } from "./dom";
import type { Lang } from "./i18n";

/** The Blob's URL stays valid this long after the click: some browsers start the download late. */
const REVOKE_MS = 60_000;

/** Fetches the room's transcript and saves it; false when it could not be had (nothing saved). */
export async function downloadTranscript(room: string, key: string, lang: Lang): Promise<boolean> {
  const query = new URLSearchParams({ lang });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone !== undefined && zone !== "") query.set("tz", zone);
  const url = (q: URLSearchParams) => `/api/rooms/${encodeURIComponent(room)}/transcript?${q}`;
  const init: RequestInit = { headers: { Authorization: `Bearer ${key}` }, cache: "no-store" };
  try {
    let res = await fetch(url(query), init);
    // A zone this browser knows but the server does not: the file in UTC rather than none.
    if (res.status === 400 && query.has("tz")) {
      query.delete("tz");
      res = await fetch(url(query), init);
    }
    if (!res.ok) return false;
    save(await res.blob(), fileName(res.headers.get("content-disposition")));
    return true;
  } catch {
    return false;
  }
}

function save(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = el("a", { attrs: { href, download: name }, class: "sr-only" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), REVOKE_MS);
}

/** The server's file name (`filename*` first: the room's own letters), or a plain one. */
export function fileName(disposition: string | null): string {
  const star = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition ?? "")?.[1];
  if (star !== undefined) {
    try {
      return decodeURIComponent(star);
    } catch {
      // Malformed: the ASCII name below.
    }
  }
  return /filename="([^"]+)"/i.exec(disposition ?? "")?.[1] ?? "transcript.md";
}
