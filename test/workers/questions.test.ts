/**
 * Issue 20, questions: `{"type":"message","question":true}` asks one; `vote` adds or withdraws a
 * member's one vote (per name and per session, surviving reconnects, transports and
 * hibernation); counts go out aggregated as `votes` frames (at most 4 a second for the room);
 * the host marks one `answered`; `welcome.questions` lists every kept question with its count,
 * mark and `mine`; votes go with their question (delete and its undo, clear, trimming); the
 * transcript carries each question's count and mark.
 */
import { SELF, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type ChatMessage, LIMITS, type Transcript, type VotesFrame } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, type TestClient, hostedRoom, join, said, session } from "../support/worker-client";

/** Asks `text` as a question from `who`; returns it once every one of `everyone` has it. */
async function ask(who: TestClient, text: string, everyone: TestClient[]): Promise<ChatMessage> {
  who.send({ type: "message", text, id: crypto.randomUUID(), question: true });
  let got: ChatMessage | undefined;
  for (const c of everyone) got = await c.skipTo("message");
  return got!;
}

const vote = (who: TestClient, seq: number, up = true) => who.send({ type: "vote", seq, up });

/**
 * Reads `c`'s frames until the `votes` frames seen (merged) show every count of `want`; returns
 * those frames. Other frames are consumed.
 */
async function countsReach(c: TestClient, want: Record<number, number>): Promise<VotesFrame[]> {
  const seen: VotesFrame[] = [];
  const counts: Record<string, number> = {};
  const done = () => Object.entries(want).every(([seq, n]) => counts[seq] === n);
  while (!done()) {
    const f = await c.next(`votes reaching ${JSON.stringify(want)} (so far ${JSON.stringify(counts)})`);
    if (f.type !== "votes") continue;
    seen.push(f);
    Object.assign(counts, f.counts);
  }
  return seen;
}

/** The question rows the room keeps (votes and marks), for the storage bound. */
const storedRows = (room: string) =>
  runInDurableObject(roomStub(env, room), (_i, state) => ({
    votes: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM question_votes").one().n,
    answered: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM answered_questions").one().n,
  }));

/** A hosted room with Sara in it. */
async function classroom() {
  const { room, key, host } = await hostedRoom();
  const sara = await join(room, "Sara", { session: session() });
  await host.skipTo("presence");
  return { room, key, host, sara };
}

describe("asking", () => {
  it("a question is stored and broadcast with question: true, kept in history and resent by id without a copy", async () => {
    const { room, host, sara } = await classroom();
    sara.send({ type: "message", text: "Why is the sky blue?", id: "q-1", question: true });
    const q = await host.message();
    expect(q).toMatchObject({ text: "Why is the sky blue?", id: "q-1", question: true, from: "Sara" });
    expect(await sara.message()).toEqual(q);
    // The outbox's resend: confirmed to Sara alone, not stored again.
    sara.send({ type: "message", text: "Why is the sky blue?", id: "q-1", question: true });
    expect(await sara.message()).toEqual(q);
    const [plain] = await said(host, ["a plain one"], [host, sara]);
    expect(plain).not.toHaveProperty("question");
    const late = await join(room, "Late");
    expect(late.welcome.history).toEqual([q, plain]);
    expect(late.welcome.questions).toEqual([
      { seq: q.seq, ts: q.ts, from: "Sara", text: q.text, count: 0, answered: false, mine: false },
    ]);
  });

  it("question: false is a bad frame; slow mode holds a question back like any message", async () => {
    const { host, sara } = await classroom();
    sara.send({ type: "message", text: "no", id: "f-1", question: false });
    expect(await sara.error()).toMatchObject({ code: "bad_frame", id: "f-1" });
    host.send({ type: "slow", seconds: 60 });
    await sara.skipTo("settings");
    await ask(sara, "first", [sara]);
    sara.send({ type: "message", text: "second", id: "s-2", question: true });
    expect(await sara.skipTo("error")).toMatchObject({ code: "slow_mode", id: "s-2" });
  });
});

