import { asMessage } from "../support/frame-queue";
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { roomStub } from "../../src/room/chat-room";
import { PollClient, pollHeld } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, expectRefused, hostedRoom, join, open, said, session } from "../support/worker-client";

describe("delete", () => {
  it("tells everyone, leaves a tombstone for resends, and no later welcome or resume holds it", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara", { session: session() });
    await host.presence();
    const [one, two, three] = await said(sara, ["one", "two", "three"], [sara, host]);
    host.send({ type: "delete", seq: two!.seq });
    expect(await host.nextOf("deleted")).toEqual({ type: "deleted", seq: two!.seq });
    expect(await sara.nextOf("deleted")).toEqual({ type: "deleted", seq: two!.seq });

    // A resend of the deleted message's id is confirmed to the sender alone and not stored.
    sara.say("two", two!.id);
    expect(await sara.nextOf("deleted")).toEqual({ type: "deleted", seq: two!.seq, id: two!.id });
    sara.say("barrier");
    expect((await host.message()).text).toBe("barrier");
    expect(host.unread).toEqual([]);

    const late = await join(room, "Late");
    expect(late.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["one", "three", "barrier"]);
    // A resume from before the deletion learns of it (and it is no gap).
    const back = await join(room, "Back", { since: one!.seq });
    expect(back.welcome.history.map(asMessage).map((m) => m.seq)).toEqual([three!.seq, three!.seq + 1]);
    expect(back.welcome.deleted).toEqual([two!.seq]);
    expect(back.welcome.gap).toBeUndefined();
    // Deleted above `since` or below it alike, as long as the deletion came after `since`.
    const after = await join(room, "After", { since: three!.seq });
    expect(after.welcome.deleted).toEqual([two!.seq]);
    const later = await join(room, "Later", { since: three!.seq + 1 });
    expect(later.welcome.deleted).toBeUndefined();
  });

  it("answers no_such_message for a seq that is not kept, and bad_frame for a bad one", async () => {
    const { host } = await hostedRoom();
    host.send({ type: "delete", seq: 99 });
    expect(await host.error()).toMatchObject({ code: "no_such_message" });
    host.send({ type: "delete", seq: "1" });
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
    host.send({ type: "delete" });
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
  });
});

describe("clear", () => {
  it("empties the history, tells everyone its last seq, and the next message continues the seq", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara");
    await host.presence();
    const sent = await said(sara, ["a", "b"], [sara, host]);
    host.send({ type: "clear" });
    const last = sent.at(-1)!.seq;
    expect(await sara.nextOf("cleared")).toEqual({ type: "cleared", seq: last });
    expect(await host.nextOf("cleared")).toEqual({ type: "cleared", seq: last });
    expect((await join(room, "Late")).welcome.history).toEqual([]);
    const [next] = await said(sara, ["after"], [sara]);
    expect(next!.seq).toBe(last + 1);
    // A member who was away learns on resume; a clear is no gap.
    const back = await join(room, "Back", { since: 1 });
    expect(back.welcome.clearedThrough).toBe(last);
    expect(back.welcome.history.map(asMessage).map((m) => m.text)).toEqual(["after"]);
    expect(back.welcome.gap).toBeUndefined();
    expect((await join(room, "Fresh", { since: last + 1 })).welcome.clearedThrough).toBeUndefined();
  });
});

describe("delete and clear do not undo other rules", () => {
  it("a deleted or cleared message still counts for slow mode", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara");
    await host.presence();
    host.send({ type: "slow", seconds: 60 });
    await sara.skipTo("settings");
    const [first] = await said(sara, ["first"], [sara, host]);
    host.send({ type: "delete", seq: first!.seq });
    await sara.skipTo("deleted");
    sara.say("again", "again-1");
    expect(await sara.skipTo("error")).toMatchObject({ code: "slow_mode", id: "again-1" });
    host.send({ type: "clear" });
    await sara.skipTo("cleared");
    sara.say("and again", "again-2");
    expect(await sara.skipTo("error")).toMatchObject({ code: "slow_mode", id: "again-2" });
  });

  it("a resend of a cleared message is confirmed as deleted, not stored again", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara");
    await host.presence();
    const [kept] = await said(sara, ["before the clear"], [sara, host]);
    host.send({ type: "clear" });
    await sara.skipTo("cleared");
    sara.say("before the clear", kept!.id);
    expect(await sara.skipTo("deleted")).toEqual({ type: "deleted", seq: kept!.seq, id: kept!.id });
    expect((await join(room, "Late")).welcome.history).toEqual([]);
    // A resume learns of the clear, and does not list every cleared seq as deleted.
    const back = await join(room, "Back", { since: 0 });
    expect(back.welcome.clearedThrough).toBe(kept!.seq);
    expect(back.welcome.deleted).toBeUndefined();
  });
});

