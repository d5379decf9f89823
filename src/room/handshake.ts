/**
 * @module
 * The HTTP side of a WebSocket upgrade: the `101` every upgrade answers with, refusing a join in
 * a way a browser can read, and the handshake as the page's teaching panel shows it.
 */
import { HANDSHAKE_HEADERS, closeCodeFor, type Handshake, type RefusalCode, type ServerFrame } from "../protocol";
import { errorFrame } from "../protocol-server";

/**
 * A new socket pair and the `101` that hands its client end back: the caller accepts `server`
 * (hibernatable in the room, plainly for an upgrade that ends at once). Compression is declined
 * unless `headers` say otherwise.
 */
export function upgrade(headers: Record<string, string> = DECLINE_COMPRESSION): {
  server: WebSocket;
  response: Response;
} {
  const { 0: client, 1: server } = new WebSocketPair();
  return { server, response: new Response(null, { status: 101, webSocket: client, headers }) };
}

/** An upgrade that is over at once: the socket is accepted, sent `frame` (if any), and closed. */
export function closedUpgrade(code: number, reason: string, frame?: ServerFrame): Response {
  const { server, response } = upgrade();
  server.accept();
  if (frame !== undefined) server.send(JSON.stringify(frame));
  server.close(code, reason);
  return response;
}

/**
 * A browser cannot read the status of a refused handshake, so a refusal completes the upgrade,
 * sends one `error` frame (with `retryAfterMs` for `join_busy`) and closes with 4000 + the HTTP
 * status and the code as reason.
 */
export function refuseUpgrade(code: RefusalCode, retryAfterMs?: number): Response {
  const frame = errorFrame(code);
  if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
  return closedUpgrade(closeCodeFor(code), code, frame);
}

/**
 * Headers for every 101 the room answers: they decline `permessage-deflate`, per socket. Every
 * browser offers it, and workerd takes the offer unless the 101 names another extension: with no
 * `Sec-WebSocket-Extensions` it copies the client's offer (an empty value counts as none), and
 * any value that is not a deflate offer negotiates nothing. Compression costs each socket its
 * own zlib state (~600 KB here) and CPU per send, for JSON frames of a few hundred bytes; see
 * docs/performance.md for the numbers both ways and the workerd source lines. The flag
 * `no_web_socket_compression` is not used: the dev proxies in front of the Worker ignore it.
 */
export const DECLINE_COMPRESSION = { "Sec-WebSocket-Extensions": "none" };

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** `Sec-WebSocket-Accept` as RFC 6455 §4.2.2 defines it: base64(SHA-1(key + GUID)). */
export async function secWebSocketAccept(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(key + WS_GUID));
  let bin = "";
  for (const b of new Uint8Array(digest)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** The upgrade request's headers as received, and the `101` answer that goes with them. */
export async function describeHandshake(request: Request): Promise<Handshake> {
  const url = new URL(request.url);
  // The page shows this on a projector: a visible session would let anyone take the name over,
  // a visible host key the room.
  for (const secret of ["session", "host"]) if (url.searchParams.has(secret)) url.searchParams.set(secret, "…");
  const headers: Record<string, string> = {};
  for (const name of HANDSHAKE_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const key = request.headers.get("sec-websocket-key");
  const responseHeaders: Record<string, string> = { upgrade: "websocket", connection: "Upgrade" };
  if (key !== null) responseHeaders["sec-websocket-accept"] = await secWebSocketAccept(key);
  return {
    request: { method: request.method, path: url.pathname + url.search, headers },
    response: { status: 101, statusText: "Switching Protocols", headers: responseHeaders },
  };
}
