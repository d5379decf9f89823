import { SELF, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WelcomeFrame } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { PollClient, messagesIn, pollHeld } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, expectRefused, hostedRoom, join, open, session, uniqueRoom } from "../support/worker-client";

describe("a member on HTTP", () => {
  it("joins with a poll: a welcome (transport poll, the server's now), and everyone sees it arrive", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    const welcome = await ali.join();
    expect(welcome.transport).toBe("poll");
    expect(welcome.handshake).toBeUndefined();
    expect(Math.abs(welcome.now - Date.now())).toBeLessThan(60_000);
    expect(welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
    expect((await sara.presence()).joined.map((u) => u.name)).toEqual(["Ali"]);
    const snapshot = (await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: { name: string }[] };
    expect(snapshot.users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
  });

  it("talks with a WebSocket member both ways, with no gap and no duplicate", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await sara.presence();
    sara.say("hello Ali");
    expect(messagesIn(await ali.frames((f) => messagesIn(f).length === 1))).toEqual(["hello Ali"]);
    expect((await ali.send({ type: "message", text: "hi Sara", id: "a-1" })).body).toEqual({ frames: [] });
    expect((await sara.skipTo("message")).text).toBe("hello Ali");
    expect((await sara.skipTo("message")).text).toBe("hi Sara");
    // The poller gets its own message too, as a socket would.
    expect(messagesIn(await ali.frames((f) => messagesIn(f).length === 1))).toEqual(["hi Sara"]);
    // Nothing twice: the next poll is empty.
    expect((await ali.get()).body.frames).toEqual([]);
  });

  it("repeats what followed an older cursor the room still knows (a lost answer can be asked again)", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    const before = ali.cursor;
    sara.say("one");
    const first = await ali.frames((f) => messagesIn(f).length === 1);
    ali.cursor = before;
    const again = await ali.get();
    expect(messagesIn(again.body.frames)).toEqual(messagesIn(first));
  });

  it("answers at once with wait=0, and holds a long poll until a message arrives", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await ali.get(); // Ali's own arrival, if it was logged
    const quick = await ali.get({ wait: 0 });
    expect(quick).toEqual({ status: 200, body: { cursor: expect.any(String), frames: [] } });
    const started = Date.now();
    const held = ali.get({ wait: 20 });
    // The poll is held (no answer yet); a message answers it.
    await pollHeld(ali);
    sara.say("wake up");
    const answer = await held;
    expect(messagesIn(answer.body.frames)).toEqual(["wake up"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("gives an unknown cursor, or a member's poll without one, a fresh welcome with no presence change", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await sara.presence();
    sara.say("kept");
    await sara.message();
    ali.cursor = "someotherlife.3";
    const fresh = await ali.get({ since: 0 });
    expect(fresh.body.frames[0]).toMatchObject({ type: "welcome", transport: "poll" });
    expect(messagesIn((fresh.body.frames[0] as WelcomeFrame).history)).toEqual(["kept"]);
    ali.cursor = undefined;
    expect((await ali.get()).body.frames[0]).toMatchObject({ type: "welcome" });
    sara.say("barrier");
    await sara.message();
    expect(sara.unread).toEqual([]);
  });

  it("leaves when it has not polled for POLL_TIMEOUT_SECONDS (the room's one alarm sees to it)", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await sara.presence();
    const stub = roomStub(env, room);
    const timeoutMs = TEST_CONFIG.pollTimeoutSeconds * 1000;
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    // The pollers' timeout (10 s here), sooner than the sweep (30 s) and the expiry (days).
    expect(alarm).toBeGreaterThan(Date.now());
    expect(alarm).toBeLessThanOrEqual(Date.now() + timeoutMs + 1);
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec("UPDATE pollers SET answeredAt = ?", Date.now() - timeoutMs - 1000);
    });
    // The room reads its pollers once per wake: let it wake again (as after hibernation).
    await evictDurableObject(stub);
    await runDurableObjectAlarm(stub);
    expect((await sara.presence()).left).toEqual(["Ali"]);
    // Polling again joins again.
    ali.cursor = undefined;
    expect((await ali.join()).users.map((u) => u.name)).toEqual(["Sara", "Ali"]);
  });
});

