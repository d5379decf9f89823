import { describe, expect, it } from "vitest";
import { I18n } from "../../src/client/i18n";

// 2026-11-25, a Wednesday: 4 Azar 1405 in the Persian calendar.
const TS = Date.UTC(2026, 10, 25, 12);

describe("dates", () => {
  it("writes a Persian date in the locale's own order, weekday first, without a Latin comma", () => {
    const date = new I18n("fa").date(TS);
    expect(date).toBe("چهارشنبه ۴ آذر ۱۴۰۵");
    expect(date).not.toContain(",");
  });

  it("writes an English date with the weekday", () => {
    expect(new I18n("en").date(TS)).toBe("Wednesday, 25 November 2026");
  });
});

describe("sentences a student in class can act on", () => {
  it("a full room says to tell the teacher, in both languages", () => {
    expect(new I18n("en").error("room_full")).toMatch(/Tell the teacher/);
    expect(new I18n("fa").error("room_full")).toMatch(/به معلم بگویید/);
  });
});
