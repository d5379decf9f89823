import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { PollClient, messagesIn } from "../support/poll-client";
import { SseClient, type SseStream } from "../support/sse-client";
import { TEST_CONFIG } from "../support/test-vars";
import { hostedRoom, join, session, uniqueRoom } from "../support/worker-client";

const CURSOR = /^[A-Za-z0-9_-]{1,64}\.\d{1,15}$/;
const texts = (s: SseStream) => s.events.flatMap((e) => (e.frame.type === "message" ? [e.frame.text] : []));
const pending = (room: string, name: string) =>
  runInDurableObject(roomStub(env, room), (r: ChatRoom) => ChatRoom.ssePendingForTests(r, name));

describe("a member on Server-Sent Events", () => {
  it("joins with a stream: text/event-stream, a welcome first, then the room's frames, each with the poll cursor as its id", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new SseClient(room, "Ali");
    const stream = await ali.open();
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get("cache-control")).toBe("no-store");
    const welcome = await stream.nextOf("welcome");
    expect(welcome.transport).toBe("poll");
    expect(welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
    expect((await sara.presence()).joined.map((u) => u.name)).toEqual(["Ali"]);
    sara.say("hello Ali");
    expect((await stream.skipTo("message")).text).toBe("hello Ali");
    // Sending is a POST of the same member, as a poller's.
    expect((await ali.say("hi Sara", "a-1")).body).toEqual({ frames: [] });
    expect((await sara.messages(2)).map((m) => m.text)).toEqual(["hello Ali", "hi Sara"]);
    expect((await stream.skipTo("message")).text).toBe("hi Sara");
    const ids = stream.events.map((e) => e.id);
    for (const id of ids) expect(id).toMatch(CURSOR);
    // Every id is a later cursor than the one before it.
    const index = (id: string | undefined) => Number(id!.split(".")[1]);
    for (let i = 1; i < ids.length; i++) expect(index(ids[i])).toBeGreaterThan(index(ids[i - 1]));
    await stream.cancel();
  });

  for (const how of ["Last-Event-ID", "cursor"] as const) {
    it(`resumes by ${how} right after the event it names: no welcome, no gap, no duplicate, no presence change`, async () => {
      const room = uniqueRoom();
      const sara = await join(room, "Sara");
      const ali = new SseClient(room, "Ali");
      const first = await ali.join();
      await sara.presence();
      sara.say("one");
      expect((await first.skipTo("message")).text).toBe("one");
      const last = first.lastId!;
      await first.cancel();
      sara.say("two");
      sara.say("three");
      expect((await sara.messages(3)).map((m) => m.text)).toEqual(["one", "two", "three"]);
      const again = await ali.open(how === "cursor" ? { cursor: last } : { lastEventId: last, cursor: "stale.0" });
      await again.until("two messages", () => (texts(again).length >= 2 ? true : undefined));
      expect(again.events.map((e) => e.frame.type)).not.toContain("welcome");
      expect(texts(again)).toEqual(["two", "three"]);
      // The others saw Ali neither leave nor come back.
      sara.say("barrier");
      await sara.message();
      expect(sara.unread).toEqual([]);
      await again.until("the barrier", () => (texts(again).length === 3 ? true : undefined));
      await again.cancel();
    });
  }

  it("gives a cursor this room does not know (another life's, or a malformed one refused) a fresh welcome", async () => {
    const room = uniqueRoom();
    const ali = new SseClient(room, "Ali");
    (await ali.join()).cancel();
    const again = await ali.open({ lastEventId: "someotherlife.3" });
    expect((await again.next()).type).toBe("welcome");
    await again.cancel();
    expect(await ali.refused({ lastEventId: "not a cursor" })).toMatchObject({ status: 400, code: "bad_request" });
  });
});

describe("refusals, before the stream starts, as HTTP statuses", () => {
  it("name_taken 409, host_key_invalid 403, a foreign Origin or a cross-site fetch 403, all as JSON", async () => {
    const room = uniqueRoom();
    await join(room, "Sara");
    expect(await new SseClient(room, "sara").refused()).toEqual({
      status: 409,
      code: "name_taken",
      type: "application/json",
    });
    expect(await new SseClient(room, "Ali", { host: "D".repeat(43) }).refused()).toMatchObject({
      status: 403,
      code: "host_key_invalid",
    });
    const ali = new SseClient(room, "Ali");
    expect(await ali.refused({ headers: { Origin: "https://evil.example" } })).toMatchObject({
      status: 403,
      code: "forbidden_origin",
    });
    expect(await ali.refused({ headers: { "Sec-Fetch-Site": "cross-site" } })).toMatchObject({
      status: 403,
      code: "forbidden_origin",
    });
  });

  it("room_locked 423 for a newcomer; the host's key in Authorization makes a host stream", async () => {
    const { room, host, key } = await hostedRoom();
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    expect(await new SseClient(room, "Newcomer").refused()).toMatchObject({ status: 423, code: "room_locked" });
    const assistant = await new SseClient(room, "Assistant", { host: key }).open();
    expect((await assistant.nextOf("welcome")).role).toBe("host");
    await assistant.cancel();
  });
});

describe("the waiting room, on a stream", () => {
  it("a locked-out stream knocks (423 room_locked); let in, its next stream is welcomed", async () => {
    const { room, host } = await hostedRoom();
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    const sara = new SseClient(room, "Sara");
    expect(await sara.refused()).toMatchObject({ status: 423, code: "room_locked" });
    const knocks = await host.skipTo("knocks");
    expect(knocks.knocks.map((k) => k.name)).toEqual(["Sara"]);
    host.send({ type: "let_in", knock: knocks.knocks[0]!.id });
    await host.skipTo("knocks");
    const stream = await sara.join();
    expect((await host.skipTo("presence")).joined.map((u) => u.name)).toEqual(["Sara"]);
    await stream.cancel();
  });
});

