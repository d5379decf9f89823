/**
 * @module
 * Removals you can undo (issue 18, item 3): the hosts alone are told who is removed and until
 * when (`removals`, and in a host's welcome), on a socket and on HTTP; `let_back_in` lifts a
 * removal at once, for the name and the sessions removed with it under their other names; the
 * coded refusals; the list's bound; and the list is storage (it survives the room's restart, and
 * a room's rows from before removal ids still work).
 */
import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS, type ServerFrame } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { nameKey } from "../../src/room/name-key";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { type TestClient, expectRefused, hostedRoom, join, open, session } from "../support/worker-client";

const REMOVE_MS = TEST_CONFIG.removeMinutes * 60_000;
const names = (frame: { removals: { name: string }[] }) => frame.removals.map((r) => r.name);
const removalsIn = (frames: ServerFrame[]) => frames.filter((f) => f.type === "removals");

/** The host says something; once `c` has it, everything sent before it has reached `c` too. */
async function barrier(host: TestClient, clients: TestClient[], text: string): Promise<void> {
  host.say(text);
  for (const c of clients) while ((await c.skipTo("message")).text !== text);
}

describe("the list of removed people", () => {
  it("goes to the hosts alone, on a socket and on HTTP, never to a member or the projector", async () => {
    const { room, key, host } = await hostedRoom();
    const pollHost = new PollClient(room, "Teacher phone", { host: key });
    expect((await pollHost.join()).removals).toEqual([]);
    const watcher = await join(room, "~projector", { host: key });
    expect(watcher.welcome.removals).toBeUndefined();
    const sara = await join(room, "Sara", { session: session() });
    expect(sara.welcome.removals).toBeUndefined();
    const pollSam = new PollClient(room, "Sam");
    await pollSam.join();
    await join(room, "Nima", { session: session() });
    await host.skipTo("presence");

    const before = Date.now();
    host.send({ type: "remove", name: "nima" });
    const told = await host.skipTo("removals");
    // The name as it was shown, not as the host typed it.
    expect(names(told)).toEqual(["Nima"]);
    expect(told.removals[0]!.until).toBeGreaterThanOrEqual(before + REMOVE_MS);
    expect(told.removals[0]!.until).toBeLessThanOrEqual(Date.now() + REMOVE_MS);
    expect(removalsIn(await pollHost.frames((f) => removalsIn(f).length > 0))).toEqual([told]);

    await barrier(host, [sara, watcher], "after the removal");
    expect(removalsIn(sara.frames)).toEqual([]);
    expect(removalsIn(watcher.frames)).toEqual([]);
    const samSaw = await pollSam.frames((f) => f.some((x) => x.type === "message" && x.text === "after the removal"));
    expect(removalsIn(samSaw)).toEqual([]);

    // A host who joins later finds the list in its welcome; a member does not.
    expect((await join(room, "Teacher tablet", { host: key })).welcome.removals).toEqual(told.removals);
    expect((await join(room, "Late")).welcome.removals).toBeUndefined();
  });
});

