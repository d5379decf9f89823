/**
 * @module
 * The waiting room (issue 18 item 2): a join a locked room refuses leaves a knock that the hosts
 * alone see, on either transport; the host lets that (session, name) in, and no other, or
 * refuses it (`knock_refused` for `REMOVE_MINUTES`). Knocks are bounded, renewed by retries,
 * lapse, spend no join token and write no storage. The waiting page's Cancel takes its own knock
 * back; a room given up while locked is unlocked (issue 18 review, items 1 and 7).
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Knock, KnocksFrame, ServerFrame } from "../../src/protocol";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, type TestClient, expectRefused, hostedRoom, join, open, session } from "../support/worker-client";

/** A locked room with its host on a socket. */
async function lockedRoom() {
  const hosted = await hostedRoom();
  hosted.host.send({ type: "lock", locked: true });
  await hosted.host.skipTo("settings");
  return hosted;
}

/** One knock (a join refused `room_locked`) on a socket. */
async function knock(room: string, name: string, s: string): Promise<void> {
  await expectRefused(await open(room, name, { session: s }), "room_locked", 4423);
}

/** A list as a test reads it: its first entries are taken to be there (a test fails on them if not). */
type List = Knock[] & { 0: Knock; 1: Knock };

/** The hosts' next list. */
async function nextKnocks(host: TestClient): Promise<List> {
  return (await host.skipTo("knocks")).knocks as List;
}

/** The hosts' lists, skipped through until one has `n` knocks. */
async function knocksOf(host: TestClient, n: number): Promise<List> {
  for (;;) {
    const list = await nextKnocks(host);
    if (list.length === n) return list;
  }
}

/** A message from the host that every reader gets after whatever came before it. */
async function barrier(host: TestClient, text: string): Promise<void> {
  host.say(text);
  await host.skipTo("message");
}

const knocksIn = (frames: ServerFrame[]) => frames.filter((f): f is KnocksFrame => f.type === "knocks");

async function ageKnocks(room: string, ms: number): Promise<void> {
  await runInDurableObject(roomStub(env, room), (r: ChatRoom) => ChatRoom.ageKnocksForTests(r, ms));
}

