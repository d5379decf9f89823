import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { join, open, ORIGIN, uniqueRoom } from "../support/worker-client";

describe("HTTP", () => {
  it("serves the page at /", async () => {
    const res = await SELF.fetch(`${ORIGIN}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("<html");
  });

  it("answers 426 with an Upgrade header when the request is not an upgrade", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/demo/Sara`);
    expect(res.status).toBe(426);
    expect(res.headers.get("upgrade")).toBe("websocket");
    expect(await res.text()).toMatch(/websocket/i);
  });

  it("checks 426 before 403: a plain GET from a foreign origin is told to upgrade", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/demo/Sara`, { headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(426);
  });

  it("refuses a cross-site upgrade with 403", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/demo/Sara`, {
      headers: { Upgrade: "websocket", Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeNull();
  });

  it("checks 403 before the join refusals", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/${encodeURIComponent("bad room")}/Sara`, {
      headers: { Upgrade: "websocket", Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });

  it("allows its own origin, the ALLOWED_ORIGINS list, and no Origin at all", async () => {
    const room = uniqueRoom();
    for (const [name, origin] of [
      ["own", ORIGIN],
      ["listed", "https://teacher.example"],
      ["slash", "https://mirror.example"],
      ["none", undefined],
    ] as const) {
      const client = await join(room, name, origin === undefined ? {} : { origin });
      expect(client.welcome.you).toBe(name);
    }
  });

  it("does not treat a prefix of an allowed origin as allowed", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/demo/Sara`, {
      headers: { Upgrade: "websocket", Origin: "https://teacher.example.evil.example" },
    });
    expect(res.status).toBe(403);
  });

  it("reports a room's users and seq at /api/rooms/:room", async () => {
    const room = uniqueRoom("api");
    const empty = await SELF.fetch(`${ORIGIN}/api/rooms/${room}`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ room, users: [], seq: 0 });

    const sara = await join(room, "Sara");
    sara.say("hello");
    await sara.message();
    const res = await SELF.fetch(`${ORIGIN}/api/rooms/${room}`);
    const body = (await res.json()) as { room: string; users: { name: string; joinedAt: number }[]; seq: number };
    expect(body).toEqual({
      room,
      users: [{ name: "Sara", joinedAt: sara.welcome.users[0]!.joinedAt, role: "member" }],
      seq: 1,
    });
  });

  it("answers 400 with {error: {code, message}} for a bad room name", async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/rooms/${encodeURIComponent("a room")}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_room");
    expect(body.error.message.length).toBeGreaterThan(5);
  });

  it("opens a socket only for GET /ws/:room/:client", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws/demo`, { headers: { Upgrade: "websocket" } });
    expect(res.status).not.toBe(101);
    const client = await open(uniqueRoom(), "Ali");
    expect((await client.next()).type).toBe("welcome");
  });
});
