import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hostKeyFromUrl, hostLinkTokenFromUrl, roomFromUrl, rooms } from "../../src/client/storage";
import { LIMITS } from "../../src/protocol";

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

/** A Storage in memory, for `localStorage` in Node. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, String(v));
  removeItem = (k: string) => void this.items.delete(k);
}

describe("rooms: one session per browser and room", () => {
  beforeEach(() => vi.stubGlobal("localStorage", new MemoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it("keeps one session per room for every name, and the name until the room is left", () => {
    const demo = rooms.session("demo");
    expect(demo).toMatch(LIMITS.sessionPattern);
    expect(rooms.session("demo")).toBe(demo);
    expect(rooms.session("other")).not.toBe(demo);
    expect(rooms.name("demo")).toBeNull();
    rooms.setName("demo", "Sara");
    rooms.setName("demo", "Omid");
    expect(rooms.name("demo")).toBe("Omid");
    expect(rooms.session("demo")).toBe(demo);
    // Left on purpose: no name to go back in under, and the same session (a removal still holds).
    rooms.setName("demo", null);
    expect(rooms.name("demo")).toBeNull();
    expect(rooms.session("demo")).toBe(demo);
  });

  it("forgets the least recently used room beyond 50, and ignores what it cannot read", () => {
    const first = rooms.session("room-0");
    for (let i = 1; i <= 50; i++) rooms.session(`room-${i}`);
    expect(rooms.session("room-50")).toBe(rooms.session("room-50"));
    expect(Object.keys(JSON.parse(localStorage.getItem("roomcast.rooms")!))).toHaveLength(50);
    expect(rooms.session("room-0")).not.toBe(first);
    localStorage.setItem("roomcast.rooms", JSON.stringify({ demo: { session: "bad id!" }, x: 5 }));
    expect(rooms.session("demo")).toMatch(LIMITS.sessionPattern);
    localStorage.setItem("roomcast.rooms", "{not json");
    expect(rooms.name("demo")).toBeNull();
  });

  it("without storage (private mode), keeps a room's session for the page's life", () => {
    vi.stubGlobal("localStorage", {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    });
    const s = rooms.session("private");
    expect(s).toMatch(LIMITS.sessionPattern);
    expect(rooms.session("private")).toBe(s);
    rooms.setName("private", "Sara");
    expect(rooms.name("private")).toBeNull();
  });
});