describe("takeover across transports", () => {
  it("a WebSocket join with a poller's name and session takes over: its held poll and later polls get 409 replaced", async () => {
    const room = uniqueRoom();
    const watcher = await join(room, "Watcher");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await watcher.presence();
    const held = ali.get({ wait: 20 });
    await pollHeld(ali);
    const socket = await join(room, "Ali", { session: ali.session });
    expect(socket.welcome.users.map((u) => u.name)).toEqual(["Watcher", "Ali"]);
    const answer = await held;
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ error: { code: "replaced" } });
    expect((await ali.get()).status).toBe(409);
    // The others saw no change.
    watcher.say("barrier");
    await watcher.message();
    expect(watcher.unread).toEqual([]);
  });

  it("a poll without a cursor from a WebSocket member's name and session takes that socket over (4001)", async () => {
    const room = uniqueRoom();
    const s = session();
    const socket = await join(room, "Ali", { session: s });
    const ali = new PollClient(room, "Ali", { session: s });
    const welcome = await ali.join();
    expect(welcome.users.map((u) => u.name)).toEqual(["Ali"]);
    expect(await socket.error()).toMatchObject({ code: "replaced" });
    expect((await socket.closed).code).toBe(4001);
  });
});

describe("who gets a frame, across transports", () => {
  it("typing from a socket reaches the other sockets, not the typer and no poller; a poller's reaches every socket", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const omid = await join(room, "Omid");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    // Everyone has seen everyone arrive: what follows starts from here.
    sara.say("ready");
    await sara.skipTo("message");
    await omid.skipTo("message");
    await ali.frames((f) => messagesIn(f).includes("ready"));
    sara.send({ type: "typing" });
    expect(await omid.nextOf("typing")).toEqual({ type: "typing", from: "Sara" });
    expect((await ali.send({ type: "typing" })).body).toEqual({ frames: [] });
    sara.say("barrier");
    for (const socket of [sara, omid]) {
      expect(await socket.nextOf("typing")).toEqual({ type: "typing", from: "Ali" });
      expect(await socket.nextOf("message")).toMatchObject({ text: "barrier" });
      expect(socket.unread).toEqual([]);
    }
    const polled = await ali.frames((f) => messagesIn(f).includes("barrier"));
    expect(polled.filter((f) => f.type === "typing")).toEqual([]);
  });
});