describe("voting", () => {
  it("adds and withdraws one vote; everyone on every transport gets the counts; a second up changes nothing", async () => {
    const { room, host, sara } = await classroom();
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await host.skipTo("presence");
    const q = await ask(sara, "Is this on the exam?", [host, sara]);
    const q2 = await ask(sara, "And this?", [host, sara]);
    vote(host, q.seq);
    expect((await countsReach(sara, { [q.seq]: 1 })).at(-1)!.counts).toEqual({ [q.seq]: 1 });
    const polled = await ali.frames((fs) => fs.some((f) => f.type === "votes"));
    expect(polled.filter((f) => f.type === "votes")).toEqual([{ type: "votes", counts: { [q.seq]: 1 } }]);
    await countsReach(host, { [q.seq]: 1 });
    // Ali votes over HTTP: the POST is answered with no frame of its own.
    expect((await ali.send({ type: "vote", seq: q.seq, up: true })).body.frames).toEqual([]);
    await countsReach(sara, { [q.seq]: 2 });
    await countsReach(host, { [q.seq]: 2 });
    // Up again: counted already, no frame for it; the next frame is q2's alone.
    vote(host, q.seq);
    vote(sara, q2.seq);
    expect(await countsReach(host, { [q2.seq]: 1 })).toEqual([{ type: "votes", counts: { [q2.seq]: 1 } }]);
    vote(host, q.seq, false);
    expect((await countsReach(sara, { [q.seq]: 1 })).at(-1)!.counts).toEqual({ [q.seq]: 1 });
    await countsReach(host, { [q.seq]: 1 });
    // Withdrawing a vote there is none of changes nothing either.
    vote(host, q.seq, false);
    vote(sara, q2.seq, false);
    expect(await countsReach(host, { [q2.seq]: 0 })).toEqual([{ type: "votes", counts: { [q2.seq]: 0 } }]);
  });

  it("one vote per name across a reconnect and across transports (the same name and session on HTTP)", async () => {
    const { room, host, sara } = await classroom();
    const s = session();
    let sam = await join(room, "Sam", { session: s });
    await host.skipTo("presence");
    const q = await ask(sara, "q", [host, sam]);
    const q2 = await ask(sara, "q2", [host, sam]);
    vote(sam, q.seq);
    await countsReach(host, { [q.seq]: 1 });
    await sam.close();
    await host.skipTo("presence");
    sam = await join(room, "Sam", { session: s });
    expect(sam.welcome.questions.map((x) => [x.seq, x.count, x.mine])).toEqual([
      [q.seq, 1, true],
      [q2.seq, 0, false],
    ]);
    await host.skipTo("presence");
    vote(sam, q.seq);
    vote(sara, q2.seq);
    // q's count did not change: the next frame names q2 alone.
    expect(await countsReach(host, { [q2.seq]: 1 })).toEqual([{ type: "votes", counts: { [q2.seq]: 1 } }]);
    // The same (name, session) over HTTP takes the socket over; its vote is still the one.
    const poller = new PollClient(room, "Sam", { session: s });
    const welcome = await poller.join();
    expect(welcome.questions.find((x) => x.seq === q.seq)).toMatchObject({ count: 1, mine: true });
    expect((await poller.send({ type: "vote", seq: q.seq, up: true })).body.frames).toEqual([]);
    vote(sara, q2.seq, false);
    expect(await countsReach(host, { [q2.seq]: 0 })).toEqual([{ type: "votes", counts: { [q2.seq]: 0 } }]);
    await poller.send({ type: "vote", seq: q.seq, up: false });
    await countsReach(host, { [q.seq]: 0 });
  });

  it("two names of one session vote once, and either withdraws it; the same name in another session is the same voter", async () => {
    const { room, host, sara } = await classroom();
    const s = session();
    const sam = await join(room, "Sam", { session: s });
    await host.skipTo("presence");
    const sammy = await join(room, "Sammy", { session: s });
    await host.skipTo("presence");
    const q = await ask(sara, "q", [host, sam, sammy]);
    const q2 = await ask(sara, "q2", [host, sam, sammy]);
    vote(sam, q.seq);
    await countsReach(host, { [q.seq]: 1 });
    vote(sammy, q.seq);
    vote(sara, q2.seq);
    expect(await countsReach(host, { [q2.seq]: 1 })).toEqual([{ type: "votes", counts: { [q2.seq]: 1 } }]);
    // One row per question and voter: Sam's session's, and Sara's.
    expect(await storedRows(room)).toEqual({ votes: 2, answered: 0 });
    // Sammy withdraws the vote Sam cast (their session's one).
    vote(sammy, q.seq, false);
    await countsReach(host, { [q.seq]: 0 });
    // Sam's name from another browser (a new session, after Sam left) is still Sam: one vote.
    vote(sam, q.seq);
    await countsReach(host, { [q.seq]: 1 });
    await sam.close();
    await host.skipTo("presence");
    const elsewhere = await join(room, "Sam", { session: session() });
    expect(elsewhere.welcome.questions[0]).toMatchObject({ seq: q.seq, count: 1, mine: true });
    await host.skipTo("presence");
    vote(elsewhere, q.seq);
    vote(sara, q2.seq, false);
    expect(await countsReach(host, { [q2.seq]: 0 })).toEqual([{ type: "votes", counts: { [q2.seq]: 0 } }]);
  });

  it("counts survive hibernation (an evicted room) and come in a resume's welcome", async () => {
    const { room, host, sara } = await classroom();
    const s = session();
    const ali = await join(room, "Ali", { session: s });
    await host.skipTo("presence");
    const q = await ask(sara, "q", [host, ali]);
    vote(ali, q.seq);
    vote(sara, q.seq);
    await countsReach(host, { [q.seq]: 2 });
    await ali.close();
    await host.skipTo("presence");
    await evictDurableObject(roomStub(env, room));
    const back = await join(room, "Ali", { session: s, since: q.seq });
    expect(back.welcome.history).toEqual([]);
    expect(back.welcome.questions).toEqual([
      { seq: q.seq, ts: q.ts, from: "Sara", text: "q", count: 2, answered: false, mine: true },
    ]);
    // Still Ali's one vote after the wake: up again changes nothing, down takes it.
    vote(back, q.seq);
    vote(back, q.seq, false);
    expect((await countsReach(back, { [q.seq]: 1 })).at(-1)!.counts).toEqual({ [q.seq]: 1 });
    const poller = new PollClient(room, "Bo");
    expect((await poller.join({ since: q.seq })).questions[0]).toMatchObject({ seq: q.seq, count: 1, mine: false });
  });
});

