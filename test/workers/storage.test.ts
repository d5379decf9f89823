/**
 * @module
 * What a room keeps, seen from inside its storage (`runInDurableObject`): nothing until someone
 * uses it (a join that gets in, a claim, a message). A read, a refused join and an expiry leave
 * no schema, no row and no alarm behind.
 */
import { SELF, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
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

const DAY_MS = 86_400_000;
const url = (room: string, path = "") => `${ORIGIN}/api/rooms/${encodeURIComponent(room)}${path}`;

/** Everything the room's storage holds: its SQLite schema and rows, its KV keys and its alarm. */
async function storageOf(room: string) {
  return runInDurableObject(roomStub(env, room), async (_i, state) => {
    const { sql } = state.storage;
    const schema = sql.exec<{ name: string }>("SELECT name FROM sqlite_master ORDER BY name").toArray();
    const rows: Record<string, unknown[]> = {};
    // The runtime's own `_cf_` tables (the alarm's) cannot be read; they are listed in `tables`.
    const ours = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'";
    for (const { name } of sql.exec<{ name: string }>(ours)) {
      rows[name] = sql.exec(`SELECT * FROM "${name}"`).toArray();
    }
    return {
      tables: schema.map((t) => t.name),
      rows,
      kv: [...(await state.storage.list()).keys()],
      alarm: await state.storage.getAlarm(),
    };
  });
}

const EMPTY = { tables: [], rows: {}, kv: [], alarm: null };

describe("a room nobody used keeps nothing", () => {
  it("after GET /api/rooms/:room", async () => {
    const room = uniqueRoom();
    const res = await SELF.fetch(url(room));
    expect(await res.json()).toEqual({ room, users: [], seq: 0 });
    expect(await storageOf(room)).toEqual(EMPTY);
  });

  it("after refused joins: a wrong host key on a socket and on a poll, a projector without a key", async () => {
    const room = uniqueRoom();
    await expectRefused(await open(room, "Teacher", { host: "D".repeat(43) }), "host_key_invalid", 4403);
    await expectRefused(await open(room, "~projector", { host: "D".repeat(43) }), "host_key_invalid", 4403);
    expect((await new PollClient(room, "Ali", { host: "D".repeat(43) }).get()).status).toBe(403);
    expect(await storageOf(room)).toEqual(EMPTY);
  });

  it("after a POST from no member, a give-up with a wrong key and a made-up host link", async () => {
    const room = uniqueRoom();
    expect((await new PollClient(room, "Stranger").send({ type: "message", text: "hi" })).status).toBe(409);
    const exchange = await SELF.fetch(url(room, "/host-links/exchange"), {
      method: "POST",
      headers: { Authorization: `Bearer ${"T".repeat(43)}` },
    });
    expect(exchange.status).toBe(410);
    const release = await SELF.fetch(url(room, "/host"), {
      method: "DELETE",
      headers: { Authorization: `Bearer ${"D".repeat(43)}` },
    });
    expect(release.status).toBe(403);
    expect(await storageOf(room)).toEqual(EMPTY);
  });

  it("until a join gets in: then it has its schema, its epoch and an alarm", async () => {
    const room = uniqueRoom();
    await SELF.fetch(url(room));
    const sara = await join(room, "Sara");
    const kept = await storageOf(room);
    expect(kept.tables).toContain("room");
    expect(kept.rows.room).toContainEqual({ key: "epoch", value: sara.welcome.epoch });
    expect(kept.alarm).not.toBeNull();
  });

  it("until a poller gets in, or a claim", async () => {
    const polled = uniqueRoom();
    const ali = await new PollClient(polled, "Ali").join();
    expect((await storageOf(polled)).rows.room).toContainEqual({ key: "epoch", value: ali.epoch });
    const claimed = uniqueRoom();
    await claimHost(claimed);
    expect((await storageOf(claimed)).tables).toContain("room");
  });
});

describe("a refused join in a used room", () => {
  it("writes nothing: no activity, no alarm moved (room_locked, removed)", async () => {
    const { room, host } = await hostedRoom();
    await join(room, "Ali");
    await host.presence();
    host.send({ type: "remove", name: "Ali" });
    await host.presence();
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    // The room's own time, moved back: a refusal that counted as activity would move it on.
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE room SET value = ? WHERE key = 'active_at'", String(Date.now() - DAY_MS));
    });
    const before = await storageOf(room);
    await expectRefused(await open(room, "Newcomer", { session: session() }), "room_locked", 4423);
    await expectRefused(await open(room, "Ali"), "removed", 4403);
    expect((await new PollClient(room, "Late").get()).status).toBe(423);
    expect(await storageOf(room)).toEqual(before);
  });
});

describe("an expired room", () => {
  /** A room with a claim, a message and a poller that left, aged past `ROOM_IDLE_DAYS`. */
  async function expiredRoom() {
    const room = uniqueRoom();
    await claimHost(room);
    const sara = await join(room, "Sara");
    sara.say("one");
    await sara.message();
    await sara.close();
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      const long = Date.now() - (TEST_CONFIG.roomIdleDays + 1) * DAY_MS;
      state.storage.sql.exec("UPDATE room SET value = ? WHERE key = 'active_at'", String(long));
    });
    return { room, epoch: sara.welcome.epoch };
  }

  it("is empty after its alarm, and stays so through reads, until someone joins: a new epoch", async () => {
    const { room, epoch } = await expiredRoom();
    expect(await runDurableObjectAlarm(roomStub(env, room))).toBe(true);
    expect(await storageOf(room)).toEqual(EMPTY);
    await SELF.fetch(url(room));
    await evictDurableObject(roomStub(env, room));
    expect(await storageOf(room)).toEqual(EMPTY);
    const fresh = await join(room, "Sara");
    expect(fresh.welcome.epoch).not.toBe(epoch);
    expect((await storageOf(room)).rows.room).toContainEqual({ key: "epoch", value: fresh.welcome.epoch });
  });

  it("is empty after a wake that finds it expired", async () => {
    const { room } = await expiredRoom();
    await evictDurableObject(roomStub(env, room));
    expect(await (await SELF.fetch(url(room))).json()).toMatchObject({ users: [], seq: 0 });
    expect(await storageOf(room)).toEqual(EMPTY);
  });
});
