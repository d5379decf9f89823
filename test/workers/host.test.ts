import { asMessage } from "../support/frame-queue";
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TEST_CONFIG } from "../support/test-vars";
import {
  ORIGIN,
  claimHost,
  expectRefused,
  hostedRoom,
  join,
  open,
  session,
  uniqueRoom,
} from "../support/worker-client";

const hostUrl = (room: string) => `${ORIGIN}/api/rooms/${encodeURIComponent(room)}/host`;

describe("claiming a room", () => {
  it("answers 201 with a key of at least 128 random bits, base64url, once; then 409 host_taken", async () => {
    const room = uniqueRoom();
    const res = await SELF.fetch(hostUrl(room), { method: "POST" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { room: string; hostKey: string };
    expect(body.room).toBe(room);
    expect(body.hostKey).toMatch(/^[A-Za-z0-9_-]{22,128}$/);
    expect(body.hostKey.length * 6).toBeGreaterThanOrEqual(128);
    const again = await SELF.fetch(hostUrl(room), { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: { code: "host_taken", message: expect.stringMatching(/\w+ \w+/) } });
  });

  it("gives different rooms different keys", async () => {
    expect(await claimHost(uniqueRoom())).not.toBe(await claimHost(uniqueRoom()));
  });

  it("refuses a foreign Origin with 403 forbidden_origin and a bad room name with 400 invalid_room", async () => {
    const foreign = await SELF.fetch(hostUrl(uniqueRoom()), {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("forbidden_origin");
    const bad = await SELF.fetch(hostUrl("a room"), { method: "POST" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_room");
  });

  it("gives the room up with the key (204); a wrong key gets 403 host_key_invalid", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const wrong = await SELF.fetch(hostUrl(room), {
      method: "DELETE",
      headers: { Authorization: `Bearer ${"x".repeat(43)}` },
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("host_key_invalid");
    const none = await SELF.fetch(hostUrl(room), { method: "DELETE" });
    expect(none.status).toBe(403);
    const ok = await SELF.fetch(hostUrl(room), { method: "DELETE", headers: { Authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(204);
    // Free again: a new claim gets a new key, and the old one no longer makes a host.
    const next = await claimHost(room);
    expect(next).not.toBe(key);
    await expectRefused(await open(room, "Old", { host: key }), "host_key_invalid", 4403);
  });
});

describe("joining as host", () => {
  it("welcomes the key's holder as host; everyone else is a member, and every user carries a role", async () => {
    const { room, host } = await hostedRoom();
    expect(host.welcome.role).toBe("host");
    expect(host.welcome.users).toEqual([{ name: "Teacher", joinedAt: expect.any(Number), role: "host" }]);
    const sara = await join(room, "Sara");
    expect(sara.welcome.role).toBe("member");
    expect(sara.welcome.users.map((u) => [u.name, u.role])).toEqual([
      ["Teacher", "host"],
      ["Sara", "member"],
    ]);
    expect((await host.presence()).joined).toEqual([{ name: "Sara", joinedAt: expect.any(Number), role: "member" }]);
    const snapshot = (await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: unknown[] };
    expect(snapshot.users).toEqual([
      { name: "Teacher", joinedAt: expect.any(Number), role: "host" },
      { name: "Sara", joinedAt: expect.any(Number), role: "member" },
    ]);
  });

  it("refuses a wrong key with host_key_invalid and 4403, also in a room with no host", async () => {
    const { room } = await hostedRoom();
    await expectRefused(await open(room, "Mallory", { host: "A".repeat(43) }), "host_key_invalid", 4403);
    await expectRefused(await open(uniqueRoom(), "Mallory", { host: "A".repeat(43) }), "host_key_invalid", 4403);
  });

  it("never shows the key in the handshake the page shows", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const host = await join(room, "Teacher", { host: key });
    expect(JSON.stringify(host.welcome)).not.toContain(key);
    expect(host.welcome.handshake!.request.path).toBe(`/ws/${room}/Teacher?host=%E2%80%A6`);
  });

  it.each([
    ["a short host key", { host: "abc" }],
    ["a host key with a dot", { host: `${"a".repeat(30)}.` }],
    ["an epoch with a space", { epoch: "a b" }],
    ["an empty epoch", { epoch: "" }],
  ])("refuses %s with bad_request", async (_, options) => {
    await expectRefused(await open(uniqueRoom(), "Sara", options), "bad_request", 4400);
  });

  it("checks in the contract's order: invalid_name before bad_request before host_key_invalid", async () => {
    const room = uniqueRoom();
    await expectRefused(await open(room, " ", { host: "abc" }), "invalid_name", 4400);
    await expectRefused(await open(room, "Sara", { host: "abc", since: "x" }), "bad_request", 4400);
    await expectRefused(await open(room, "Sara", { host: "B".repeat(43) }), "host_key_invalid", 4403);
  });
});

describe("host frames from a member", () => {
  it.each([
    ["delete", { type: "delete", seq: 1 }],
    ["clear", { type: "clear" }],
    ["remove", { type: "remove", name: "Teacher" }],
    ["slow", { type: "slow", seconds: 10 }],
    ["lock", { type: "lock", locked: true }],
  ])("%s gets not_host, changes nothing, and the socket stays open", async (_, frame) => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara", { session: session() });
    await host.presence();
    sara.say("kept");
    await sara.message();
    await host.message();
    sara.send(frame);
    expect(await sara.error()).toMatchObject({ code: "not_host" });
    sara.say("still here");
    expect((await sara.message()).text).toBe("still here");
    expect((await host.message()).text).toBe("still here");
    expect(host.unread).toEqual([]);
    const late = await join(room, "Late");
    expect(late.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["kept", "still here"]);
    expect(late.welcome.settings).toEqual({ slowSeconds: 0, locked: false });
  });
});

describe("the projector's watcher socket", () => {
  it("needs the host key, is no user, hears everything, and may send nothing", async () => {
    const { room, key, host } = await hostedRoom();
    await expectRefused(await open(room, "~projector"), "host_key_invalid", 4403);
    await expectRefused(await open(room, "~projector", { host: "C".repeat(43) }), "host_key_invalid", 4403);
    // More than MAX_USERS_PER_ROOM may watch; a locked, full room does not keep them out.
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    const watchers = [];
    for (let i = 0; i < TEST_CONFIG.maxUsers + 1; i++) watchers.push(await join(room, "~projector", { host: key }));
    const watcher = watchers[0]!;
    expect(watcher.welcome.users.map((u) => u.name)).toEqual(["Teacher"]);
    host.say("on the big screen");
    expect((await watcher.skipTo("message")).text).toBe("on the big screen");
    await host.message();
    // Not in users, presence or the count.
    expect(host.unread.filter((f) => f.type === "presence")).toEqual([]);
    const snapshot = (await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: { name: string }[] };
    expect(snapshot.users.map((u) => u.name)).toEqual(["Teacher"]);
    for (const frame of [
      { type: "message", text: "hi" },
      { type: "typing" },
      { type: "clear" },
      { type: "ack", seq: 1 },
    ]) {
      watcher.send(frame);
      expect(await watcher.skipTo("error")).toMatchObject({ code: "not_host" });
    }
    await watcher.close();
    host.say("barrier");
    await host.message();
    expect(host.unread).toEqual([]);
  });
});
