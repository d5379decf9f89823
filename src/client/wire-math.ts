/**
 * @module
 * The byte cost of one message down the stack, per RFC 6455 §5.2 and the usual TCP/IPv4 header
 * sizes. Pure arithmetic: what the page cannot see (masking key, TCP and IP headers) is computed
 * or estimated here and labelled so by the panel.
 */

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

/**
 * About what one side of an HTTP exchange carries in headers (Chromium's fetch, or the Worker's
 * answer, over HTTP/1.1): estimated, as the page cannot see the browser's own headers.
 */
export const HTTP_HEADER_BYTES = 350;

export interface StackStep {
  layer: "json" | "websocket" | "http" | "tcp" | "ip";
  /** Bytes this layer adds. */
  added: number;
  /** Bytes on the wire at this layer, everything above included. */
  total: number;
  estimated: boolean;
}

/**
 * One message down the stack (assumes it fits one TCP segment, as chat messages do): in a
 * WebSocket frame, or (`http`) as an HTTP body under its headers.
 */
export function stackSteps(payloadBytes: number, clientToServer: boolean, http = false): StackStep[] {
  const framing = http ? HTTP_HEADER_BYTES : wsHeaderBytes(payloadBytes, clientToServer);
  const above = payloadBytes + framing;
  return [
    { layer: "json", added: payloadBytes, total: payloadBytes, estimated: false },
    { layer: http ? "http" : "websocket", added: framing, total: above, estimated: http },
    { layer: "tcp", added: TCP_HEADER_BYTES, total: above + TCP_HEADER_BYTES, estimated: true },
    { layer: "ip", added: IP_HEADER_BYTES, total: above + TCP_HEADER_BYTES + IP_HEADER_BYTES, estimated: true },
  ];
}
