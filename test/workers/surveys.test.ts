/**
 * @module
 * Issue 20, polls (on the wire `survey`): the host opens one (one at a time) and closes it, a
 * member chooses once per name and per session (and may change while it is open), the counts go
 * out aggregated, and a closed poll is an entry of the history under its own seq (resume, delete,
 * clear, trimming, eviction, the transcript), on sockets, pollers and SSE alike.
 */
import { SELF, env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS, type ServerFrame, type SurveyFrame, type Transcript } from "../../src/protocol";
import { roomStub } from "../../src/room/chat-room";
import { PollClient } from "../support/poll-client";
import { SseClient } from "../support/sse-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, type TestClient, hostedRoom, join, said, session } from "../support/worker-client";

const vote = (survey: SurveyFrame, option: number) => ({ type: "survey_vote", survey: survey.id, option });
const surveysIn = (frames: ServerFrame[]) => frames.filter((f): f is SurveyFrame => f.type === "survey");

const OPEN = { type: "survey_open", question: "Which is prime?", options: ["4", "7", "9"] } as const;

/** A hosted room with Sara (a socket with a session) in it. */
async function classRoom() {
  const { room, key, host } = await hostedRoom();
  const sara = await join(room, "Sara", { session: session() });
  await host.presence();
  return { room, key, host, sara };
}

/** The polls a client has seen so far. */
const seenBy = (client: TestClient) => new Set(surveysIn(client.frames).map((f) => f.id));

/** The next `survey` frame of a poll not in `seen` (updates of an older one are skipped). */
async function newPoll(client: TestClient, seen: Set<string>): Promise<SurveyFrame> {
  for (;;) {
    const f = await client.skipTo("survey");
    if (!seen.has(f.id)) return f;
  }
}

/** Opens `OPEN` as the host; every client given sees the poll; returns it. */
async function opened(host: TestClient, everyone: TestClient[] = [], frame: object = OPEN): Promise<SurveyFrame> {
  const seen = [host, ...everyone].map(seenBy);
  host.send(frame);
  const poll = await newPoll(host, seen[0]!);
  for (const [i, c] of everyone.entries()) expect(await newPoll(c, seen[i + 1]!)).toEqual(poll);
  return poll;
}

/** Closes the open poll as the host; returns its final frame. */
async function closed(host: TestClient): Promise<SurveyFrame> {
  host.send({ type: "survey_close" });
  return final(host);
}

/** The next final frame of a poll (`open: false`), the updates before it skipped. */
async function final(client: TestClient): Promise<SurveyFrame> {
  for (;;) {
    const f = await client.skipTo("survey");
    if (!f.open) return f;
  }
}

/** Skips `survey` frames until one has these counts (the aggregated updates may merge several votes). */
async function counted(client: TestClient, counts: number[]): Promise<SurveyFrame> {
  for (;;) {
    const f = await client.skipTo("survey");
    if (JSON.stringify(f.counts) === JSON.stringify(counts)) return f;
  }
}