describe("a knock", () => {
  it("reaches the hosts on a socket and on HTTP, with a name and no session; never a member or the projector", async () => {
    const { room, key, host } = await hostedRoom();
    const aliSession = session();
    const ali = await join(room, "Ali", { session: aliSession });
    const watcher = await join(room, "~projector", { host: key });
    const polling = new PollClient(room, "Teacher2", { host: key });
    expect((await polling.join()).knocks).toEqual([]);
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    const s = session();
    await knock(room, "Sara", s);
    const [sara] = await nextKnocks(host);
    expect(sara).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), name: "Sara", at: expect.any(Number) });
    expect(JSON.stringify(host.frames)).not.toContain(s);
    const polled = await polling.frames((f) => knocksIn(f).length > 0);
    expect(knocksIn(polled)[0]?.knocks).toEqual([sara]);
    // A host's welcome carries the list; a member's does not.
    expect((await join(room, "Teacher3", { host: key })).welcome.knocks).toEqual([sara]);
    await barrier(host, "after the knock");
    await ali.skipTo("message");
    await watcher.skipTo("message");
    expect(knocksIn(ali.frames)).toEqual([]);
    expect(knocksIn(watcher.frames)).toEqual([]);
    await ali.close();
    await host.skipTo("presence");
    expect((await join(room, "Ali", { session: aliSession })).welcome.knocks).toBeUndefined();
    // No session: a plain refusal, and no knock.
    await expectRefused(await open(room, "NoSession"), "room_locked", 4423);
    await barrier(host, "after the sessionless join");
    expect(knocksIn(host.unread)).toEqual([]);
    expect(knocksIn(host.frames).at(-1)?.knocks).toEqual([sara]);
  });

  it("is one per (session, name): a retry renews it (same id), the same name from two sessions is two", async () => {
    const { room, host } = await lockedRoom();
    const one = session();
    const two = session();
    await knock(room, "Sara", one);
    const [first] = await nextKnocks(host);
    await knock(room, "Sara", one);
    // Over HTTP too: the same pair, the same knock.
    expect((await new PollClient(room, "Sara", { session: one }).get()).status).toBe(423);
    await knock(room, "Sara", two);
    const both = await nextKnocks(host);
    expect(both.map((k) => k.name)).toEqual(["Sara", "Sara"]);
    expect(both[0]).toEqual(first);
    expect(both[1].id).not.toBe(first.id);
    // The renewals changed nothing the hosts see: one list per new knock only.
    expect(knocksIn(host.frames)).toHaveLength(2);
    // One session under a new name: its knock is replaced, not added.
    await knock(room, "Sarah", one);
    expect((await nextKnocks(host)).map((k) => k.name).sort()).toEqual(["Sara", "Sarah"]);
  });

  it("keeps the newest 50", async () => {
    const { room, key, host } = await lockedRoom();
    // A host joining afterwards reads the list in its welcome.
    await host.close();
    for (let i = 0; i < 51; i++) await knock(room, `k${i}`, session());
    const list = (await join(room, "Teacher", { host: key })).welcome.knocks ?? [];
    expect(list).toHaveLength(50);
    expect(list.map((k) => k.name)).not.toContain("k0");
    expect(list.map((k) => k.name)).toContain("k50");
    expect(new Set(list.map((k) => k.id)).size).toBe(50);
  });

  it("floods no host: a burst of knocks is a few lists (at most one per 250 ms), the last one whole", async () => {
    const { room, host } = await lockedRoom();
    const started = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => knock(room, `k${i}`, session())));
    const elapsed = Date.now() - started;
    expect(await knocksOf(host, 40)).toHaveLength(40);
    const lists = knocksIn(host.frames).length;
    // One at once, then at most one per 250 ms while they came, and the held one after them.
    expect(lists).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 250));
    expect(lists).toBeLessThan(40);
  });

  it("lapses 20 s after its last retry, and the hosts get the new list then", async () => {
    const { room, host } = await lockedRoom();
    const s = session();
    await knock(room, "Sara", s);
    await knock(room, "Nima", session());
    await knocksOf(host, 2);
    await ageKnocks(room, 15_000);
    await knock(room, "Sara", s);
    await barrier(host, "15 s on");
    expect(knocksIn(host.unread)).toEqual([]);
    // 20 s after Nima's only knock, 5 s after Sara's retry: Nima's lapses.
    await ageKnocks(room, 5_000);
    expect((await nextKnocks(host)).map((k) => k.name)).toEqual(["Sara"]);
    await ageKnocks(room, 15_000);
    expect(await nextKnocks(host)).toEqual([]);
  });

  it("spends no join token, however often it retries", async () => {
    const { room, host } = await lockedRoom();
    const sessions = Array.from({ length: TEST_CONFIG.joinBurst + 5 }, () => session());
    // More new pairs than the burst, each knocking twice: all told `room_locked`, none `join_busy`.
    for (const s of sessions) await knock(room, `w${sessions.indexOf(s)}`, s);
    for (const s of sessions) await knock(room, `w${sessions.indexOf(s)}`, s);
    host.send({ type: "lock", locked: false });
    await host.skipTo("settings");
    // Unlocked, no one needs letting in: the hosts' list empties at once.
    expect(await nextKnocks(host)).toEqual([]);
    // The whole burst is still there: JOIN_BURST new pairs get in, one after the other.
    for (let i = 0; i < TEST_CONFIG.joinBurst; i++) {
      const c = await open(room, `n${i}`, { session: session() });
      expect((await c.next("a welcome")).type).toBe("welcome");
      await c.close();
    }
    // 70 joins one after the other: more than the default 5 s on a loaded machine.
  }, 20_000);

  it("writes no storage, on a socket or over HTTP", async () => {
    const { room, host } = await lockedRoom();
    const before = await storageOf(room);
    const s = session();
    await knock(room, "Sara", s);
    await knock(room, "Sara", s);
    expect((await new PollClient(room, "Nima").get()).status).toBe(423);
    expect((await nextKnocks(host)).length).toBeGreaterThan(0);
    expect(await storageOf(room)).toEqual(before);
  });
});

