/**
 * @module
 * Issue 18, items 4 and 5: a host's delete can be undone (`undelete`) for `LIMITS.undoMs`, on
 * every transport and across a resume and a restart; the host pins one message (`pin`/`unpin`),
 * which every welcome carries whole.
 */
import { asMessage } from "../support/frame-queue";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { hostedRoom, join, said, session } from "../support/worker-client";

/** A hosted room with Sara in it and three messages of hers. */
async function roomWithThree() {
  const { room, key, host } = await hostedRoom();
  const sara = await join(room, "Sara", { session: session() });
  await host.presence();
  const sent = await said(sara, ["one", "two", "three"], [sara, host]);
  return { room, key, host, sara, sent };
}

/** The texts the room keeps in SQLite, anywhere (messages, and deleted ones waiting for an undo). */
const storedTexts = (room: string) =>
  runInDurableObject(roomStub(env, room), (_i, state) => [
    ...state.storage.sql.exec<{ text: string }>("SELECT text FROM messages").toArray(),
    ...state.storage.sql.exec<{ text: string }>("SELECT text FROM undoable").toArray(),
  ]).then((rows) => rows.map((r) => r.text).sort());

/** Time passes for the undo window (the room's clock is real: move the stored deadline instead). */
const windowEnds = (room: string) =>
  runInDurableObject(roomStub(env, room), (_i, state) => {
    state.storage.sql.exec("UPDATE undoable SET until = ?", Date.now() - 1);
  });

describe("undelete", () => {
  it("brings the message back for everyone (socket and poll) under its own seq, and resends confirm it", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    const poller = new PollClient(room, "Omid");
    await poller.join();
    const two = sent[1]!;
    host.send({ type: "delete", seq: two.seq });
    await sara.skipTo("deleted");
    host.send({ type: "undelete", seq: two.seq });
    const back = { type: "restored", message: two };
    expect(await host.skipTo("restored")).toEqual(back);
    expect(await sara.skipTo("restored")).toEqual(back);
    const frames = await poller.frames((f) => f.some((x) => x.type === "restored"));
    expect(frames.find((f) => f.type === "restored")).toEqual(back);
    // Kept again at its place: a new join's history has it, and a resend of its id is the message.
    expect((await join(room, "Late")).welcome.history.map(asMessage).map((m) => m.text)).toEqual([
      "one",
      "two",
      "three",
    ]);
    sara.say("two", two.id);
    expect(await sara.skipTo("message")).toEqual(two);
    // The next message still continues the seq.
    const [next] = await said(sara, ["four"], [sara]);
    expect(next!.seq).toBe(sent[2]!.seq + 1);
  });

  it("after the window: undo_expired, and the text is gone from storage (the alarm purges it)", async () => {
    const { room, host, sent } = await roomWithThree();
    const stub = roomStub(env, room);
    host.send({ type: "delete", seq: sent[0]!.seq });
    await host.skipTo("deleted");
    expect(await storedTexts(room)).toEqual(["one", "three", "two"]);
    // The room's one alarm is set for the end of the window at the latest.
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm! - Date.now()).toBeLessThanOrEqual(LIMITS.undoMs);
    await windowEnds(room);
    await runDurableObjectAlarm(stub);
    expect(await storedTexts(room)).toEqual(["three", "two"]);
    host.send({ type: "undelete", seq: sent[0]!.seq });
    expect(await host.skipTo("error")).toMatchObject({ code: "undo_expired" });
    // Never deleted, or not a message at all: the same answer.
    host.send({ type: "undelete", seq: sent[1]!.seq });
    expect(await host.skipTo("error")).toMatchObject({ code: "undo_expired" });
    host.send({ type: "undelete", seq: 999 });
    expect(await host.skipTo("error")).toMatchObject({ code: "undo_expired" });
  });

  it("purges a passed window on the next write too, without the alarm", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    host.send({ type: "delete", seq: sent[0]!.seq });
    await host.skipTo("deleted");
    await windowEnds(room);
    await said(sara, ["four"], [sara]);
    expect(await storedTexts(room)).toEqual(["four", "three", "two"]);
  });

  it("survives a restart of the room within the window", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    host.send({ type: "delete", seq: sent[1]!.seq });
    await sara.skipTo("deleted");
    await evictDurableObject(roomStub(env, room));
    host.send({ type: "undelete", seq: sent[1]!.seq });
    expect(await sara.skipTo("restored")).toEqual({ type: "restored", message: sent[1] });
  });

  it("gives a resume from before the undo the message back at its place; a later one sees nothing", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    const [, two, three] = sent;
    host.send({ type: "delete", seq: two!.seq });
    await sara.skipTo("deleted");
    // Omid saw the delete, then was away for the undo.
    const omid = await join(room, "Omid", { since: three!.seq });
    expect(omid.welcome.deleted).toEqual([two!.seq]);
    await omid.close();
    host.send({ type: "undelete", seq: two!.seq });
    await sara.skipTo("restored");
    const back = await join(room, "Omid", { since: three!.seq });
    expect(back.welcome.restored).toEqual([two]);
    expect(back.welcome.deleted).toBeUndefined();
    expect(back.welcome.history).toEqual([]);
    // From before the message: it comes in the history as any other.
    const early = await join(room, "Early", { since: 1 });
    expect(early.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["two", "three"]);
    expect(early.welcome.restored).toBeUndefined();
    // After the undo (a message since): nothing to redo.
    await said(sara, ["four"], [sara]);
    const later = await join(room, "Later", { since: three!.seq + 1 });
    expect(later.welcome.restored).toBeUndefined();
    // On HTTP alike.
    const poller = new PollClient(room, "Poller");
    expect((await poller.join({ since: three!.seq })).restored).toEqual([two]);
  });

  it("is a host frame: not_host for a member; a bad seq is bad_frame; a clear ends every undo", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    host.send({ type: "delete", seq: sent[0]!.seq });
    await sara.skipTo("deleted");
    sara.send({ type: "undelete", seq: sent[0]!.seq });
    expect(await sara.skipTo("error")).toMatchObject({ code: "not_host" });
    host.send({ type: "undelete", seq: "1" });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    host.send({ type: "undelete" });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    host.send({ type: "clear" });
    await host.skipTo("cleared");
    expect(await storedTexts(room)).toEqual([]);
    host.send({ type: "undelete", seq: sent[0]!.seq });
    expect(await host.skipTo("error")).toMatchObject({ code: "undo_expired" });
  });
});

