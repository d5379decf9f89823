/**
 * @module
 * One HTTP exchange as the teaching panel shows it: the request line (with the secrets in the URL
 * redacted), the request headers the page set itself, the status, the response headers the page
 * can read and the body. Generic over the endpoint: a poll, a POST, or a stream's opening.
 */

export interface HttpExchange {
  method: string;
  /** Path and query, secrets redacted (`redactPath`). */
  path: string;
  /** What the page set itself (the browser adds more that the page never sees). */
  requestHeaders: [string, string][];
  requestBody?: string;
  status: number;
  statusText: string;
  /** What `Response.headers` lets the page read (same origin: all but `Set-Cookie`). */
  headers: [string, string][];
  body: string;
  ts: number;
}

/** In a URL these stand for a person (`session`) or the room (`host`): a projector must not show them. */
const SECRET_PARAMS = ["session", "host"];

/** `url`'s path and query, as typed, with every secret parameter's value replaced by `…`. */
export function redactPath(url: string): string {
  const u = new URL(url, "http://x");
  const query = [...u.searchParams]
    .map(([k, v]) => `${k}=${SECRET_PARAMS.includes(k) ? "…" : encodeURIComponent(v)}`)
    .join("&");
  return u.pathname + (query === "" ? "" : `?${query}`);
}

/** `Authorization: Bearer <secret>` → `Bearer …`; any other header as it is. */
export function redactHeader([name, value]: [string, string]): [string, string] {
  return name.toLowerCase() === "authorization" ? [name, value.replace(/ .*/, " …")] : [name, value];
}
