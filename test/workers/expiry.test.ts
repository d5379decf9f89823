import { asMessage } from "../support/frame-queue";
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { roomStub } from "../../src/room/chat-room";
import { TEST_CONFIG } from "../support/test-vars";
import { claimHost, expectRefused, join, open, uniqueRoom } from "../support/worker-client";

const DAY_MS = 86_400_000;

/** Makes the room look as if nothing happened in it for `days` (its stored activity time). */
async function age(room: string, days: number): Promise<void> {
  await runInDurableObject(roomStub(env, room), (_i, state) => {
    state.storage.sql.exec("UPDATE room SET value = ? WHERE key = 'active_at'", String(Date.now() - days * DAY_MS));
  });
}

/** A room with a host claim and two messages, then empty. */
async function usedRoom() {
  const room = uniqueRoom();
  const key = await claimHost(room);
  const sara = await join(room, "Sara");
  sara.say("one");
  sara.say("two");
  await sara.message();
  await sara.message();
  const epoch = sara.welcome.epoch;
  await sara.close();
  return { room, key, epoch };
}

describe("epoch", () => {
  it("stays the same for the life of the room's storage, and a resume with it resumes", async () => {
    const { room, epoch } = await usedRoom();
    const back = await join(room, "Back", { since: 1, epoch });
    expect(back.welcome.epoch).toBe(epoch);
    expect(back.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["two"]);
    expect(back.welcome.reset).toBeUndefined();
    // Without an epoch, `since` resumes as before.
    expect((await join(room, "Old", { since: 1 })).welcome.history.map(asMessage).map((m) => m.text)).toEqual(["two"]);
  });

  it("gives a resume from another epoch a fresh welcome: recent history and reset", async () => {
    const { room } = await usedRoom();
    const other = await join(room, "Other", { since: 2, epoch: "another-life" });
    expect(other.welcome.reset).toBe(true);
    expect(other.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["one", "two"]);
  });
});

describe("rooms that expire", () => {
  it("keeps the one alarm for the expiry while the room is empty, and forgets everything when it fires", async () => {
    const { room, key, epoch } = await usedRoom();
    const stub = roomStub(env, room);
    await age(room, TEST_CONFIG.roomIdleDays + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    const fresh = await join(room, "Sara");
    expect(fresh.welcome.epoch).not.toBe(epoch);
    expect(fresh.welcome.seq).toBe(0);
    expect(fresh.welcome.history).toEqual([]);
    // The old host key is gone with the rest; the room can be claimed again.
    await expectRefused(await open(room, "Teacher", { host: key }), "host_key_invalid", 4403);
    expect(await claimHost(room)).not.toBe(key);
    // A resume from the old life starts over.
    const old = await join(room, "Old", { since: 2, epoch });
    expect(old.welcome.reset).toBe(true);
    fresh.say("new life");
    expect((await fresh.skipTo("message")).seq).toBe(1);
  });

  it("does not expire a room used within ROOM_IDLE_DAYS", async () => {
    const { room, epoch } = await usedRoom();
    await age(room, TEST_CONFIG.roomIdleDays - 1);
    await runDurableObjectAlarm(roomStub(env, room));
    expect((await join(room, "Sara")).welcome).toMatchObject({ epoch, seq: 2 });
  });

  it("checks expiry on every wake, not only in the alarm", async () => {
    const { room, epoch } = await usedRoom();
    await age(room, TEST_CONFIG.roomIdleDays + 1);
    await evictDurableObject(roomStub(env, room));
    const fresh = await join(room, "Sara");
    expect(fresh.welcome.epoch).not.toBe(epoch);
    expect(fresh.welcome.seq).toBe(0);
  });

  it("counts a message, a join and a claim as activity", async () => {
    const room = uniqueRoom();
    const activeAt = () =>
      runInDurableObject(roomStub(env, room), (_i, state) =>
        Number(state.storage.sql.exec<{ value: string }>("SELECT value FROM room WHERE key = 'active_at'").one().value),
      );
    await claimHost(room);
    expect(Math.abs((await activeAt()) - Date.now())).toBeLessThan(60_000);
    await age(room, 3);
    const sara = await join(room, "Sara");
    expect(Math.abs((await activeAt()) - Date.now())).toBeLessThan(60_000);
    await age(room, 3);
    sara.say("hi");
    await sara.message();
    expect(Math.abs((await activeAt()) - Date.now())).toBeLessThan(60_000);
  });
});