describe("pin", () => {
  it("tells everyone, a second pin replaces the first, unpin tells null; welcomes carry it", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    const poller = new PollClient(room, "Omid");
    await poller.join();
    host.send({ type: "pin", seq: sent[0]!.seq });
    expect(await sara.skipTo("pinned")).toEqual({ type: "pinned", message: sent[0] });
    expect(await host.skipTo("pinned")).toEqual({ type: "pinned", message: sent[0] });
    const frames = await poller.frames((f) => f.some((x) => x.type === "pinned"));
    expect(frames.find((f) => f.type === "pinned")).toEqual({ type: "pinned", message: sent[0] });
    host.send({ type: "pin", seq: sent[2]!.seq });
    expect(await sara.skipTo("pinned")).toEqual({ type: "pinned", message: sent[2] });
    expect((await join(room, "Late")).welcome.pinned).toEqual(sent[2]);
    host.send({ type: "unpin" });
    expect(await sara.skipTo("pinned")).toEqual({ type: "pinned", message: null });
    expect((await join(room, "Later")).welcome.pinned).toBeUndefined();
  });

  it("comes whole in every welcome, a resume's too, even older than the history it sends", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    host.send({ type: "pin", seq: sent[0]!.seq });
    await sara.skipTo("pinned");
    const more = Array.from({ length: TEST_CONFIG.historyOnJoin + 1 }, (_, i) => `more ${i}`);
    const after = await said(sara, more, [sara]);
    const fresh = await join(room, "Fresh");
    expect(fresh.welcome.history.map(asMessage).map((m) => m.seq)).not.toContain(sent[0]!.seq);
    expect(fresh.welcome.pinned).toEqual(sent[0]);
    const resumed = await join(room, "Resumed", { since: after.at(-1)!.seq });
    expect(resumed.welcome.pinned).toEqual(sent[0]);
    // Stored in the room's state: a restart keeps it.
    await evictDurableObject(roomStub(env, room));
    expect((await join(room, "Restarted")).welcome.pinned).toEqual(sent[0]);
  });

  it("goes when its message is deleted (and comes back with the undo) or the room is cleared", async () => {
    const { room, host, sara, sent } = await roomWithThree();
    host.send({ type: "pin", seq: sent[1]!.seq });
    await sara.skipTo("pinned");
    // Deleting another message leaves the pin.
    host.send({ type: "delete", seq: sent[0]!.seq });
    expect(await sara.skipTo("deleted")).toEqual({ type: "deleted", seq: sent[0]!.seq });
    host.send({ type: "delete", seq: sent[1]!.seq });
    await sara.skipTo("deleted");
    expect(await sara.next()).toEqual({ type: "pinned", message: null });
    expect((await join(room, "Late")).welcome.pinned).toBeUndefined();
    host.send({ type: "undelete", seq: sent[1]!.seq });
    await sara.skipTo("restored");
    expect(await sara.next()).toEqual({ type: "pinned", message: sent[1] });
    host.send({ type: "clear" });
    await sara.skipTo("cleared");
    expect(await sara.next()).toEqual({ type: "pinned", message: null });
    expect((await join(room, "Later")).welcome.pinned).toBeUndefined();
  });

  it("is a host frame: not_host for a member, no_such_message for a seq not kept, bad frames coded", async () => {
    const { host, sara, sent } = await roomWithThree();
    sara.send({ type: "pin", seq: sent[0]!.seq });
    expect(await sara.skipTo("error")).toMatchObject({ code: "not_host" });
    sara.send({ type: "unpin" });
    expect(await sara.skipTo("error")).toMatchObject({ code: "not_host" });
    host.send({ type: "pin", seq: 999 });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_message" });
    host.send({ type: "delete", seq: sent[0]!.seq });
    await host.skipTo("deleted");
    host.send({ type: "pin", seq: sent[0]!.seq });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_message" });
    host.send({ type: "pin", seq: -1 });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    host.send({ type: "pin" });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    // Nothing of these reached Sara.
    sara.say("barrier");
    expect((await sara.skipTo("message")).text).toBe("barrier");
    expect(sara.unread).toEqual([]);
  });
});
