import { describe, expect, it } from "vitest";
import { CLOSE_HEARTBEAT, LIMITS } from "../../src/protocol";
import { TEST_CONFIG } from "../support/test-vars";
import { backdateConnections, expectRefused, join, open, session, uniqueRoom } from "../support/worker-client";

describe("joining", () => {
  it("welcomes with room, you, users, seq, limits, history and the handshake", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara", { headers: { "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    const w = sara.welcome;
    expect(w.room).toBe(room);
    expect(w.you).toBe("Sara");
    expect(w.users).toEqual([{ name: "Sara", joinedAt: expect.any(Number), role: "member" }]);
    expect(w.role).toBe("member");
    expect(w.settings).toEqual({ slowSeconds: 0, locked: false });
    expect(w.epoch).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(Math.abs(w.users[0]!.joinedAt - Date.now())).toBeLessThan(60_000);
    expect(w.seq).toBe(0);
    expect(w.history).toEqual([]);
    expect(w.gap).toBeUndefined();
    expect(w.limits).toEqual({ textMaxChars: 2000, frameMaxBytes: 16384, ratePerSecond: 5, rateBurst: 10 });
    // RFC 6455 §1.3's own example key and answer.
    expect(w.handshake!.request.headers["sec-websocket-key"]).toBe("dGhlIHNhbXBsZSBub25jZQ==");
    expect(w.handshake!.request.headers.upgrade).toBe("websocket");
    expect(w.handshake!.request.path).toBe(`/ws/${room}/Sara`);
    expect(w.handshake!.response).toEqual({
      status: 101,
      statusText: "Switching Protocols",
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-accept": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" },
    });
  });

  it("never shows the session in the handshake (it would let a classmate take the name over)", async () => {
    const room = uniqueRoom();
    const s = session();
    const sara = await join(room, "Sara", { session: s, since: 0 });
    expect(JSON.stringify(sara.welcome)).not.toContain(s);
    expect(sara.welcome.handshake!.request.path).toBe(`/ws/${room}/Sara?session=%E2%80%A6&since=0`);
  });

  it("tells the others with a presence diff, never the full list", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    expect(ali.welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
    const p = await sara.presence();
    expect(p).toEqual({ type: "presence", joined: [ali.welcome.users[1]], left: [] });
    // The joiner does not hear of its own join: the next thing it gets is Sara's message.
    sara.say("hi");
    expect((await ali.message()).text).toBe("hi");
    expect((await sara.message()).text).toBe("hi");
  });

  it("reports a leave to the others and completes the close handshake", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    await sara.presence();
    expect(await ali.close(1000, "tab closed")).toEqual({ code: 1000, reason: "tab closed" });
    expect(await sara.presence()).toEqual({ type: "presence", joined: [], left: ["Ali"] });
    const late = await join(room, "Mina");
    expect(late.welcome.users.map((u) => u.name)).toEqual(["Sara", "Mina"]);
  });

  it("removes a member whose close carried no status code (1005)", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    await sara.presence();
    ali.ws.close(); // a close frame with no code: the room sees 1005 and has nothing to echo
    expect(await sara.presence()).toEqual({ type: "presence", joined: [], left: ["Ali"] });
    expect((await join(room, "Mina")).welcome.users.map((u) => u.name)).toEqual(["Sara", "Mina"]);
  });

  describe("room names", () => {
    it.each([
      ["Persian letters with ZWNJ", "کلاس‌اینترنت"],
      ["digits, dash, underscore and dot", "ie-1404_a.b"],
      ["64 code points beyond the BMP", "𝒜".repeat(64)],
      ["combining marks", "e\u0301cole"],
    ])("accepts %s", async (_, name) => {
      const room = `${name}`;
      const c = await join(room, `u${crypto.randomUUID().slice(0, 6)}`);
      expect(c.welcome.room).toBe(room.normalize("NFC"));
    });

    it("normalises to NFC: decomposed and composed spellings are one room", async () => {
      const base = uniqueRoom();
      const a = await join(`${base}e\u0301`, "Sara");
      const b = await join(`${base}\u00e9`, "Ali");
      expect(b.welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
      expect(a.welcome.room).toBe(b.welcome.room);
    });

    it("is case-sensitive", async () => {
      const base = uniqueRoom();
      await join(`${base}Demo`, "Sara");
      const other = await join(`${base}demo`, "Sara");
      expect(other.welcome.users).toHaveLength(1);
    });

    it.each([
      ["only dots", "..."],
      ["a space", "a room"],
      ["65 code points", "a".repeat(65)],
      ["a bidi control", "room\u202E"],
      ["a zero-width space", "room\u200B"],
      ["a slash-like symbol", "room#1"],
      ["an emoji", "room😀"],
      ["a variation selector", "room\uFE0F"],
    ])("refuses %s with invalid_room and 4400", async (_, room) => {
      await expectRefused(await open(room, "Sara"), "invalid_room", 4400);
    });
  });

  describe("names", () => {
    it.each([
      ["Persian with ZWNJ", "مهسا نیک‌نام", "مهسا نیک‌نام"],
      ["inner single spaces", "Sara Ahmadi Rad", "Sara Ahmadi Rad"],
      ["surrounding spaces, trimmed", "  Sara  ", "Sara"],
      ["32 code points beyond the BMP", "𝒜".repeat(32), "𝒜".repeat(32)],
      ["dots inside", "s.a.r.a", "s.a.r.a"],
      ["NFC", "Rene\u0301", "Ren\u00e9"],
    ])("accepts %s", async (_, raw, shown) => {
      const c = await join(uniqueRoom(), raw);
      expect(c.welcome.you).toBe(shown);
    });

    it.each([
      ["33 code points", "a".repeat(33)],
      ["two spaces in a row", "Sara  Ahmadi"],
      ["only dots", "...."],
      ["a left-to-right mark", "Sara\u200E"],
      ["a right-to-left embedding", "\u202BSara"],
      ["a first-strong isolate", "Sara\u2068"],
      ["a control character", "Sara\u0007"],
      ["a tab", "Sara\tAli"],
      ["a zero-width joiner", "Sa\u200Dra"],
      ["a symbol", "Sara<script>"],
      ["the invisible Hangul filler", "\u3164"],
      ["a lone ZWNJ", "\u200C"],
      ["a ZWNJ that joins nothing", "Sara\u200C"],
      ["a variation selector (a look-alike of Sara)", "Sara\uFE0F"],
      ["a combining grapheme joiner", "Sa\u034Fra"],
    ])("refuses %s with invalid_name and 4400", async (_, name) => {
      await expectRefused(await open(uniqueRoom(), name), "invalid_name", 4400);
    });

    it("checks the room before the name", async () => {
      await expectRefused(await open("bad room", "bad  name"), "invalid_room", 4400);
    });
  });

  describe("session and since", () => {
    it.each([
      ["a short session", { session: "abc" }],
      ["a session with a bad character", { session: "abcdefgh!" }],
      ["a 65-character session", { session: "a".repeat(65) }],
      ["a negative since", { since: "-1" }],
      ["a fractional since", { since: "1.5" }],
      ["a non-numeric since", { since: "ten" }],
    ])("refuses %s with bad_request and 4400", async (_, options) => {
      await expectRefused(await open(uniqueRoom(), "Sara", options), "bad_request", 4400);
    });

    it("accepts 8- and 64-character sessions", async () => {
      const room = uniqueRoom();
      expect((await join(room, "A", { session: "a".repeat(8) })).welcome.you).toBe("A");
      expect((await join(room, "B", { session: "Z_-9".repeat(16) })).welcome.you).toBe("B");
    });
  });

  describe("a name already in the room", () => {
    it("is refused with name_taken and 4409, compared case-insensitively", async () => {
      const room = uniqueRoom();
      await join(room, "Sara", { session: session() });
      await expectRefused(await open(room, "SARA", { session: session() }), "name_taken", 4409);
      await expectRefused(await open(room, "Sara"), "name_taken", 4409);
    });

    it("is taken over by the same session: the old tab is told and closed, no presence flicker", async () => {
      const room = uniqueRoom();
      const s = session();
      const first = await join(room, "Sara", { session: s });
      const ali = await join(room, "Ali");
      await first.presence();
      const second = await join(room, "Sara", { session: s });
      expect(second.welcome.users).toEqual(ali.welcome.users);
      expect(await first.error()).toMatchObject({ code: "replaced" });
      expect(await first.closed).toEqual({ code: 4001, reason: "replaced" });
      // Ali saw no leave and no join: the next frame he gets is the message.
      second.say("still me");
      expect(await ali.message()).toMatchObject({ from: "Sara", text: "still me" });
      expect(await second.message()).toMatchObject({ from: "Sara", text: "still me" });
      expect(ali.unread).toEqual([]);
    });

    it("is freed when its holder is dead (no ping for over 90 s)", async () => {
      const room = uniqueRoom();
      const old = await join(room, "Sara", { session: session() });
      const ali = await join(room, "Ali");
      await old.presence();
      await backdateConnections(room, "Sara", LIMITS.heartbeatTimeoutMs + 1000);
      const fresh = await join(room, "sara", { session: session() });
      expect(fresh.welcome.users.map((u) => u.name)).toEqual(["Ali", "sara"]);
      expect(await old.error()).toMatchObject({ code: "heartbeat_timeout" });
      expect((await old.closed).code).toBe(CLOSE_HEARTBEAT);
      const p1 = await ali.presence();
      const changes = [p1];
      if (p1.joined.length === 0) changes.push(await ali.presence());
      expect(changes.flatMap((p) => p.left)).toEqual(["Sara"]);
      expect(changes.flatMap((p) => p.joined).map((u) => u.name)).toEqual(["sara"]);
    });

    it("is not freed while its holder pings", async () => {
      const room = uniqueRoom();
      const old = await join(room, "Sara");
      old.send("ping");
      await old.textCount(1);
      await expectRefused(await open(room, "Sara"), "name_taken", 4409);
    });
  });

  it("refuses the connection after MAX_USERS_PER_ROOM with room_full and 4503", async () => {
    const room = uniqueRoom();
    for (let i = 0; i < TEST_CONFIG.maxUsers; i++) await join(room, `user${i}`);
    await expectRefused(await open(room, "late"), "room_full", 4503);
  });
});