describe("endings after the stream started: an error event, then the stream's end", () => {
  it("removal ends the stream (removed), and a new stream is refused 403", async () => {
    const { room, host } = await hostedRoom();
    const ali = new SseClient(room, "Ali");
    const stream = await ali.join();
    await host.presence();
    host.send({ type: "remove", name: "Ali" });
    expect((await host.presence()).left).toEqual(["Ali"]);
    expect(await stream.nextOf("error")).toMatchObject({ code: "removed" });
    await stream.end();
    expect(await ali.refused()).toMatchObject({ status: 403, code: "removed" });
  });

  it("a WebSocket of the same name and session takes the stream over (replaced), with no presence change", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new SseClient(room, "Ali");
    const stream = await ali.join();
    await sara.presence();
    const socket = await join(room, "Ali", { session: ali.session });
    expect(socket.welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
    expect(await stream.nextOf("error")).toMatchObject({ code: "replaced" });
    await stream.end();
    sara.say("barrier");
    expect((await socket.skipTo("message")).text).toBe("barrier");
    await sara.message();
    expect(sara.unread).toEqual([]);
  });

  it("a stream of a WebSocket member's name and session takes the socket over (4001)", async () => {
    const room = uniqueRoom();
    const s = session();
    const socket = await join(room, "Ali", { session: s });
    const stream = await new SseClient(room, "Ali", { session: s }).join();
    expect(await socket.error()).toMatchObject({ code: "replaced" });
    expect((await socket.closed).code).toBe(4001);
    await stream.cancel();
  });

  it("a stream and polls of the same name and session are one member: no presence change either way", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const s = session();
    const poller = new PollClient(room, "Ali", { session: s });
    await poller.join();
    await sara.presence();
    const stream = await new SseClient(room, "Ali", { session: s }).open();
    expect((await stream.nextOf("welcome")).users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
    sara.say("to both");
    expect((await stream.skipTo("message")).text).toBe("to both");
    expect(messagesIn(await poller.frames((f) => messagesIn(f).length === 1))).toEqual(["to both"]);
    await sara.message();
    expect(sara.unread).toEqual([]);
    await stream.cancel();
  });

  it("a second stream of the same member ends the first (a reconnect whose old connection never closed)", async () => {
    const room = uniqueRoom();
    const ali = new SseClient(room, "Ali");
    const first = await ali.join();
    const second = await ali.open({ lastEventId: first.lastId! });
    await first.end();
    await ali.say("still here");
    expect((await second.skipTo("message")).text).toBe("still here");
    await second.cancel();
  });
});

describe("what the room holds for a stream", () => {
  it("a reader that does not read: one write waits, nothing queues behind it, and the stream ends once the feed drops what it missed", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new SseClient(room, "Ali");
    const stuck = await ali.open({ read: false });
    await sara.presence();
    // Twice the feed's bound, from a few senders (each within its rate limit).
    const text = "x".repeat(1990);
    const others = [sara, await join(room, "Reza"), await join(room, "Mina"), await join(room, "Omid")];
    let most = 0;
    for (let i = 0; i < (2 * TEST_CONFIG.maxUnackedBytes) / text.length; i++) {
      const from = others[i % others.length]!;
      from.say(`${i} ${text}`);
      await from.skipTo("message");
      most = Math.max(most, (await pending(room, "Ali")) ?? 0);
    }
    // At most one write's worth (the welcome, or one flush's events), never the backlog.
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(4 * text.length);
    // Behind past the feed's bound: the room lets the stream go (its member may reconnect).
    await vi.waitFor(async () => expect(await pending(room, "Ali")).toBeNull(), { timeout: 3000, interval: 20 });
    await stuck.cancel();
  });

  it("a stream whose client went: its writes fail, the room keeps no stream, and its member leaves after POLL_TIMEOUT_SECONDS", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new SseClient(room, "Ali");
    const stream = await ali.join();
    await sara.presence();
    await stream.cancel();
    // The first write after the client went may still be taken (by a buffer on the way); a later one fails.
    await vi.waitFor(
      async () => {
        sara.say("anyone?");
        await sara.message();
        expect(await pending(room, "Ali")).toBeNull();
      },
      { timeout: 5000, interval: 250 },
    );
    const stub = roomStub(env, room);
    const timeoutMs = TEST_CONFIG.pollTimeoutSeconds * 1000;
    await runInDurableObject(stub, (r: ChatRoom) => ChatRoom.agePollersForTests(r, timeoutMs + 1000));
    await runDurableObjectAlarm(stub);
    expect((await sara.presence()).left).toEqual(["Ali"]);
  });

  it("a quiet stream that is read stays: its comment (every POLL_TIMEOUT_SECONDS / 3 here, 15 s when deployed) is a write", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const stream = await new SseClient(room, "Ali").join();
    await sara.presence();
    const stub = roomStub(env, room);
    await runInDurableObject(stub, (r: ChatRoom) =>
      ChatRoom.agePollersForTests(r, TEST_CONFIG.pollTimeoutSeconds * 1000 + 1000),
    );
    const before = stream.comments;
    await stream.until(
      "a comment",
      () => (stream.comments > before ? true : undefined),
      TEST_CONFIG.pollTimeoutSeconds * 1000,
    );
    await runDurableObjectAlarm(stub);
    sara.say("still there?");
    expect((await stream.skipTo("message")).text).toBe("still there?");
    await sara.message();
    expect(sara.unread).toEqual([]);
    await stream.cancel();
  });
});
