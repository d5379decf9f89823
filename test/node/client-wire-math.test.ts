import { describe, expect, it } from "vitest";
import {
  IP_HEADER_BYTES,
  TCP_HEADER_BYTES,
  hex,
  HTTP_HEADER_BYTES,
  stackSteps,
  wsHeader,
  wsHeaderBytes,
} from "../../src/client/wire-math";

describe("RFC 6455 frame header size", () => {
  it("is 2 bytes up to 125 bytes of payload, +4 for the client's mask", () => {
    expect(wsHeaderBytes(0, false)).toBe(2);
    expect(wsHeaderBytes(125, false)).toBe(2);
    expect(wsHeaderBytes(125, true)).toBe(6);
  });

  it("is 4 bytes from 126 to 65535 (16-bit extended length)", () => {
    expect(wsHeaderBytes(126, false)).toBe(4);
    expect(wsHeaderBytes(65535, false)).toBe(4);
    expect(wsHeaderBytes(65535, true)).toBe(8);
  });

  it("is 10 bytes above 65535 (64-bit extended length)", () => {
    expect(wsHeaderBytes(65536, false)).toBe(10);
    expect(wsHeaderBytes(65536, true)).toBe(14);
  });

  it("builds the real header bytes: FIN + text opcode, mask bit, length, key", () => {
    expect(hex(wsHeader(5))).toBe("81 05");
    expect(hex(wsHeader(5, Uint8Array.from([0x37, 0xfa, 0x21, 0x3d])))).toBe("81 85 37 fa 21 3d");
    expect(hex(wsHeader(256))).toBe("81 7e 01 00");
    expect(hex(wsHeader(65536))).toBe("81 7f 00 00 00 00 00 01 00 00");
    for (const n of [0, 125, 126, 65535, 65536]) {
      expect(wsHeader(n).length).toBe(wsHeaderBytes(n, false));
      expect(wsHeader(n, new Uint8Array(4)).length).toBe(wsHeaderBytes(n, true));
    }
  });
});

describe("one message down the stack", () => {
  it("adds the WebSocket header, then estimated TCP and IP headers", () => {
    const steps = stackSteps(40, true);
    expect(steps.map((s) => [s.layer, s.added, s.total, s.estimated])).toEqual([
      ["json", 40, 40, false],
      ["websocket", 6, 46, false],
      ["tcp", TCP_HEADER_BYTES, 66, true],
      ["ip", IP_HEADER_BYTES, 86, true],
    ]);
  });

  it("as an HTTP body: the HTTP headers in place of the frame header, estimated", () => {
    const steps = stackSteps(40, false, true);
    expect(steps.map((s) => [s.layer, s.added, s.total, s.estimated])).toEqual([
      ["json", 40, 40, false],
      ["http", HTTP_HEADER_BYTES, 40 + HTTP_HEADER_BYTES, true],
      ["tcp", TCP_HEADER_BYTES, 60 + HTTP_HEADER_BYTES, true],
      ["ip", IP_HEADER_BYTES, 80 + HTTP_HEADER_BYTES, true],
    ]);
  });
});