describe("let back in", () => {
  it("lifts the removal at once, for the name and its sessions' other names, and the hosts see the list", async () => {
    const { room, host } = await hostedRoom();
    const s = session();
    await join(room, "Nima", { session: s });
    const other = new PollClient(room, "Nima2", { session: s });
    await other.join();
    await join(room, "Ali", { session: session() });
    await host.skipTo("presence");

    host.send({ type: "remove", name: "Nima" });
    expect(names(await host.skipTo("removals")).sort()).toEqual(["Nima", "Nima2"]);
    host.send({ type: "remove", name: "Ali" });
    expect(names(await host.skipTo("removals")).sort()).toEqual(["Ali", "Nima", "Nima2"]);
    await expectRefused(await open(room, "Nima"), "removed", 4403);

    // Let back in by either name lifts that one removal whole, and no other.
    host.send({ type: "let_back_in", name: "nima2" });
    expect(names(await host.skipTo("removals"))).toEqual(["Ali"]);
    expect((await join(room, "Nima", { session: s })).welcome.you).toBe("Nima");
    expect((await new PollClient(room, "Nima3", { session: s }).join()).you).toBe("Nima3");
    await expectRefused(await open(room, "Ali"), "removed", 4403);

    // Lifted: asking again is no_such_removal, as for a name never removed.
    host.send({ type: "let_back_in", name: "Nima" });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_removal" });
    host.send({ type: "let_back_in", name: "Nobody" });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_removal" });
    host.send({ type: "let_back_in", name: "" });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_removal" });
    host.send({ type: "let_back_in", name: 5 });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
  });

  it("is no_such_removal once the removal lapsed, and not_host from a member, on either transport", async () => {
    const { room, host } = await hostedRoom();
    await join(room, "Nima");
    const sara = await join(room, "Sara");
    await host.skipTo("presence");
    host.send({ type: "remove", name: "Nima" });
    await host.skipTo("removals");

    sara.send({ type: "let_back_in", name: "Nima" });
    expect(await sara.skipTo("error")).toMatchObject({ code: "not_host" });
    const pat = new PollClient(room, "Pat");
    await pat.join();
    expect((await pat.send({ type: "let_back_in", name: "Nima" })).body.frames).toMatchObject([
      { type: "error", code: "not_host" },
    ]);
    await expectRefused(await open(room, "Nima"), "removed", 4403);

    // Time passes (move the stored bound instead of sleeping): the removal lapsed.
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE removals SET until = ?", Date.now() - 1);
    });
    host.send({ type: "let_back_in", name: "Nima" });
    expect(await host.skipTo("error")).toMatchObject({ code: "no_such_removal" });
    expect((await join(room, "Nima")).welcome.you).toBe("Nima");
  });
});

describe("the list is storage", () => {
  it("survives the room's restart, and is bounded to the newest", async () => {
    const { room, key, host } = await hostedRoom();
    await join(room, "Nima");
    await host.skipTo("presence");
    host.send({ type: "remove", name: "Nima" });
    const told = await host.skipTo("removals");
    const stub = roomStub(env, room);
    // Many more removals than the list names (as if the host removed for hours).
    await runInDurableObject(stub, (_i, state) => {
      const until = told.removals[0]!.until;
      for (let i = 0; i < LIMITS.removalsListed + 20; i++) {
        state.storage.sql.exec(
          "INSERT INTO removals (who, until, removal, shown) VALUES (?, ?, ?, ?)",
          `name:${nameKey(`P${i}`)}`,
          until - 1000 - i,
          `r${i}`,
          `P${i}`,
        );
      }
    });
    await evictDurableObject(stub);

    const back = await join(room, "Teacher tablet", { host: key });
    const listed = back.welcome.removals!;
    expect(listed).toHaveLength(LIMITS.removalsListed);
    expect(listed.slice(0, 3).map((r) => r.name)).toEqual(["Nima", "P0", "P1"]);
    await expectRefused(await open(room, "Nima"), "removed", 4403);
  });

  it("keeps working in a room whose rows are from before removal ids (not listed, still refused, let back in)", async () => {
    const { room, key } = await hostedRoom();
    const stub = roomStub(env, room);
    // A room from an older deploy: `removals` had `who` and `until` alone.
    await runInDurableObject(stub, (_i, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE removals");
      sql.exec("CREATE TABLE removals (who TEXT PRIMARY KEY, until INTEGER NOT NULL)");
      sql.exec("INSERT INTO removals (who, until) VALUES (?, ?)", `name:${nameKey("Ali")}`, Date.now() + REMOVE_MS);
    });
    await evictDurableObject(stub);
    const again = await join(room, "Teacher tablet", { host: key });
    // Not listed (its name as shown was never kept), still refused, and let back in by name.
    expect(again.welcome.removals).toEqual([]);
    await expectRefused(await open(room, "Ali"), "removed", 4403);
    again.send({ type: "let_back_in", name: "Ali" });
    expect(await again.skipTo("removals")).toEqual({ type: "removals", removals: [] });
    expect((await join(room, "Ali")).welcome.you).toBe("Ali");
  });
});