describe("the host's answers", () => {
  it("let in: that (session, name) gets in on its next retry, and no other", async () => {
    const { room, key, host } = await lockedRoom();
    const one = session();
    const two = session();
    await knock(room, "Sara", one);
    await knock(room, "Sara", two);
    const [first, second] = await knocksOf(host, 2);
    // A host on HTTP answers as well as one on a socket.
    const polling = new PollClient(room, "Teacher2", { host: key });
    expect((await polling.join()).knocks).toEqual([first, second]);
    expect((await polling.send({ type: "let_in", knock: first.id })).body.frames).toEqual([]);
    expect(await nextKnocks(host)).toEqual([second]);
    // Another session under that name, and the same session under another name: still waiting.
    await knock(room, "Sara", two);
    await knock(room, "Sara2", one);
    const sara = await join(room, "Sara", { session: one });
    expect(sara.welcome.settings.locked).toBe(true);
    // The same pair, once more, and over HTTP: it stays let in for this life of the room.
    await sara.close();
    expect((await new PollClient(room, "Sara", { session: one }).join()).you).toBe("Sara");
  });

  it("refuse: that pair is told knock_refused and knocks no more (stored, for REMOVE_MINUTES)", async () => {
    const { room, host } = await lockedRoom();
    const s = session();
    await knock(room, "Sara", s);
    const [sara] = await nextKnocks(host);
    host.send({ type: "refuse", knock: sara.id });
    expect(await nextKnocks(host)).toEqual([]);
    await expectRefused(await open(room, "Sara", { session: s }), "knock_refused", 4403);
    const polled = await new PollClient(room, "Sara", { session: s }).get();
    expect(polled).toMatchObject({ status: 403, body: { error: { code: "knock_refused" } } });
    await barrier(host, "after the refusal");
    expect(knocksIn(host.unread)).toEqual([]);
    // Another name of that session is another pair: it may knock.
    await knock(room, "Sara2", s);
    expect((await nextKnocks(host)).map((k) => k.name)).toEqual(["Sara2"]);
    // The refusal is the host's act: it is stored (a wake from hibernation still knows it), until REMOVE_MINUTES.
    const stored = (await storageOf(room)).rows.knock_refusals as { session: string; until: number }[];
    expect(stored.map((r) => r.session)).toEqual([s]);
    expect(stored[0]?.until).toBeGreaterThan(Date.now() + (TEST_CONFIG.removeMinutes - 1) * 60_000);
    expect(stored[0]?.until).toBeLessThanOrEqual(Date.now() + TEST_CONFIG.removeMinutes * 60_000);
    // And it ends then: the same pair knocks again.
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE knock_refusals SET until = ?", Date.now() - 1);
    });
    await knock(room, "Sara", s);
    expect((await nextKnocks(host)).map((k) => k.name).sort()).toEqual(["Sara"]);
  });

  it("is the host's alone (not_host), names a knock that is there (no_such_knock), and is well-formed (bad_frame)", async () => {
    const { room, host } = await hostedRoom();
    const aliSession = session();
    const ali = await join(room, "Ali", { session: aliSession });
    const pat = new PollClient(room, "Pat");
    await pat.join();
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    await knock(room, "Sara", session());
    const [sara] = await nextKnocks(host);
    ali.send({ type: "let_in", knock: sara.id });
    expect(await ali.skipTo("error")).toMatchObject({ code: "not_host" });
    expect((await pat.send({ type: "refuse", knock: sara.id })).body.frames).toMatchObject([{ code: "not_host" }]);
    host.send({ type: "let_in", knock: "made-up" });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_knock" });
    host.send({ type: "refuse" });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    host.send({ type: "let_in", knock: 7 });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
    // Answered once: a second answer names no knock.
    host.send({ type: "let_in", knock: sara.id });
    await nextKnocks(host);
    host.send({ type: "refuse", knock: sara.id });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_knock" });
    // A lapsed knock is gone too.
    await knock(room, "Nima", session());
    const [nima] = await nextKnocks(host);
    await ageKnocks(room, 20_000);
    expect(await nextKnocks(host)).toEqual([]);
    host.send({ type: "let_in", knock: nima.id });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_knock" });
  });
});

/** The waiting page's Cancel: `DELETE /api/rooms/:room/knock/:name?session=`, as the page sends it. */
function withdraw(room: string, name: string, query: string, headers: Record<string, string> = {}) {
  const url = `${ORIGIN}/api/rooms/${encodeURIComponent(room)}/knock/${encodeURIComponent(name)}${query}`;
  return SELF.fetch(url, { method: "DELETE", headers });
}