describe("opening a poll", () => {
  it("is the host's: everyone (socket, poller, SSE, the projector) gets it open with zero counts", async () => {
    const { room, key, host, sara } = await classRoom();
    const poller = new PollClient(room, "Omid");
    await poller.join();
    const sse = await new SseClient(room, "Lina").join();
    const projector = await join(room, "~projector", { host: key });
    await host.skipTo("presence");
    const poll = await opened(host, [sara, projector]);
    expect(poll).toEqual({
      type: "survey",
      id: expect.stringMatching(LIMITS.idPattern),
      question: OPEN.question,
      options: OPEN.options,
      open: true,
      counts: [0, 0, 0],
    });
    expect(surveysIn(await poller.frames((f) => surveysIn(f).length > 0))).toEqual([poll]);
    expect(await sse.skipTo("survey")).toEqual(poll);
  });

  it("from a member: not_host, for open and for close (socket and poller), and nothing opens", async () => {
    const { room, host, sara } = await classRoom();
    sara.send(OPEN);
    expect(await sara.error()).toMatchObject({ code: "not_host" });
    sara.send({ type: "survey_close" });
    expect(await sara.error()).toMatchObject({ code: "not_host" });
    const poller = new PollClient(room, "Omid");
    await poller.join();
    expect((await poller.send(OPEN)).body.frames).toMatchObject([{ type: "error", code: "not_host" }]);
    expect((await poller.send({ type: "survey_close" })).body.frames).toMatchObject([
      { type: "error", code: "not_host" },
    ]);
    // No poll was opened: a newcomer's welcome has none, and the host may open one.
    expect((await join(room, "Late")).welcome.survey).toBeUndefined();
    await opened(host);
  });

  it("one at a time: a second while one is open is survey_already_open; after the close, another opens", async () => {
    const { host, sara } = await classRoom();
    const first = await opened(host, [sara]);
    host.send({ ...OPEN, question: "Another?" });
    expect(await host.error()).toMatchObject({ code: "survey_already_open" });
    host.send({ type: "survey_close" });
    expect(await final(host)).toMatchObject({ id: first.id, open: false });
    const second = await opened(host, [], { ...OPEN, question: "Another?" });
    expect(second.id).not.toBe(first.id);
    expect(second.question).toBe("Another?");
  });

  it.each([
    ["one option", { options: ["only"] }],
    ["seven options", { options: ["1", "2", "3", "4", "5", "6", "7"] }],
    ["a 301-character question", { question: "q".repeat(LIMITS.surveyQuestionMaxChars + 1) }],
    ["a 101-character option", { options: ["a", "o".repeat(LIMITS.surveyOptionMaxChars + 1)] }],
    ["an empty option", { options: ["a", "  "] }],
    ["an empty question", { question: " " }],
    ["two alike options", { options: ["Yes", "yes"] }],
  ])("refuses %s with survey_invalid (the socket stays open)", async (_, change) => {
    const { host } = await classRoom();
    host.send({ ...OPEN, ...change });
    expect(await host.error()).toMatchObject({ code: "survey_invalid" });
    // At the bounds it opens.
    await opened(host, [], {
      type: "survey_open",
      question: "q".repeat(LIMITS.surveyQuestionMaxChars),
      options: ["o".repeat(LIMITS.surveyOptionMaxChars), "2", "3", "4", "5", "6"],
    });
  });

  it.each([
    ["no options", { type: "survey_open", question: "q" }],
    ["options not a list", { type: "survey_open", question: "q", options: "a,b" }],
    ["a question not a string", { type: "survey_open", question: 5, options: ["a", "b"] }],
  ])("refuses %s with bad_frame", async (_, frame) => {
    const { host } = await classRoom();
    host.send(frame);
    expect(await host.error()).toMatchObject({ code: "bad_frame" });
  });
});

