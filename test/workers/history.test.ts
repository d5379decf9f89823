import { asMessage } from "../support/frame-queue";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CLOSE_HEARTBEAT, LIMITS } from "../../src/protocol";
import { backdateConnections, join, uniqueRoom, type TestClient } from "../support/worker-client";
import { roomStub } from "../../src/room/chat-room";
import { TEST_CONFIG } from "../support/test-vars";

const { historyOnJoin, historyLimit } = TEST_CONFIG;
const stubOf = (room: string) => roomStub(env, room);

/** Sends `count` messages through as many speakers as the rate limit needs; returns them. */
async function fill(room: string, count: number, listener: TestClient) {
  const speakers: TestClient[] = [];
  for (let i = 0; i < Math.ceil(count / 10); i++) {
    speakers.push(await join(room, `speaker${i}`));
    await listener.presence();
  }
  for (let i = 0; i < count; i++) speakers[Math.floor(i / 10)]!.say(`msg ${i + 1}`);
  const got = [];
  for (let i = 0; i < count; i++) got.push(await listener.message());
  return got;
}

describe("history", () => {
  it("gives a late joiner the last HISTORY_ON_JOIN messages, oldest first", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const sent = historyOnJoin + 2;
    for (let i = 1; i <= sent; i++) sara.say(`m${i}`);
    for (let i = 1; i <= sent; i++) await sara.message();
    const late = await join(room, "Late");
    expect(late.welcome.seq).toBe(sent);
    const newest = Array.from({ length: historyOnJoin }, (_, i) => sent - historyOnJoin + 1 + i);
    expect(late.welcome.history.map(asMessage).map((m) => [m.seq, m.text, m.from])).toEqual(
      newest.map((n) => [n, `m${n}`, "Sara"]),
    );
    expect(late.welcome.gap).toBeUndefined();
  });

  it("keeps only the last HISTORY_LIMIT messages, and seq keeps counting", async () => {
    const room = uniqueRoom();
    const listener = await join(room, "Listener");
    const sent = historyLimit + 10;
    await fill(room, sent, listener);
    const resume = await join(room, "Resumer", { since: 0 });
    expect(resume.welcome.seq).toBe(sent);
    expect(resume.welcome.history.map(asMessage).map((m) => m.seq)).toEqual(
      Array.from({ length: historyLimit }, (_, i) => i + sent - historyLimit + 1),
    );
    expect(resume.welcome.gap).toBe(true);
  });

  it("resumes with since: the kept messages after it, no gap", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara", { session: "session-1" });
    for (let i = 1; i <= 8; i++) sara.say(`m${i}`);
    for (let i = 1; i <= 8; i++) await sara.message();
    const back = await join(room, "Ali", { since: 2 });
    expect(back.welcome.history.map(asMessage).map((m) => m.seq)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(back.welcome.gap).toBeUndefined();
  });

  it("gives nothing for a since at or above the room's seq", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    sara.say("one");
    await sara.message();
    expect((await join(room, "A", { since: 1 })).welcome).toMatchObject({ history: [], seq: 1 });
    const ahead = await join(room, "B", { since: 999 });
    expect(ahead.welcome).toMatchObject({ history: [], seq: 1 });
    expect(ahead.welcome.gap).toBeUndefined();
  });

  it("sends at most 500 on resume, the newest, with gap when more were kept", async () => {
    const room = uniqueRoom();
    const stub = stubOf(room);
    await join(room, "Sara");
    // More kept messages than a resume may carry: written straight into this room's storage
    // (more than the room keeps here), then the room is evicted so it reads them back.
    await runInDurableObject(stub, (_i, state) => {
      for (let seq = 1; seq <= 600; seq++) {
        state.storage.sql.exec(
          "INSERT INTO messages (seq, ts, name, name_key, text) VALUES (?, ?, 'x', 'x', ?)",
          seq,
          Date.now(),
          `t${seq}`,
        );
      }
    });
    await evictDurableObject(stub);
    const back = await join(room, "Ali", { since: 50 });
    expect(back.welcome.seq).toBe(600);
    expect(back.welcome.history).toHaveLength(LIMITS.resumeMaxMessages);
    expect(back.welcome.history[0]!.seq).toBe(101);
    expect(back.welcome.history.at(-1)!.seq).toBe(600);
    expect(back.welcome.gap).toBe(true);
  });
});

describe("eviction and hibernation", () => {
  it("keeps presence, history and seq when the room is evicted with sockets connected", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara", { session: "sara-session" });
    const ali = await join(room, "Ali");
    await sara.presence();
    sara.say("before");
    await ali.message();
    await sara.message();

    await evictDurableObject(stubOf(room));

    // Fresh instance, same sockets: messages still flow, seq continues.
    ali.say("after");
    expect(await sara.message()).toMatchObject({ seq: 2, from: "Ali", text: "after" });
    expect(await ali.message()).toMatchObject({ seq: 2 });
    // The user list comes from the sockets' attachments.
    const late = await join(room, "Mina");
    expect(late.welcome.users.map((u) => u.name)).toEqual(["Sara", "Ali", "Mina"]);
    expect(late.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["before", "after"]);
    expect((await sara.presence()).joined.map((u) => u.name)).toEqual(["Mina"]);
    expect((await ali.presence()).joined.map((u) => u.name)).toEqual(["Mina"]);
    // The name is still held after the wake-up; the same session still takes it over.
    const again = await join(room, "Sara", { session: "sara-session" });
    expect(again.welcome.users).toHaveLength(3);
    expect((await sara.error()).code).toBe("replaced");
    // And a leave after eviction still reaches the others.
    await evictDurableObject(stubOf(room));
    await late.close();
    expect(await ali.next()).toEqual({ type: "presence", joined: [], left: ["Mina"] });
  });
});

describe("heartbeat alarm", () => {
  it("is set while sockets remain, closes dead sockets and frees their names", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    await sara.presence();
    ali.send("ping");
    await ali.textCount(1);
    await backdateConnections(room, "Sara", LIMITS.heartbeatTimeoutMs + 1000);
    await backdateConnections(room, "Ali", LIMITS.heartbeatTimeoutMs + 1000);

    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    // Sara never pinged and is dead; Ali pinged just now, so only his connect time is old.
    expect(await sara.error()).toMatchObject({ code: "heartbeat_timeout" });
    expect(await sara.closed).toEqual({ code: CLOSE_HEARTBEAT, reason: "heartbeat_timeout" });
    expect(await ali.presence()).toEqual({ type: "presence", joined: [], left: ["Sara"] });
    // Still a socket in the room, so the alarm is the next sweep (30 s), not the expiry (days).
    const sweep = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(sweep).toBeGreaterThan(Date.now());
    expect(sweep).toBeLessThanOrEqual(Date.now() + 30_000);
    const back = await join(room, "Sara");
    expect(back.welcome.users.map((u) => u.name)).toEqual(["Ali", "Sara"]);
  });

  it("stops sweeping once the room is empty: the one alarm waits for the room's expiry", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    await sara.close();
    const before = Date.now();
    expect(await runDurableObjectAlarm(stubOf(room))).toBe(true);
    const at = await runInDurableObject(stubOf(room), (_i, state) => state.storage.getAlarm());
    expect(at).toBeGreaterThan(before + (TEST_CONFIG.roomIdleDays * 86_400_000) / 2);
    expect(at).toBeLessThanOrEqual(Date.now() + TEST_CONFIG.roomIdleDays * 86_400_000);
  });
});