describe("a withdrawn knock (the waiting page's Cancel)", () => {
  it("goes from the hosts' list at once, on both transports; Let in then names no knock", async () => {
    const { room, key, host } = await lockedRoom();
    const polling = new PollClient(room, "Teacher2", { host: key });
    await polling.join();
    const s = session();
    await knock(room, "Sara", s);
    await knock(room, "Nima", session());
    const [sara] = await knocksOf(host, 2);
    const res = await withdraw(room, "Sara", `?session=${s}`);
    expect(res.status).toBe(204);
    expect((await nextKnocks(host)).map((k) => k.name)).toEqual(["Nima"]);
    const polled = await polling.frames((f) => knocksIn(f).some((k) => k.knocks.length === 1));
    expect(
      knocksIn(polled)
        .at(-1)
        ?.knocks.map((k) => k.name),
    ).toEqual(["Nima"]);
    host.send({ type: "let_in", knock: sara.id });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_knock" });
    // Nobody was let in: that pair is still locked out (and knocks anew).
    await knock(room, "Sara", s);
    expect((await nextKnocks(host)).map((k) => k.name)).toEqual(["Nima", "Sara"]);
  });

  it("is that (session, name)'s alone: another session or another name withdraws nothing (404 no_such_knock)", async () => {
    const { room, host } = await lockedRoom();
    const s = session();
    await knock(room, "Sara", s);
    await nextKnocks(host);
    for (const [name, query] of [
      ["Sara", `?session=${session()}`],
      ["Sarah", `?session=${s}`],
    ] as const) {
      const res = await withdraw(room, name, query);
      expect(res.status, `${name}${query}`).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "no_such_knock", message: expect.any(String) } });
    }
    await barrier(host, "after the wrong withdrawals");
    expect(knocksIn(host.unread)).toEqual([]);
    // The same name as the room folds it (case, spacing) is the same pair.
    expect((await withdraw(room, "sara", `?session=${s}`)).status).toBe(204);
    expect(await nextKnocks(host)).toEqual([]);
    expect((await withdraw(room, "Sara", `?session=${s}`)).status).toBe(404);
  });

  it("refuses bad input with a code, and other sites; writes no storage", async () => {
    const { room, host } = await lockedRoom();
    const s = session();
    await knock(room, "Sara", s);
    await nextKnocks(host);
    const cases: [string, string, string, Record<string, string>, number, string][] = [
      [room, "Sara", "", {}, 400, "bad_request"],
      [room, "Sara", "?session=no spaces", {}, 400, "bad_request"],
      [room, "~projector", `?session=${s}`, {}, 400, "invalid_name"],
      [room, "x".repeat(200), `?session=${s}`, {}, 400, "invalid_name"],
      ["bad room!", "Sara", `?session=${s}`, {}, 400, "invalid_room"],
      [room, "Sara", `?session=${s}`, { Origin: "https://evil.example" }, 403, "forbidden_origin"],
      [room, "Sara", `?session=${s}`, { "Sec-Fetch-Site": "cross-site" }, 403, "forbidden_origin"],
    ];
    for (const [r, name, query, headers, status, code] of cases) {
      const res = await withdraw(r, name, query, headers);
      expect(res.status, `${name}${query} ${JSON.stringify(headers)}`).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    }
    await barrier(host, "after the bad withdrawals");
    expect(knocksIn(host.unread)).toEqual([]);
    const before = await storageOf(room);
    expect((await withdraw(room, "Sara", `?session=${s}`, { Origin: ORIGIN })).status).toBe(204);
    expect(await nextKnocks(host)).toEqual([]);
    expect(await storageOf(room)).toEqual(before);
  });
});

describe("a locked room given up", () => {
  it("is unlocked for everyone: a new pair joins at once, and a waiting knock gets in on its retry", async () => {
    const { room, key, host } = await hostedRoom();
    const ali = await join(room, "Ali", { session: session() });
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    expect(await ali.skipTo("settings")).toMatchObject({ locked: true });
    const s = session();
    await knock(room, "Sara", s);
    await nextKnocks(host);
    const res = await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(204);
    for (const c of [host, ali])
      expect(await c.skipTo("settings")).toEqual({ type: "settings", slowSeconds: 0, locked: false });
    const late = await join(room, "Late", { session: session() });
    expect(late.welcome.settings.locked).toBe(false);
    // Sara's page, retrying: in.
    expect((await join(room, "Sara", { session: s })).welcome.you).toBe("Sara");
  });
});

/** Everything the room's storage holds (as storage.test.ts reads it): schema, rows, KV, alarm. */
async function storageOf(room: string) {
  return runInDurableObject(roomStub(env, room), async (_i, state) => {
    const { sql } = state.storage;
    const rows: Record<string, unknown[]> = {};
    const ours = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'";
    for (const { name } of sql.exec<{ name: string }>(ours)) rows[name] = sql.exec(`SELECT * FROM "${name}"`).toArray();
    return { rows, kv: [...(await state.storage.list()).keys()], alarm: await state.storage.getAlarm() };
  });
}
