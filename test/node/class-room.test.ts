/**
 * @module
 * The class that `npm run bench:page` and `npm run screenshots` fill a room with: names a room of
 * 300 admits side by side (valid, and no two alike to the room's eye), in both scripts.
 */
import { describe, expect, it } from "vitest";
import { classNames, classText } from "../../bench/class-room";
import { LIMITS, parseUserName } from "../../src/protocol";
import { nameKey } from "../../src/room/name-key";

describe("classNames", () => {
  const names = classNames(300);

  it("gives 300 names the room takes as they are", () => {
    expect(names).toHaveLength(300);
    for (const name of names) expect(parseUserName(name)).toBe(name);
  });

  it("gives no two names the room would hold as one (same key: name_taken)", () => {
    expect(new Set(names.map(nameKey)).size).toBe(names.length);
  });

  it("mixes Persian and English first names, numbered where a name repeats", () => {
    expect(names.filter((n) => /[\u0600-\u06ff]/.test(n)).length).toBeGreaterThan(100);
    expect(names.filter((n) => /^[A-Za-z]/.test(n)).length).toBeGreaterThan(100);
    expect(names).toContain("مریم 3");
  });
});

it("classText: messages the room accepts", () => {
  for (let i = 0; i < 32; i++) {
    expect(classText(i).length).toBeGreaterThan(0);
    expect([...classText(i)].length).toBeLessThanOrEqual(LIMITS.textMaxChars);
  }
});