describe("voting", () => {
  it("counts one choice per member, which may change while the poll is open", async () => {
    const { room, host, sara } = await classRoom();
    const ali = await join(room, "Ali", { session: session() });
    await host.skipTo("presence");
    const poll = await opened(host, [sara, ali]);
    sara.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    ali.send(vote(poll, 1));
    expect(await counted(sara, [0, 2, 0])).toMatchObject({ id: poll.id, open: true });
    // A change moves the vote; voting the same again adds nothing.
    sara.send(vote(poll, 2));
    await counted(host, [0, 1, 1]);
    sara.send(vote(poll, 2));
    ali.send(vote(poll, 0));
    await counted(host, [1, 0, 1]);
    await counted(ali, [1, 0, 1]);
  });

  it("bad indexes and types are bad_frame; a wrong id, or no poll open, is survey_closed", async () => {
    const { host, sara } = await classRoom();
    sara.send({ type: "survey_vote", survey: "nothing-open", option: 0 });
    expect(await sara.error()).toMatchObject({ code: "survey_closed" });
    host.send({ type: "survey_close" });
    expect(await host.error()).toMatchObject({ code: "survey_closed" });
    const poll = await opened(host, [sara]);
    for (const bad of [
      vote(poll, 3), // one past this poll's options: the room's to say
      vote(poll, LIMITS.surveyOptionsMax), // past any poll's: the parser's
      { type: "survey_vote", survey: poll.id, option: "1" },
      { type: "survey_vote", survey: 7, option: 1 },
    ]) {
      sara.send(bad);
      expect(await sara.error(), JSON.stringify(bad)).toMatchObject({ code: "bad_frame" });
    }
    sara.send({ type: "survey_vote", survey: "another-poll", option: 0 });
    expect(await sara.error()).toMatchObject({ code: "survey_closed" });
    // None of them counted: the next real vote is the only one.
    sara.send(vote(poll, 0));
    await counted(host, [1, 0, 0]);
    host.send({ type: "survey_close" });
    await final(host);
    sara.send(vote(poll, 1));
    expect(await sara.skipTo("error")).toMatchObject({ code: "survey_closed" });
  });

  it("one choice per name, across a reconnect and across transports (a socket, then a poller)", async () => {
    const { room, host, sara } = await classRoom();
    const poll = await opened(host, [sara]);
    sara.send(vote(poll, 0));
    await counted(host, [1, 0, 0]);
    await sara.close();
    // The same name on another device (another session): its vote changes, never adds.
    const again = await join(room, "Sara", { session: session() });
    expect(again.welcome.survey).toMatchObject({ id: poll.id, counts: [1, 0, 0], mine: 0 });
    again.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    await again.close();
    const poller = new PollClient(room, "Sara");
    expect((await poller.join()).survey).toMatchObject({ counts: [0, 1, 0], mine: 1 });
    expect((await poller.send(vote(poll, 2))).body.frames).toEqual([]);
    await counted(host, [0, 0, 1]);
    const seen = await poller.frames((f) => surveysIn(f).some((s) => s.counts[2] === 1));
    expect(surveysIn(seen).at(-1)).toMatchObject({ open: true, counts: [0, 0, 1] });
  });

  it("one choice per session: a browser with two names votes once", async () => {
    const { room, host } = await classRoom();
    const browser = session();
    const ali = await join(room, "Ali", { session: browser });
    const poll = await opened(host, [ali]);
    ali.send(vote(poll, 0));
    await counted(host, [1, 0, 0]);
    const bob = await join(room, "Bob", { session: browser });
    expect(bob.welcome.survey?.mine).toBe(0);
    bob.send(vote(poll, 2));
    await counted(host, [0, 0, 1]);
    // Ali's own welcome now shows the choice Bob made from the same browser.
    expect((await join(room, "Ali", { session: browser })).welcome.survey).toMatchObject({ mine: 2 });
  });

  it("welcome.survey: the open poll with mine on a join and a resume (socket and poller); a watcher's has none", async () => {
    const { room, key, host, sara } = await classRoom();
    const [said1] = await said(sara, ["hello"], [sara, host]);
    const poll = await opened(host, [sara]);
    sara.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    const mine = { ...poll, counts: [0, 1, 0], mine: 1 };
    const sess = session();
    await sara.close();
    expect((await join(room, "Sara", { session: sess })).welcome.survey).toEqual(mine);
    const resumed = await join(room, "Sara", { session: sess, since: said1!.seq });
    expect(resumed.welcome.survey).toEqual(mine);
    await resumed.close();
    const poller = new PollClient(room, "Sara", { session: sess });
    expect((await poller.join({ since: said1!.seq })).survey).toEqual(mine);
    // Not voted: no mine. The projector (a socket) and a watcher over HTTP: the poll, no mine.
    const { mine: _, ...theirs } = mine;
    expect((await join(room, "Ali")).welcome.survey).toEqual(theirs);
    expect((await join(room, "~projector", { host: key })).welcome.survey).toEqual(theirs);
    expect((await new PollClient(room, "~watch", { host: key }).join()).survey).toEqual(theirs);
  });

  it("aggregates: a burst of votes from everyone reaches every socket in a handful of survey frames", async () => {
    const { room, host, sara } = await classRoom();
    const others = [sara];
    for (const name of ["Ali", "Bita", "Cyrus", "Dara"]) others.push(await join(room, name, { session: session() }));
    const poll = await opened(host, others);
    // Each member changes its mind between 0 and 1 as often as its burst allows, and ends on 2:
    // only the last of everyone's votes makes the final counts.
    const start = Date.now();
    for (const c of others) {
      for (let n = 0; n < TEST_CONFIG.rateBurst - 1; n++) c.send(vote(poll, n % 2));
      c.send(vote(poll, 2));
    }
    const votes = others.length * TEST_CONFIG.rateBurst;
    expect(votes).toBeGreaterThanOrEqual(50);
    for (const c of [host, ...others]) {
      await counted(c, [0, 0, others.length]);
      const ms = Date.now() - start;
      const updates = c.frames.filter((f) => f.type === "survey" && f.open).length - 1;
      // At most one update per interval (and the first at once), never one per vote: a loaded
      // machine stretches the burst (more intervals), so the bound is by time and by votes.
      const most = Math.ceil(ms / LIMITS.tallyIntervalMs) + 1;
      expect(updates, `${updates} updates in ${ms} ms for ${votes} votes`).toBeLessThanOrEqual(most);
      expect(updates).toBeLessThan(votes / 4);
    }
    expect(others.some((c) => c.frames.some((f) => f.type === "error"))).toBe(false);
  });
});

