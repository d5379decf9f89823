import { describe, expect, it } from "vitest";
import { roomFromUrl } from "../../src/client/storage";

describe("roomFromUrl", () => {
  it.each([
    [{ search: "?room=demo", hash: "" }, "demo"],
    [{ search: "", hash: "#demo" }, "demo"],
    [{ search: "", hash: "#%DA%A9%D9%84%D8%A7%D8%B3" }, "کلاس"],
    [{ search: "?room=a", hash: "#b" }, "a"],
    [{ search: "", hash: "" }, null],
    // A malformed escape must not stop the page from starting.
    [{ search: "", hash: "#%E0" }, "%E0"],
  ])("reads %j as %j", (loc, room) => {
    expect(roomFromUrl(loc)).toBe(room);
  });
});