describe("remove", () => {
  it("closes every socket of the name with removed and 4403; the others see it leave; it stays out", async () => {
    const { room, host } = await hostedRoom();
    const aliSession = session();
    const ali = await join(room, "Ali", { session: aliSession });
    await host.presence();
    host.send({ type: "remove", name: "ali" });
    expect(await ali.error()).toMatchObject({ code: "removed" });
    expect((await ali.closed).code).toBe(4403);
    expect((await host.presence()).left).toEqual(["Ali"]);
    // The name, in any case, and the removed socket's session under any name, stay out.
    await expectRefused(await open(room, "ALI"), "removed", 4403);
    await expectRefused(await open(room, "Someone", { session: aliSession }), "removed", 4403);
    // The host's own key passes.
    expect((await join(room, "Visitor")).welcome.role).toBe("member");
  });

  it("ends the person: every name of the removed sessions, on every transport, and refuses their polls", async () => {
    const { room, host } = await hostedRoom();
    const s = session();
    const sara = await join(room, "Sara", { session: s });
    const sara2 = new PollClient(room, "Sara2", { session: s });
    await sara2.join();
    const bystander = await join(room, "Omid", { session: session() });
    await host.skipTo("presence");
    // Sara2 has read everything, and its next poll is held when the removal comes: it ends with it.
    await sara2.frames((f) => f.some((x) => x.type === "presence"));
    const held = sara2.get({ wait: 5 });
    await pollHeld(sara2);
    host.send({ type: "remove", name: "Sara" });
    expect(await sara.skipTo("error")).toMatchObject({ code: "removed" });
    expect((await sara.closed).code).toBe(4403);
    expect(await held).toMatchObject({ status: 403, body: { error: { code: "removed" } } });
    const left: string[] = [];
    while (left.length < 2) left.push(...(await bystander.skipTo("presence")).left);
    expect(left.sort()).toEqual(["Sara", "Sara2"]);
    // Their polls and posts are refused, under either name, and so is a new join of the session.
    expect((await sara2.get()).status).toBe(403);
    expect((await sara2.send({ type: "message", text: "still here?" })).status).toBe(403);
    await expectRefused(await open(room, "Sara2"), "removed", 4403);
    await expectRefused(await open(room, "Sara3", { session: s }), "removed", 4403);
    const snapshot = (await (await SELF.fetch(`${ORIGIN}/api/rooms/${room}`)).json()) as { users: { name: string }[] };
    expect(snapshot.users.map((u) => u.name)).toEqual(["Teacher", "Omid"]);
  });

  it("refuses to remove the host (cannot_remove_host) and an unknown name (no_such_member)", async () => {
    const { host } = await hostedRoom();
    host.send({ type: "remove", name: "Teacher" });
    expect(await host.error()).toMatchObject({ code: "cannot_remove_host" });
    host.send({ type: "remove", name: "Nobody" });
    expect(await host.error()).toMatchObject({ code: "no_such_member" });
    host.send({ type: "remove", name: 5 });
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
  });

  it("keeps the name out for REMOVE_MINUTES, then lets it back", async () => {
    const { room, host } = await hostedRoom();
    await join(room, "Ali");
    await host.presence();
    const before = Date.now();
    host.send({ type: "remove", name: "Ali" });
    expect((await host.presence()).left).toEqual(["Ali"]);
    const until = await runInDurableObject(
      roomStub(env, room),
      (_i, state) =>
        state.storage.sql.exec<{ until: number }>("SELECT until FROM removals WHERE who = 'name:ali'").one().until,
    );
    expect(until - before).toBeGreaterThanOrEqual(TEST_CONFIG.removeMinutes * 60_000 - 1000);
    expect(until - before).toBeLessThanOrEqual(TEST_CONFIG.removeMinutes * 60_000 + 5000);
    // Time passes (the room's clock is real: move the stored bound instead of sleeping).
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE removals SET until = ?", Date.now() - 1);
    });
    expect((await join(room, "Ali")).welcome.you).toBe("Ali");
  });
});