describe("closing a poll", () => {
  it("sends the final counts with a seq, kept in the history in order with messages (join, resume, poll)", async () => {
    const { room, host, sara } = await classRoom();
    const [before] = await said(sara, ["before"], [sara, host]);
    const poll = await opened(host, [sara]);
    sara.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    host.send({ type: "survey_close" });
    const result = await final(host);
    expect(result).toEqual({
      ...poll,
      open: false,
      counts: [0, 1, 0],
      seq: before!.seq + 1,
      ts: expect.any(Number),
    });
    expect(await final(sara)).toEqual(result);
    const [after] = await said(sara, ["after"], [sara, host]);
    expect(after!.seq).toBe(result.seq! + 1);
    // A late joiner: in its history, and no poll open.
    const late = await join(room, "Late");
    expect(late.welcome.history).toEqual([before, result, after]);
    expect(late.welcome.survey).toBeUndefined();
    // A resume from before it gets it in order; on HTTP alike.
    expect((await join(room, "Back", { since: before!.seq })).welcome.history).toEqual([result, after]);
    expect((await new PollClient(room, "Poller").join({ since: before!.seq })).history).toEqual([result, after]);
    // The votes go with the poll: storage keeps only the result.
    const rows = await runInDurableObject(roomStub(env, room), (_i, state) => ({
      votes: state.storage.sql.exec("SELECT * FROM survey_votes").toArray().length,
      open: state.storage.sql.exec("SELECT * FROM survey").toArray().length,
    }));
    expect(rows).toEqual({ votes: 0, open: 0 });
  });

  it("is the last survey frame of that poll: an update still pending at the close is dropped", async () => {
    const { host, sara } = await classRoom();
    const poll = await opened(host, [sara]);
    // The host votes too (its frames keep their order): the first update goes at once, the
    // second waits for the interval, and the close comes while it waits.
    host.send(vote(poll, 0));
    await counted(sara, [1, 0, 0]);
    host.send(vote(poll, 1));
    host.send({ type: "survey_close" });
    const last = await final(sara);
    expect(last).toMatchObject({ id: poll.id, open: false, counts: [0, 1, 0] });
    // A barrier after the pending update's time: the next poll's first update rides the same tally.
    const next = await opened(host, [sara], { ...OPEN, question: "Next?" });
    host.send(vote(next, 2));
    await counted(sara, [0, 0, 1]);
    const after = sara.frames.slice(sara.frames.indexOf(last) + 1);
    expect(surveysIn(after).filter((f) => f.id === poll.id)).toEqual([]);
  });

  it("lets a socket ack the result's seq (not bad_frame)", async () => {
    const { host, sara } = await classRoom();
    await opened(host, [sara]);
    host.send({ type: "survey_close" });
    const result = await final(sara);
    sara.send({ type: "ack", seq: result.seq });
    sara.send({ type: "ack", seq: result.seq! + 1 });
    // Only the second is above what Sara was sent (a message after them is the barrier).
    expect(await sara.skipTo("error")).toMatchObject({ code: "bad_frame" });
    await said(sara, ["barrier"], [sara]);
    expect(sara.frames.filter((f) => f.type === "error")).toHaveLength(1);
  });

  it("survives an eviction, open (its votes and ids) and closed (in the history)", async () => {
    const { room, host, sara } = await classRoom();
    const poll = await opened(host, [sara]);
    sara.send(vote(poll, 2));
    await counted(host, [0, 0, 1]);
    await sara.close();
    await evictDurableObject(roomStub(env, room));
    const ali = await join(room, "Ali", { session: session() });
    expect(ali.welcome.survey).toEqual({ ...poll, counts: [0, 0, 1] });
    expect((await join(room, "Sara", { session: session() })).welcome.survey?.mine).toBe(2);
    ali.send(vote(poll, 0));
    await counted(host, [1, 0, 1]);
    host.send({ type: "survey_close" });
    const result = await final(host);
    expect(result).toMatchObject({ open: false, counts: [1, 0, 1] });
    await evictDurableObject(roomStub(env, room));
    expect((await join(room, "Late")).welcome.history).toEqual([result]);
  });

  it("keeps a poll open when the host gives the room up: members still vote, a new host closes it", async () => {
    const { room, key, host, sara } = await classRoom();
    const poll = await opened(host, [sara]);
    const res = await SELF.fetch(`${ORIGIN}/api/rooms/${room}/host`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(204);
    await host.skipTo("role");
    host.send({ type: "survey_close" });
    expect(await host.skipTo("error")).toMatchObject({ code: "not_host" });
    sara.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    expect((await join(room, "Late")).welcome.survey).toMatchObject({ id: poll.id, open: true });
  });
});

describe("a poll's result in the history", () => {
  async function withResult() {
    const { room, key, host, sara } = await classRoom();
    const [before] = await said(sara, ["before"], [sara, host]);
    await opened(host, [sara]);
    host.send({ type: "survey_close" });
    const result = await final(host);
    await sara.skipTo("survey");
    return { room, key, host, sara, before: before!, result };
  }

  it("is deleted and brought back (undo) like a message, and is not pinned (no_such_message)", async () => {
    const { room, host, sara, before, result } = await withResult();
    host.send({ type: "pin", seq: result.seq });
    expect(await host.error()).toMatchObject({ code: "no_such_message" });
    host.send({ type: "delete", seq: result.seq });
    expect(await sara.skipTo("deleted")).toEqual({ type: "deleted", seq: result.seq });
    expect((await join(room, "Late")).welcome.history).toEqual([before]);
    expect((await join(room, "Back", { since: result.seq! })).welcome.deleted).toEqual([result.seq]);
    host.send({ type: "undelete", seq: result.seq });
    expect(await sara.skipTo("restored")).toEqual({ type: "restored", message: result });
    expect((await join(room, "Later")).welcome.history).toEqual([before, result]);
  });

  it("goes with a clear (an open poll stays open: it is not in the history yet)", async () => {
    const { room, host, sara } = await withResult();
    const open = await opened(host, [sara], { ...OPEN, question: "Open during the clear" });
    host.send({ type: "clear" });
    await sara.skipTo("cleared");
    const late = await join(room, "Late");
    expect(late.welcome.history).toEqual([]);
    expect(late.welcome.survey).toEqual(open);
  });

  it("is trimmed like a message once HISTORY_LIMIT newer entries are kept (a resume from before it: gap)", async () => {
    const { room, result } = await withResult();
    // Three fresh names, each within its burst: HISTORY_LIMIT messages after the result.
    const per = TEST_CONFIG.historyLimit / 3;
    expect(per).toBeLessThanOrEqual(TEST_CONFIG.rateBurst);
    for (const name of ["Ali", "Bita", "Cyrus"]) {
      const c = await join(room, name, { session: session() });
      await said(
        c,
        Array.from({ length: per }, (_, i) => `${name} ${i}`),
        [c],
      );
    }
    const stored = async () =>
      runInDurableObject(roomStub(env, room), (_i, state) =>
        state.storage.sql.exec<{ kind: string | null }>("SELECT kind FROM messages WHERE kind = 'survey'").toArray(),
      );
    expect(await stored()).toEqual([]);
    const back = await join(room, "Back", { since: result.seq! - 1 });
    expect(back.welcome.gap).toBe(true);
    expect(back.welcome.history.some((e) => e.type === "survey")).toBe(false);
  });
});

describe("a room that expires", () => {
  it("forgets a poll's result and an open poll with the rest of its storage", async () => {
    const { room, host, sara } = await classRoom();
    await opened(host, [sara]);
    await closed(host);
    const open = await opened(host, [sara], { ...OPEN, question: "Still open?" });
    sara.send(vote(open, 0));
    await counted(host, [1, 0, 0]);
    const late = await join(room, "Late");
    expect(late.welcome.history.map((e) => e.type)).toEqual(["survey"]);
    expect(late.welcome.survey?.id).toBe(open.id);
    for (const c of [host, sara, late]) await c.close();
    // Nothing happened for longer than ROOM_IDLE_DAYS: the alarm forgets everything.
    const stub = roomStub(env, room);
    await runInDurableObject(stub, (_i, state) => {
      const idle = Date.now() - (TEST_CONFIG.roomIdleDays + 1) * 86_400_000;
      state.storage.sql.exec("UPDATE room SET value = ? WHERE key = 'active_at'", String(idle));
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const fresh = await join(room, "Sara");
    expect(fresh.welcome.history).toEqual([]);
    expect(fresh.welcome.survey).toBeUndefined();
    fresh.send(vote(open, 1));
    expect(await fresh.error()).toMatchObject({ code: "survey_closed" });
  });
});

describe("the transcript", () => {
  const transcript = (room: string, key: string, query = "") =>
    SELF.fetch(`${ORIGIN}/api/rooms/${encodeURIComponent(room)}/transcript${query}`, {
      headers: { Authorization: `Bearer ${key}` },
    });

  it("has each closed poll's result at its place: Markdown (escaped, English and Persian) and JSON", async () => {
    const { room, key, host, sara } = await classRoom();
    const [before] = await said(sara, ["before"], [sara, host]);
    const poll = await opened(host, [sara], {
      type: "survey_open",
      question: "Best *tool*? <b>",
      options: ["- a list", "[link](x)", "1. two"],
    });
    sara.send(vote(poll, 1));
    await counted(host, [0, 1, 0]);
    host.send({ type: "survey_close" });
    const result = await final(host);
    const [after] = await said(sara, ["after"], [sara, host]);

    const json = (await (await transcript(room, key, "?format=json")).json()) as Transcript;
    expect(json.messages).toEqual([before, after]);
    expect(json.surveys).toEqual([result]);

    const md = await (await transcript(room, key)).text();
    const paragraphs = md.trimEnd().split("\n\n");
    const i = paragraphs.findIndex((p) => p.includes("**Poll**"));
    expect(paragraphs[i - 1]).toContain("before");
    expect(paragraphs[i + 1]).toContain("after");
    expect(paragraphs[i]!.split("\\\n")).toEqual([
      expect.stringMatching(/^\*\*\d\d:\d\d\*\* · \*\*Poll\*\*$/),
      "Best \\*tool\\*? \\<b\\>",
      "\\- a list — 0 votes",
      "\\[link\\](x) — 1 vote",
      "1\\. two — 0 votes",
    ]);

    const fa = await (await transcript(room, key, "?lang=fa")).text();
    const poll_fa = fa.split("\n\n").find((p) => p.includes("**نظرسنجی**"))!;
    expect(poll_fa.split("\\\n").slice(2)).toEqual(["\\- a list — ۰ رأی", "\\[link\\](x) — ۱ رأی", "1\\. two — ۰ رأی"]);
  });
});