describe("refusals and bad input on /poll/", () => {
  const status = async (room: string, name: string, query: string, init: RequestInit = {}) => {
    const res = await SELF.fetch(
      `${ORIGIN}/poll/${encodeURIComponent(room)}/${encodeURIComponent(name)}?${query}`,
      init,
    );
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  };

  it("refuses a foreign Origin first, then a missing or malformed session, cursor, since, epoch or wait", async () => {
    const room = uniqueRoom();
    const s = `session=${session()}`;
    expect(await status(room, "Ali", "cursor=bad", { headers: { Origin: "https://evil.example" } })).toEqual({
      status: 403,
      code: "forbidden_origin",
    });
    for (const q of ["", `${s}&cursor=bad`, `${s}&since=x`, `${s}&epoch=a%20b`, `${s}&wait=26`, `${s}&wait=-1`]) {
      expect(await status(room, "Ali", q), q).toEqual({ status: 400, code: "bad_request" });
    }
    expect(await status("a room", "Ali", s)).toEqual({ status: 400, code: "invalid_room" });
    expect(await status(room, " ", s)).toEqual({ status: 400, code: "invalid_name" });
  });

  it("gives the WebSocket's refusals as HTTP statuses: name_taken 409, room_full 503, host_key_invalid 403", async () => {
    const room = uniqueRoom();
    await join(room, "Sara");
    expect(await status(room, "sara", `session=${session()}&wait=0`)).toEqual({ status: 409, code: "name_taken" });
    const wrongKey = { headers: { Authorization: `Bearer ${"D".repeat(43)}` } };
    expect(await status(room, "Ali", `session=${session()}&wait=0`, wrongKey)).toEqual({
      status: 403,
      code: "host_key_invalid",
    });
    for (let i = 1; i < TEST_CONFIG.maxUsers; i++) await join(room, `u${i}`);
    expect(await status(room, "Late", `session=${session()}&wait=0`)).toEqual({ status: 503, code: "room_full" });
  });

  it("removed 403 and room_locked 423, and a removed poller's polls get 403", async () => {
    const { room, host } = await hostedRoom();
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await host.presence();
    host.send({ type: "remove", name: "Ali" });
    expect((await host.presence()).left).toEqual(["Ali"]);
    const after = await ali.get();
    expect(after.status).toBe(403);
    expect(after.body).toMatchObject({ error: { code: "removed" } });
    expect((await ali.send({ type: "message", text: "let me in" })).status).toBe(403);
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    expect(await status(room, "Newcomer", `session=${session()}&wait=0`)).toEqual({ status: 423, code: "room_locked" });
  });

  it("POST: not_joined 409 for a non-member, frame_too_large 413; bad input, not_host and rate_limited as frames", async () => {
    const room = uniqueRoom();
    const stranger = new PollClient(room, "Stranger");
    expect((await stranger.send({ type: "message", text: "hi" })).status).toBe(409);
    const ali = new PollClient(room, "Ali");
    await ali.join();
    expect((await ali.send("{not json")).body.frames).toMatchObject([{ type: "error", code: "bad_json" }]);
    expect((await ali.send({ type: "message", text: " ", id: "e-1" })).body.frames).toMatchObject([
      { type: "error", code: "empty_text", id: "e-1" },
    ]);
    expect(await ali.send({ type: "message", text: "x".repeat(17_000) })).toMatchObject({
      status: 413,
      body: { error: { code: "frame_too_large" } },
    });
    expect((await ali.send({ type: "clear" })).body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    // Twice the burst at once: one after the other, a loaded machine refilled tokens between them.
    const answers = await Promise.all(
      Array.from({ length: 2 * TEST_CONFIG.rateBurst }, (_, i) => ali.send({ type: "message", text: `m${i}` })),
    );
    expect(answers.flatMap((a) => a.body.frames)).toContainEqual(expect.objectContaining({ code: "rate_limited" }));
  });

  it("a host polling with its key (Authorization: Bearer) moderates over HTTP", async () => {
    const { room, key } = await hostedRoom();
    const sara = await join(room, "Sara");
    const teacher2 = new PollClient(room, "Assistant", { host: key });
    expect((await teacher2.join()).role).toBe("host");
    await sara.skipTo("presence");
    expect((await teacher2.send({ type: "lock", locked: true })).body.frames).toEqual([]);
    expect(await sara.skipTo("settings")).toMatchObject({ locked: true });
  });

  it("refuses the key in the URL (?host=) with 400 bad_request, and a malformed Authorization too", async () => {
    const { room, key } = await hostedRoom();
    const s = `session=${session()}&wait=0`;
    // The right key, in the wrong place: every proxy log and history would keep it.
    expect(await status(room, "Assistant", `${s}&host=${key}`)).toEqual({ status: 400, code: "bad_request" });
    expect(await status(room, "Assistant", `${s}&host=${key}`, { method: "POST", body: "{}" })).toEqual({
      status: 400,
      code: "bad_request",
    });
    for (const authorization of [key, `Bearer ${key.slice(0, 10)}`, `Basic ${key}`, "Bearer "]) {
      expect(await status(room, "Assistant", s, { headers: { Authorization: authorization } }), authorization).toEqual({
        status: 400,
        code: "bad_request",
      });
    }
    // The same key as a header makes the host; nobody joined on the refused requests.
    const ok = await status(room, "Assistant", s, { headers: { Authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
  });
});

describe("GET /ws-probe", () => {
  it("upgrades and closes at once with 1000, joining no room", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws-probe`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
    ws.accept();
    expect(await closed).toBe(1000);
    expect((await SELF.fetch(`${ORIGIN}/ws-probe`)).status).toBe(426);
  });

  it("is refused cross-site like the upgrade", async () => {
    const res = await SELF.fetch(`${ORIGIN}/ws-probe`, {
      headers: { Upgrade: "websocket", Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
  });
});

describe("refused joins over the WebSocket still work as before", () => {
  it("name_taken by a poller", async () => {
    const room = uniqueRoom();
    await new PollClient(room, "Ali").join();
    await expectRefused(await open(room, "ali"), "name_taken", 4409);
  });
});