describe("aggregation", () => {
  it("a burst of votes from the whole room reaches every socket and poller in a handful of votes frames", async () => {
    const { room, host } = await hostedRoom();
    // The room's size and rate limit bound the burst: every member but the host votes on every
    // question with its whole burst of tokens.
    const voters: TestClient[] = [];
    for (let i = 0; i < TEST_CONFIG.maxUsers - 2; i++) {
      voters.push(await join(room, `v${i}`, { session: session() }));
      await host.skipTo("presence");
    }
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await host.skipTo("presence");
    const everyone = [host, ...voters];
    const questions: ChatMessage[] = [];
    for (let i = 0; i < TEST_CONFIG.rateBurst; i++) questions.push(await ask(host, `q${i}`, everyone));
    const want = Object.fromEntries(questions.map((q) => [q.seq, voters.length + 1]));
    const started = Date.now();
    for (const v of voters) for (const q of questions) vote(v, q.seq);
    for (const q of questions) await ali.send({ type: "vote", seq: q.seq, up: true });
    const totalVotes = (voters.length + 1) * questions.length;
    const frames = await Promise.all(everyone.map((c) => countsReach(c, want)));
    const polled = await ali.frames((fs) => {
      const counts: Record<string, number> = {};
      for (const f of fs) if (f.type === "votes") Object.assign(counts, f.counts);
      return Object.entries(want).every(([seq, n]) => counts[seq] === n);
    });
    const elapsedMs = Date.now() - started;
    const bound = Math.floor(elapsedMs / LIMITS.tallyIntervalMs) + 1;
    expect(totalVotes).toBe(TEST_CONFIG.rateBurst * (TEST_CONFIG.maxUsers - 1));
    for (const got of [...frames, polled.filter((f) => f.type === "votes")]) {
      expect(got.length).toBeLessThanOrEqual(bound);
      // Far from one frame per vote, however slow the machine (the bound above is the rule).
      expect(got.length).toBeLessThan(totalVotes / 2);
    }
  });
});

