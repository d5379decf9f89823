/** The shared contract: its counters (the one UTF-8 byte count, code points), and what it imports. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codePointLength, utf8ByteLength } from "../../src/protocol";

const encoder = new TextEncoder();

describe("utf8ByteLength", () => {
  it("counts bytes, not characters: 1 to 4 a code point (Persian is 2 a letter)", () => {
    expect(utf8ByteLength("")).toBe(0);
    expect(utf8ByteLength("hi")).toBe(2);
    expect(utf8ByteLength("é")).toBe(2);
    expect(utf8ByteLength("سلام")).toBe(8);
    expect(utf8ByteLength("€")).toBe(3);
    expect(utf8ByteLength("𝒜")).toBe(4);
  });

  it("agrees with TextEncoder and Buffer, lone surrogates (U+FFFD, 3 bytes) included", () => {
    const units = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00];
    // Every string of up to three of these units: pairs, lone halves, halves in the wrong order.
    const strings = [""];
    for (let len = 0; len < 3; len++) {
      for (const s of strings.filter((x) => x.length === len)) {
        for (const u of units) strings.push(s + String.fromCharCode(u));
      }
    }
    for (const s of strings) {
      const bytes = encoder.encode(s).length;
      expect(utf8ByteLength(s), JSON.stringify(s)).toBe(bytes);
      expect(Buffer.byteLength(s), JSON.stringify(s)).toBe(bytes);
    }
  });
});

describe("codePointLength", () => {
  it("counts a surrogate pair once", () => {
    expect(codePointLength("𝒜b")).toBe(2);
    expect("𝒜b".length).toBe(3);
  });
});

describe("the split by audience", () => {
  const root = fileURLToPath(new URL("../../src/", import.meta.url));
  it("keeps the shared contract free of imports, and the page off the server's half", () => {
    expect(readFileSync(join(root, "protocol.ts"), "utf8")).not.toMatch(/^import /m);
    for (const f of readdirSync(join(root, "client")).filter((f) => f.endsWith(".ts"))) {
      expect(readFileSync(join(root, "client", f), "utf8"), f).not.toMatch(/protocol-server/);
    }
  });
});
