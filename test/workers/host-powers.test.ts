/**
 * @module
 * Host powers end everywhere at once: giving the room up, a new claim and a key that is no longer
 * the room's take them from every host socket and poller (`role` frame, `roles` for everyone).
 */
import { SELF, env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RolesFrame, ServerFrame } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { ORIGIN, claimHost, hostedRoom, join, session, uniqueRoom } from "../support/worker-client";

const hostUrl = (room: string) => `${ORIGIN}/api/rooms/${encodeURIComponent(room)}/host`;

async function giveUp(room: string, key: string): Promise<void> {
  const res = await SELF.fetch(hostUrl(room), { method: "DELETE", headers: { Authorization: `Bearer ${key}` } });
  expect(res.status).toBe(204);
}

const ofType = <T extends ServerFrame["type"]>(frames: ServerFrame[], type: T) =>
  frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);

describe("giving the room up", () => {
  it("ends host powers on a socket and a poller at once: role frame, roles for everyone, not_host after", async () => {
    const { room, key, host } = await hostedRoom();
    const assistant = new PollClient(room, "Assistant", { host: key });
    expect((await assistant.join()).role).toBe("host");
    const sara = await join(room, "Sara", { session: session() });
    const watcher = await join(room, "~projector", { host: key });
    await host.skipTo("presence");
    await giveUp(room, key);

    expect(await host.skipTo("role")).toEqual({ type: "role", role: "member" });
    const roles = await sara.skipTo("roles");
    expect(roles.users.map((u) => [u.name, u.role])).toEqual([
      ["Teacher", "member"],
      ["Assistant", "member"],
    ]);
    expect(await host.skipTo("roles")).toEqual(roles);
    // The poller reads the same: its role (for it alone), then everyone's.
    const polled = await assistant.frames((f) => ofType(f, "roles").length > 0);
    expect(ofType(polled, "role")).toEqual([{ type: "role", role: "member" }]);
    expect(ofType(polled, "roles")).toEqual([roles]);
    expect(ofType(polled, "role").length + ofType(sara.unread, "role").length).toBe(1);
    // The projector's watcher watched with the old key: it is closed.
    expect(await watcher.skipTo("error")).toMatchObject({ code: "host_key_invalid" });
    expect((await watcher.closed).code).toBe(4403);

    // Every host frame now gets not_host, on both transports, and changes nothing.
    host.send({ type: "lock", locked: true });
    expect(await host.skipTo("error")).toMatchObject({ code: "not_host" });
    expect((await assistant.send({ type: "clear" })).body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    expect((await assistant.send({ type: "remove", name: "Sara" })).body.frames).toMatchObject([
      { type: "error", code: "not_host" },
    ]);
    const snapshot = (await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as RolesFrame;
    expect(snapshot.users.map((u) => u.role)).toEqual(["member", "member", "member"]);
    // The others stayed: no leave, no join.
    expect(ofType(sara.unread, "presence")).toEqual([]);
    expect((await join(room, "Late")).welcome.settings.locked).toBe(false);
  });

  it("a new claim by someone else gives the old host nothing back; the new key's holder hosts", async () => {
    const { room, key, host } = await hostedRoom();
    const assistant = new PollClient(room, "Assistant", { host: key });
    await assistant.join();
    await giveUp(room, key);
    await host.skipTo("roles");
    const other = await claimHost(room);
    host.send({ type: "slow", seconds: 30 });
    expect(await host.skipTo("error")).toMatchObject({ code: "not_host" });
    expect((await assistant.send({ type: "lock", locked: true })).body.frames).toMatchObject([
      { type: "error", code: "not_host" },
    ]);
    const next = await join(room, "NewTeacher", { host: other });
    expect(next.welcome.role).toBe("host");
    next.send({ type: "slow", seconds: 30 });
    expect(await next.skipTo("settings")).toMatchObject({ slowSeconds: 30 });
  });

  it("checks every host frame against the room's current key, whatever the connection was told", async () => {
    const { room, key, host } = await hostedRoom();
    const assistant = new PollClient(room, "Assistant", { host: key });
    await assistant.join();
    // The key changes under them with no demotion: only the check stands between them and the room.
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE room SET value = ? WHERE key = 'host_hash'", "0".repeat(64));
    });
    host.send({ type: "clear" });
    expect(await host.skipTo("error")).toMatchObject({ code: "not_host" });
    expect((await assistant.send({ type: "clear" })).body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    // Nor does its message carry the host mark.
    host.say("still the teacher?");
    expect(await host.skipTo("message")).toMatchObject({ text: "still the teacher?", role: "member" });
  });
});

describe("a room from before key hashes (a deploy mid-class)", () => {
  it("keeps a host poller of the room's key a host, and one whose key was given up a member", async () => {
    const { room, key } = await hostedRoom();
    const assistant = new PollClient(room, "Assistant", { host: key });
    await assistant.join();
    const stub = roomStub(env, room);
    // The pollers table as it was: no key_hash column.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("ALTER TABLE pollers DROP COLUMN key_hash");
    });
    await evictDurableObject(stub);
    expect((await assistant.send({ type: "lock", locked: true })).body.frames).toEqual([]);
    await giveUp(room, key);
    expect((await assistant.send({ type: "lock", locked: false })).body.frames).toMatchObject([
      { type: "error", code: "not_host" },
    ]);
  });
});

describe("forgetting the key on one device only", () => {
  it("a host's tab that comes back as a member (the same session) is shown as a member everywhere", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const s = session();
    await join(room, "Teacher", { host: key, session: s });
    const phone = await join(room, "Teacher phone", { host: key });
    const sara = await join(room, "Sara");
    await phone.skipTo("presence");
    // The laptop forgot its key and joins again: a takeover of its own name, no leave, no join.
    const back = await join(room, "Teacher", { session: s });
    expect(back.welcome.role).toBe("member");
    const teacher = { name: "Teacher", joinedAt: expect.any(Number), role: "member" };
    expect(await sara.skipTo("roles")).toEqual({ type: "roles", users: [teacher] });
    expect(await phone.skipTo("roles")).toEqual({ type: "roles", users: [teacher] });
    // The phone still hosts with the key.
    expect((await join(room, "Late")).welcome.users.map((u) => [u.name, u.role])).toEqual([
      ["Teacher", "member"],
      ["Teacher phone", "host"],
      ["Sara", "member"],
      ["Late", "member"],
    ]);
  });
});