describe("answered", () => {
  it("the host marks a question answered (broadcast as it came, kept in welcomes); a member gets not_host", async () => {
    const { room, host, sara } = await classroom();
    const q = await ask(sara, "q", [host, sara]);
    sara.send({ type: "answered", seq: q.seq, answered: true });
    expect(await sara.error()).toMatchObject({ code: "not_host" });
    host.send({ type: "answered", seq: q.seq, answered: true });
    expect(await sara.nextOf("answered")).toEqual({ type: "answered", seq: q.seq, answered: true });
    expect(await host.nextOf("answered")).toEqual({ type: "answered", seq: q.seq, answered: true });
    expect((await join(room, "Late")).welcome.questions[0]).toMatchObject({ seq: q.seq, answered: true });
    await host.skipTo("presence");
    host.send({ type: "answered", seq: q.seq, answered: false });
    expect(await sara.skipTo("answered")).toEqual({ type: "answered", seq: q.seq, answered: false });
    expect((await join(room, "Later")).welcome.questions[0]).toMatchObject({ seq: q.seq, answered: false });
  });
});

describe("refusals and bounds", () => {
  it("a vote or answered on a seq that is not a kept question is no_such_message; malformed ones bad_frame", async () => {
    const { host, sara } = await classroom();
    const [plain] = await said(sara, ["plain"], [host, sara]);
    for (const seq of [plain!.seq, 999]) {
      vote(sara, seq);
      expect(await sara.error()).toMatchObject({ code: "no_such_message" });
      host.send({ type: "answered", seq, answered: true });
      expect(await host.error()).toMatchObject({ code: "no_such_message" });
    }
    for (const bad of [
      { type: "vote", seq: plain!.seq, up: "yes" },
      { type: "vote", seq: plain!.seq },
      { type: "vote", seq: -1, up: true },
      { type: "vote", seq: "1", up: true },
      { type: "vote", seq: 1.5, up: true },
    ]) {
      sara.send(bad);
      expect(await sara.error(), JSON.stringify(bad)).toMatchObject({ code: "bad_frame" });
    }
    host.send({ type: "answered", seq: plain!.seq, answered: 1 });
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
    // The socket stays open.
    await ask(sara, "still here", [sara]);
  });

  it("a trimmed question takes its votes with it (no_such_message; its rows go at the next alarm)", async () => {
    const { room, host, sara } = await classroom();
    const q = await ask(host, "old", [host, sara]);
    // One after the other: the two come on different sockets, in no fixed order.
    host.send({ type: "answered", seq: q.seq, answered: true });
    await host.skipTo("answered");
    vote(sara, q.seq);
    await countsReach(host, { [q.seq]: 1 });
    expect(await storedRows(room)).toEqual({ votes: 1, answered: 1 });
    const speakers: TestClient[] = [];
    for (let i = 0; i < Math.ceil(TEST_CONFIG.historyLimit / TEST_CONFIG.rateBurst); i++) {
      speakers.push(await join(room, `speaker${i}`));
      await host.skipTo("presence");
    }
    for (let i = 0; i < TEST_CONFIG.historyLimit; i++) speakers[Math.floor(i / TEST_CONFIG.rateBurst)]!.say(`m${i}`);
    await host.messages(TEST_CONFIG.historyLimit);
    vote(sara, q.seq, false);
    expect(await sara.skipTo("error")).toMatchObject({ code: "no_such_message" });
    expect((await join(room, "Late")).welcome.questions).toEqual([]);
    await runDurableObjectAlarm(roomStub(env, room));
    expect(await storedRows(room)).toEqual({ votes: 0, answered: 0 });
  });
});

describe("delete, undo and clear", () => {
  it("a deleted question's votes wait for the undo (the count comes back), then go; a clear takes them all", async () => {
    const { room, host, sara } = await classroom();
    const q = await ask(sara, "q", [host, sara]);
    vote(sara, q.seq);
    vote(host, q.seq);
    await countsReach(sara, { [q.seq]: 2 });
    host.send({ type: "delete", seq: q.seq });
    await sara.skipTo("deleted");
    vote(sara, q.seq, false);
    expect(await sara.skipTo("error")).toMatchObject({ code: "no_such_message" });
    host.send({ type: "undelete", seq: q.seq });
    expect((await sara.skipTo("restored")).message).toEqual(q);
    expect(await countsReach(sara, { [q.seq]: 2 })).toEqual([{ type: "votes", counts: { [q.seq]: 2 } }]);
    expect((await join(room, "Late")).welcome.questions[0]).toMatchObject({ seq: q.seq, count: 2 });
    await host.skipTo("presence");
    // Deleted for good: the undo window ends and the alarm purges the text and the votes.
    host.send({ type: "delete", seq: q.seq });
    await host.skipTo("deleted");
    await runInDurableObject(roomStub(env, room), (_i, state) => {
      state.storage.sql.exec("UPDATE undoable SET until = ?", Date.now() - 1);
    });
    await runDurableObjectAlarm(roomStub(env, room));
    expect(await storedRows(room)).toEqual({ votes: 0, answered: 0 });

    const q2 = await ask(sara, "q2", [host, sara]);
    vote(sara, q2.seq);
    host.send({ type: "answered", seq: q2.seq, answered: true });
    await countsReach(host, { [q2.seq]: 1 });
    host.send({ type: "clear" });
    await sara.skipTo("cleared");
    expect(await storedRows(room)).toEqual({ votes: 0, answered: 0 });
    vote(sara, q2.seq);
    expect(await sara.skipTo("error")).toMatchObject({ code: "no_such_message" });
    expect((await join(room, "After")).welcome.questions).toEqual([]);
  });
});

