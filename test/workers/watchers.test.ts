import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { LIMITS, type WelcomeFrame } from "../../src/protocol";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { PollClient, messagesIn } from "../support/poll-client";
import { SseClient } from "../support/sse-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, expectRefused, hostedRoom, join, open } from "../support/worker-client";

/** A race lane over HTTP: `/poll/:room/~watch`, the host key in `Authorization`. */
const watcher = (room: string, host: string | undefined) => new PollClient(room, "~watch", { host });

async function watchHeld(w: PollClient): Promise<void> {
  const stub = roomStub(env, w.room);
  await vi.waitFor(
    async () => {
      const held = await runInDurableObject(stub, (room: ChatRoom) => ChatRoom.watchHeldForTests(room, w.session));
      if (!held) throw new Error("not held yet");
    },
    { timeout: 5000, interval: 10 },
  );
}

const users = async (room: string) =>
  ((await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: { name: string }[] }).users.map(
    (u) => u.name,
  );

describe("a watcher over HTTP (/poll/:room/~watch)", () => {
  it("needs the room's host key: none, or another, is host_key_invalid (403)", async () => {
    const { room } = await hostedRoom();
    for (const host of [undefined, "C".repeat(43)]) {
      const { status, body } = await watcher(room, host).get();
      expect(status).toBe(403);
      expect(body).toMatchObject({ error: { code: "host_key_invalid" } });
    }
    const post = await watcher(room, "C".repeat(43)).send({ type: "message", text: "hi" });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ error: { code: "host_key_invalid" } });
  });

  it("is no user: not in users, presence or the count, and a full room does not keep it out", async () => {
    const { room, key, host } = await hostedRoom();
    // The room full of members (the host is one), then locked.
    const members = [];
    for (let i = 1; i < TEST_CONFIG.maxUsers; i++) members.push(await join(room, `S${i}`));
    await expectRefused(await open(room, "Late"), "room_full", 4503);
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    const w = watcher(room, key);
    const welcome = (await w.join()) as WelcomeFrame;
    expect(welcome.users.map((u) => u.name)).not.toContain("~watch");
    expect(welcome.users).toHaveLength(TEST_CONFIG.maxUsers);
    // A watcher's welcome is a member's: no knocks, no removals.
    expect(welcome.knocks).toBeUndefined();
    expect(welcome.removals).toBeUndefined();
    expect(await users(room)).not.toContain("~watch");
    host.say("barrier");
    await host.message();
    expect(host.unread.filter((f) => f.type === "presence")).toEqual([]);
  });

  it("reads what everyone reads, in order, by long poll and by plain poll", async () => {
    const { room, key, host } = await hostedRoom();
    const long = watcher(room, key);
    const plain = watcher(room, key);
    await long.join();
    await plain.join();
    const held = long.get({ wait: 20 });
    await watchHeld(long);
    host.say("one");
    expect(messagesIn((await held).body.frames)).toEqual(["one"]);
    host.say("two");
    host.say("three");
    expect(messagesIn(await long.frames((f) => messagesIn(f).length === 2))).toEqual(["two", "three"]);
    expect(messagesIn(await plain.frames((f) => messagesIn(f).length === 3))).toEqual(["one", "two", "three"]);
  });

  it("may send nothing: a POST is answered not_host, and nothing is broadcast", async () => {
    const { room, key, host } = await hostedRoom();
    const w = watcher(room, key);
    await w.join();
    for (const frame of [{ type: "message", text: "hi", id: "w-1" }, { type: "clear" }, "not json"]) {
      const { status, body } = await w.send(frame);
      expect(status).toBe(200);
      expect(body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    }
    expect((await w.send({ type: "message", text: "hi", id: "w-2" })).body.frames[0]).toMatchObject({ id: "w-2" });
    host.say("barrier");
    expect((await host.message()).text).toBe("barrier");
    expect(messagesIn(await w.frames((f) => messagesIn(f).length === 1))).toEqual(["barrier"]);
  });

  it(`takes at most ${LIMITS.watchersMax} watchers per room across transports: the next is too_many_watchers`, async () => {
    const { room, key } = await hostedRoom();
    const sockets = [await join(room, "~projector", { host: key }), await join(room, "~watch", { host: key })];
    const lanes = [];
    for (let i = sockets.length; i < LIMITS.watchersMax; i++) {
      const w = watcher(room, key);
      await w.join();
      lanes.push(w);
    }
    const extra = await watcher(room, key).get();
    expect(extra.status).toBe(503);
    expect(extra.body).toMatchObject({ error: { code: "too_many_watchers" } });
    await expectRefused(await open(room, "~watch", { host: key }), "too_many_watchers", 4503);
    // A watcher already in keeps reading; one that leaves makes room.
    expect((await lanes[0]!.get()).status).toBe(200);
    await sockets[0]!.close();
    await vi.waitFor(async () => expect((await watcher(room, key).get()).status).toBe(200));
  });

  it("ends when the room's key changes: a held poll is answered host_key_invalid", async () => {
    const { room, key } = await hostedRoom();
    const w = watcher(room, key);
    await w.join();
    const held = w.get({ wait: 20 });
    await watchHeld(w);
    const res = await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(204);
    const answer = await held;
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: "host_key_invalid" } });
  });

  it("over Server-Sent Events (/sse/:room/~watch): a welcome event, then what everyone reads, counted among the 8", async () => {
    const { room, key, host } = await hostedRoom();
    const none = await new SseClient(room, "~watch", { host: "C".repeat(43) }).fetch();
    expect(none.status).toBe(403);
    expect(await none.json()).toMatchObject({ error: { code: "host_key_invalid" } });
    const sse = new SseClient(room, "~watch", { host: key });
    const stream = await sse.open();
    const welcome = (await stream.nextOf("welcome")) as WelcomeFrame;
    expect(welcome.users.map((u) => u.name)).toEqual(["Teacher"]);
    host.say("streamed");
    expect(await stream.nextOf("message")).toMatchObject({ text: "streamed" });
    expect(await users(room)).toEqual(["Teacher"]);
    // A reconnect from its last id resumes with no welcome.
    const lastId = stream.lastId;
    await stream.cancel();
    host.say("while away");
    const again = await sse.open({ lastEventId: lastId! });
    expect(await again.nextOf("message")).toMatchObject({ text: "while away" });
    expect(again.events.map((e) => e.frame.type)).not.toContain("welcome");
    // It holds a seat: seven more fill the room's watchers.
    for (let i = 1; i < LIMITS.watchersMax; i++) await watcher(room, key).join();
    const extra = await new SseClient(room, "~watch", { host: key }).fetch();
    expect(extra.status).toBe(503);
    expect(await extra.json()).toMatchObject({ error: { code: "too_many_watchers" } });
    // The room's key given up: the stream ends with host_key_invalid.
    await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(await again.nextOf("error")).toMatchObject({ code: "host_key_invalid" });
    await again.end();
  });
});