describe("slow mode", () => {
  it("lets each name send one message per S seconds, tells the early one when, exempts the host", async () => {
    const { room, host } = await hostedRoom();
    const sara = await join(room, "Sara", { session: session() });
    await host.presence();
    host.send({ type: "slow", seconds: 60 });
    expect(await host.nextOf("settings")).toEqual({ type: "settings", slowSeconds: 60, locked: false });
    expect(await sara.nextOf("settings")).toEqual({ type: "settings", slowSeconds: 60, locked: false });
    const [first] = await said(sara, ["first"], [sara, host]);
    sara.say("too soon", "soon-1");
    const early = await sara.error();
    expect(early).toMatchObject({ code: "slow_mode", id: "soon-1" });
    expect(early.retryAfterMs).toBeGreaterThan(55_000);
    expect(early.retryAfterMs).toBeLessThanOrEqual(60_000);
    // A resend of the accepted message's id is still a dedupe, not a slow-mode refusal.
    sara.say("first", first!.id);
    expect((await sara.message()).seq).toBe(first!.seq);
    // Surviving a reconnect: the same name on a new socket is still slowed.
    await sara.close();
    await host.presence();
    const sara2 = await join(room, "Sara", { session: session() });
    await host.presence();
    sara2.say("new socket", "new-1");
    expect(await sara2.error()).toMatchObject({ code: "slow_mode", id: "new-1" });
    // The host is exempt.
    await said(host, ["h1", "h2"], [host]);
    host.send({ type: "slow", seconds: 0 });
    await sara2.skipTo("settings");
    const [free] = await said(sara2, ["free again"], [sara2]);
    expect(free!.text).toBe("free again");
    expect((await join(room, "Late")).welcome.settings).toEqual({ slowSeconds: 0, locked: false });
  });

  it.each([[-1], [301], [1.5], ["10"]])("refuses seconds = %j with bad_frame", async (seconds) => {
    const { host } = await hostedRoom();
    host.send({ type: "slow", seconds });
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
  });
});

describe("lock", () => {
  it("refuses new joins with room_locked (4423) but admits the host and (session, name) pairs admitted before", async () => {
    const { room, key, host } = await hostedRoom();
    const phone = session();
    const ali = await join(room, "Ali", { session: phone });
    await host.presence();
    host.send({ type: "lock", locked: true });
    expect(await ali.nextOf("settings")).toEqual({ type: "settings", slowSeconds: 0, locked: true });
    await expectRefused(await open(room, "Newcomer", { session: session() }), "room_locked", 4423);
    await expectRefused(await open(room, "NoSession"), "room_locked", 4423);
    // A phone whose socket died gets back in under the name it had (in any case), and only that.
    await ali.close();
    await host.skipTo("presence");
    await expectRefused(await open(room, "Ali2", { session: phone }), "room_locked", 4423);
    expect((await join(room, "ALI", { session: phone })).welcome.settings.locked).toBe(true);
    // The host with its key, on another device.
    expect((await join(room, "Teacher2", { host: key })).welcome.role).toBe("host");
    // Sending the same setting again still answers, so the host sees it took.
    host.send({ type: "lock", locked: true });
    expect(await host.skipTo("settings")).toMatchObject({ locked: true });
    host.send({ type: "lock", locked: "yes" });
    expect(await host.skipTo("error")).toMatchObject({ code: "bad_frame" });
  });

  it("readmits a (session, name) pair on either transport, never a known session under a new name", async () => {
    const { room, host } = await hostedRoom();
    const s = session();
    const pat = new PollClient(room, "Pat", { session: s });
    await pat.join();
    await host.skipTo("presence");
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    // The same session, a new name: refused, on a socket and over HTTP.
    await expectRefused(await open(room, "Pat2", { session: s }), "room_locked", 4423);
    expect((await new PollClient(room, "Pat3", { session: s }).get()).body).toMatchObject({
      error: { code: "room_locked" },
    });
    // The pair it was admitted as: back in, on the other transport too.
    expect((await join(room, "Pat", { session: s })).welcome.settings.locked).toBe(true);
  });

  it("checks removed before room_locked, and room_locked before name_taken", async () => {
    const { room, host } = await hostedRoom();
    await join(room, "Ali");
    await join(room, "Sara");
    await host.presence();
    host.send({ type: "remove", name: "Ali" });
    host.send({ type: "lock", locked: true });
    await host.skipTo("settings");
    await expectRefused(await open(room, "Ali"), "removed", 4403);
    await expectRefused(await open(room, "Sara"), "room_locked", 4423);
  });
});
