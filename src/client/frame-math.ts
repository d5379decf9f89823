/**
 * @module
 * The byte cost of one message down the stack, per RFC 6455 §5.2 and the usual TCP/IPv4 header
 * sizes, next to what the same message would cost as an HTTP polling request. Pure arithmetic:
 * what the page cannot see (masking key, TCP and IP headers) is computed or estimated here and
 * labelled so by the panel.
 */
import { utf8ByteLength } from "../protocol";

/**
 * The WebSocket frame header: 2 bytes, plus 2 (payload 126–65535 B) or 8 (larger) bytes of
 * extended length, plus a 4-byte masking key on every client → server frame.
 */
export function wsHeaderBytes(payloadBytes: number, masked: boolean): number {
  const length = payloadBytes <= 125 ? 0 : payloadBytes <= 0xffff ? 2 : 8;
  return 2 + length + (masked ? 4 : 0);
}

/** The header's actual bytes for a final text frame (opcode 1); `mask` is the 4-byte key. */
export function wsHeader(payloadBytes: number, mask?: Uint8Array): Uint8Array {
  const out: number[] = [0x80 | 0x1];
  const m = mask === undefined ? 0 : 0x80;
  if (payloadBytes <= 125) out.push(m | payloadBytes);
  else if (payloadBytes <= 0xffff) out.push(m | 126, payloadBytes >> 8, payloadBytes & 0xff);
  else {
    out.push(m | 127);
    for (let i = 7; i >= 0; i--) out.push(Math.floor(payloadBytes / 2 ** (8 * i)) & 0xff);
  }
  if (mask !== undefined) out.push(...mask);
  return Uint8Array.from(out);
}

export const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** Without options; with the common timestamp option it is 32 (estimated either way). */
export const TCP_HEADER_BYTES = 20;
/** IPv4 without options (IPv6 would be 40). */
export const IP_HEADER_BYTES = 20;

export interface StackStep {
  layer: "json" | "websocket" | "tcp" | "ip";
  /** Bytes this layer adds. */
  added: number;
  /** Bytes on the wire at this layer, everything above included. */
  total: number;
  estimated: boolean;
}

/** One message down the stack (assumes it fits one TCP segment, as chat messages do). */
export function stackSteps(payloadBytes: number, clientToServer: boolean): StackStep[] {
  const ws = wsHeaderBytes(payloadBytes, clientToServer);
  return [
    { layer: "json", added: payloadBytes, total: payloadBytes, estimated: false },
    { layer: "websocket", added: ws, total: payloadBytes + ws, estimated: false },
    { layer: "tcp", added: TCP_HEADER_BYTES, total: payloadBytes + ws + TCP_HEADER_BYTES, estimated: true },
    {
      layer: "ip",
      added: IP_HEADER_BYTES,
      total: payloadBytes + ws + TCP_HEADER_BYTES + IP_HEADER_BYTES,
      estimated: true,
    },
  ];
}

export interface PollingContext {
  host: string;
  room: string;
  origin: string;
  userAgent: string;
  language: string;
}

/** An HTTP/1.1 header block: start line, headers, blank line. */
export function headerBlock(startLine: string, headers: [string, string][]): string {
  return `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`;
}

/** The request a polling page would send to post this message (typical browser headers). */
export function pollingRequest(c: PollingContext, bodyBytes: number): string {
  return headerBlock(`POST /api/rooms/${encodeURIComponent(c.room)}/messages HTTP/1.1`, [
    ["Host", c.host],
    ["Connection", "keep-alive"],
    ["Content-Length", String(bodyBytes)],
    ["User-Agent", c.userAgent],
    ["Content-Type", "application/json"],
    ["Accept", "*/*"],
    ["Origin", c.origin],
    ["Referer", `${c.origin}/`],
    ["Accept-Encoding", "gzip, deflate, br, zstd"],
    ["Accept-Language", c.language],
  ]);
}

/** A typical answer to it. */
export function pollingResponse(bodyBytes: number): string {
  return headerBlock("HTTP/1.1 200 OK", [
    ["Date", "Wed, 25 Nov 2026 12:00:00 GMT"],
    ["Content-Type", "application/json"],
    ["Content-Length", String(bodyBytes)],
    ["Connection", "keep-alive"],
    ["Cache-Control", "no-store"],
    ["Server", "cloudflare"],
  ]);
}

export interface PollingCost {
  requestHeaders: number;
  responseHeaders: number;
  body: number;
  /** Headers + body + TCP/IP of one request and one response packet. */
  total: number;
}

/** The same message as one HTTP request/response cycle (estimated). */
export function pollingCost(c: PollingContext, payloadBytes: number): PollingCost {
  const requestHeaders = utf8ByteLength(pollingRequest(c, payloadBytes));
  const responseHeaders = utf8ByteLength(pollingResponse(2));
  const body = payloadBytes + 2; // the message, and a tiny "{}" answer
  const packets = 2 * (TCP_HEADER_BYTES + IP_HEADER_BYTES);
  return { requestHeaders, responseHeaders, body, total: requestHeaders + responseHeaders + body + packets };
}
