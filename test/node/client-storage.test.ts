import { describe, expect, it } from "vitest";
import { hostKeyFromUrl, hostLinkTokenFromUrl, roomFromUrl } from "../../src/client/storage";

describe("roomFromUrl", () => {
  it.each([
    [{ search: "?room=demo", hash: "" }, "demo"],
    [{ search: "", hash: "#demo" }, "demo"],
    [{ search: "", hash: "#%DA%A9%D9%84%D8%A7%D8%B3" }, "کلاس"],
    [{ search: "?room=a", hash: "#b" }, "a"],
    [{ search: "", hash: "" }, null],
    // A malformed escape must not stop the page from starting.
    [{ search: "", hash: "#%E0" }, "%E0"],
    // A host link's fragment is a key, never a room.
    [{ search: "?room=demo", hash: `#host=${"k".repeat(43)}` }, "demo"],
    [{ search: "", hash: `#host=${"k".repeat(43)}` }, null],
    [{ search: "", hash: `#hostlink=${"k".repeat(43)}` }, null],
    [{ search: "", hash: "#hostel" }, "hostel"],
  ])("reads %j as %j", (loc, room) => {
    expect(roomFromUrl(loc)).toBe(room);
  });
});

describe("hostKeyFromUrl", () => {
  it.each([
    [`#host=${"A_-9".repeat(11)}`, "A_-9".repeat(11)],
    ["#host=short", null],
    ["#demo", null],
    ["", null],
  ])("reads %j as %j", (hash, key) => {
    expect(hostKeyFromUrl({ hash })).toBe(key);
  });
});

describe("hostLinkTokenFromUrl", () => {
  it.each([
    [`#hostlink=${"A_-9".repeat(11)}`, "A_-9".repeat(11)],
    ["#hostlink=short", null],
    [`#host=${"A_-9".repeat(11)}`, null],
    ["", null],
  ])("reads %j as %j", (hash, token) => {
    expect(hostLinkTokenFromUrl({ hash })).toBe(token);
  });
});
