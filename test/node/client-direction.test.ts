import { describe, expect, it } from "vitest";
import { direction } from "../../src/client/direction";

describe("direction by content (the word-count estimate, 40 % inclusive)", () => {
  it("lays out the course's Persian questions that start with a Latin term right to left", () => {
    for (const q of [
      "HTTP 101 یعنی Switching Protocols، درسته؟", // 2 of 5 voting words: exactly 40 %
      "TCP چیه؟",
      "WebSocket بهتر از long polling است؟",
      "Sec-WebSocket-Key رو کی می‌سازه؟",
      "long polling و SSE چه فرقی دارن؟",
      "permessage-deflate چطور کار می‌کنه؟",
    ]) {
      expect(direction(q), q).toBe("rtl");
    }
  });

  it("keeps English with a Persian word left to right", () => {
    expect(direction("I love شیراز")).toBe("ltr"); // 1 of 3
    expect(direction("The 101 answer has Sec-WebSocket-Accept")).toBe("ltr");
    expect(direction("see https://example.com/یک‌صفحه for TCP")).toBe("ltr");
  });

  it("counts whole words, not characters, and only words with letters", () => {
    expect(direction("a b c ده")).toBe("ltr"); // 1 of 4: 25 %
    expect(direction("a b ده")).toBe("ltr"); // 1 of 3: 33 %
    expect(direction("a b c دو ده")).toBe("rtl"); // 2 of 5: 40 %
    expect(direction("مریم 3")).toBe("rtl"); // the digit does not vote
    expect(direction("سلام https://example.com/a/b/c/d")).toBe("rtl"); // nor does a link
    expect(direction("Sara")).toBe("ltr");
    expect(direction("(Sara) ,!")).toBe("ltr");
  });

  it("knows the right-to-left scripts and the Arabic presentation forms; Persian digits are not letters", () => {
    expect(direction("שלום world")).toBe("rtl"); // Hebrew, 1 of 2
    expect(direction("ܫܠܡܐ")).toBe("rtl"); // Syriac
    expect(direction("ދިވެހި")).toBe("rtl"); // Thaana
    expect(direction("ߒߞߏ")).toBe("rtl"); // NKo
    expect(direction("ﻣﺮﺣﺒﺎ")).toBe("rtl"); // Arabic presentation forms B
    expect(direction("ﷲ")).toBe("rtl"); // presentation forms A
    expect(direction("۱۲۳ ٤٥")).toBe("auto");
    expect(direction("Привет мир 你好")).toBe("ltr");
  });

  it("leaves text with no letter to inherit", () => {
    for (const t of ["", "   ", "101", "😀 👍", "?!", "https://example.com"]) expect(direction(t), t).toBe("auto");
  });

  it("takes a word's direction from its first letter, across Persian's zero-width non-joiner", () => {
    expect(direction("می‌خواهم HTTP/2")).toBe("rtl"); // 1 of 2
    expect(direction("«سلام» hello there")).toBe("ltr"); // 1 of 3; the guillemet is not a letter
    expect(direction("x2دو y z")).toBe("ltr"); // the first letter of x2دو is Latin
  });
});
