/**
 * @module
 * A message carries its sender's role at the time, live and in history (a late join, a resume
 * after a reconnect, a poller's welcome), so the page can mark the host's; and a room's storage
 * from before the role was kept (or before the confusable-aware name key) still works.
 */
import { asMessage } from "../support/frame-queue";
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { hostedRoom, join, session } from "../support/worker-client";

describe("a message's role", () => {
  it("is the sender's: host or member, live and in the history after a reconnect", async () => {
    const { room, host } = await hostedRoom();
    const s = session();
    const sara = await join(room, "Sara", { session: s });
    await host.presence();
    host.say("from the teacher");
    expect(await sara.message()).toMatchObject({ seq: 1, from: "Teacher", role: "host" });
    sara.say("from a student");
    expect(await host.message()).toMatchObject({ seq: 1, role: "host" });
    expect(await host.message()).toMatchObject({ seq: 2, from: "Sara", role: "member" });
    await sara.close();

    const late = await join(room, "Ali");
    expect(late.welcome.history.map(asMessage).map((m) => [m.from, m.role])).toEqual([
      ["Teacher", "host"],
      ["Sara", "member"],
    ]);
    const back = await join(room, "Sara", { session: s, since: 0, epoch: late.welcome.epoch });
    expect(back.welcome.history.map(asMessage).map((m) => m.role)).toEqual(["host", "member"]);
    const poller = new PollClient(room, "Mina");
    expect((await poller.join()).history.map(asMessage).map((m) => m.role)).toEqual(["host", "member"]);
  });

  it("stays the one it was sent with", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara");
    await host.presence();
    sara.say("hello");
    expect(await sara.message()).toMatchObject({ role: "member" });
    // The teacher's later role changes nothing in what a student sent.
    host.say("hi");
    await sara.message();
    const late = await join(room, "Late");
    expect(late.welcome.history.map(asMessage).map((m) => [m.text, m.role])).toEqual([
      ["hello", "member"],
      ["hi", "host"],
    ]);
  });
});

describe("a room's storage from an older deploy", () => {
  it("gets the role column (old rows are members) and today's name keys (a resend is still recognised)", async () => {
    const { room, host } = await hostedRoom();
    const s = session();
    const sam = await join(room, "Sam", { session: s });
    await host.presence();
    host.say("old host message", "h-1");
    sam.say("old message", "s-1");
    await sam.message();
    await sam.message();
    // As an older deploy wrote them: no role column, the name key lower-cased ("sam", where
    // today's key is "sarn"), no mark of the new keys.
    const stub = roomStub(env, room);
    await runInDurableObject(stub, (_room, state) => {
      state.storage.sql.exec("ALTER TABLE messages DROP COLUMN role");
      state.storage.sql.exec("UPDATE messages SET name_key = lower(name)");
      state.storage.sql.exec("DELETE FROM history_marks WHERE mark = 'name_keys'");
    });
    await evictDurableObject(stub);

    const late = await join(room, "Late");
    expect(late.welcome.history.map(asMessage).map((m) => [m.text, m.role])).toEqual([
      ["old host message", "member"],
      ["old message", "member"],
    ]);
    await sam.presence();
    // The outbox's resend after the deploy: confirmed to the sender alone, not stored again.
    sam.say("old message", "s-1");
    expect(await sam.message()).toMatchObject({ seq: 2, text: "old message", id: "s-1" });
    host.say("new");
    expect(await late.message()).toMatchObject({ seq: 3, text: "new", role: "host" });
  });
});