describe("welcome.questions", () => {
  it("lists every kept question oldest first, older than the history's recent part, with mine by name or session; a watcher's none is mine", async () => {
    const { room, key, host, sara } = await classroom();
    const s = session();
    const sam = await join(room, "Sam", { session: s });
    await host.skipTo("presence");
    const q1 = await ask(sara, "first", [host, sam]);
    const q2 = await ask(host, "second", [host, sam]);
    vote(sam, q1.seq);
    vote(sara, q2.seq);
    await countsReach(host, { [q1.seq]: 1, [q2.seq]: 1 });
    await said(host, ["a", "b", "c", "d", "e", "f"], [host]);
    // Another name of Sam's session: q1 is its too.
    const other = await join(room, "Sammy", { session: s });
    expect(other.welcome.history.length).toBe(TEST_CONFIG.historyOnJoin);
    expect(other.welcome.history.map((m) => m.seq)).not.toContain(q1.seq);
    expect(other.welcome.questions).toEqual([
      { seq: q1.seq, ts: q1.ts, from: "Sara", text: "first", count: 1, answered: false, mine: true },
      { seq: q2.seq, ts: q2.ts, from: "Teacher", text: "second", count: 1, answered: false, mine: false },
    ]);
    expect((await join(room, "Sara2")).welcome.questions.map((x) => x.mine)).toEqual([false, false]);
    const projector = await join(room, "~projector", { host: key });
    expect(projector.welcome.questions.map((x) => [x.seq, x.count, x.mine])).toEqual([
      [q1.seq, 1, false],
      [q2.seq, 1, false],
    ]);
  });
});

describe("the transcript", () => {
  it("gives each question's count and answered mark, in Markdown (English and Persian) and JSON", async () => {
    const { room, key, host, sara } = await classroom();
    const q = await ask(sara, "Why?", [host, sara]);
    const [plain] = await said(host, ["plain"], [host, sara]);
    const q2 = await ask(sara, "How?", [host, sara]);
    vote(sara, q.seq);
    vote(host, q.seq);
    vote(host, q2.seq);
    host.send({ type: "answered", seq: q.seq, answered: true });
    await countsReach(host, { [q.seq]: 2, [q2.seq]: 1 });
    const get = (query: string) =>
      SELF.fetch(`${ORIGIN}/api/rooms/${room}/transcript${query}`, { headers: { Authorization: `Bearer ${key}` } });
    const json = (await (await get("?format=json")).json()) as Transcript;
    expect(json.messages.map((m) => m.seq)).toEqual([q.seq, plain!.seq, q2.seq]);
    expect(json.questions).toEqual([
      { seq: q.seq, count: 2, answered: true },
      { seq: q2.seq, count: 1, answered: false },
    ]);
    const heads = (md: string) => md.split("\n").filter((l) => l.startsWith("**"));
    expect(heads(await (await get("")).text())).toEqual([
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Sara\*\* · Question \(2 votes · answered\)\\$/),
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Teacher\*\* \(host\)\\$/),
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Sara\*\* · Question \(1 vote\)\\$/),
    ]);
    expect(heads(await (await get("?lang=fa")).text())).toEqual([
      expect.stringMatching(/ · پرسش \(۲ رأی · پاسخ داده شد\)\\$/),
      expect.stringMatching(/\(میزبان\)\\$/),
      expect.stringMatching(/ · پرسش \(۱ رأی\)\\$/),
    ]);
  });
});
