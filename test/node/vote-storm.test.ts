/**
 * @module
 * Issue 20's fan-out at a class's scale, on a real `npm run serve` with protocol clients on
 * 127.0.0.1: 300 members vote within a second, on a poll and on a question, and every socket gets
 * the final counts in a handful of frames (the room aggregates: at most one update per
 * `LIMITS.tallyIntervalMs`), never one frame per vote. `npm run bench`'s vote-storm measures the
 * same against a room that broadcasts per vote.
 */
import { afterAll, describe, expect, it } from "vitest";
import { LIMITS, type ServerFrame } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { SERVE_VARS, sharedServer } from "../support/shared-server";

const CLASS = 300;

describe("a vote storm on a real npm run serve", () => {
  const open: NodeClient[] = [];
  afterAll(() => {
    for (const c of open) c.close();
  });

  it("300 votes within a second reach every socket in a handful of frames, with the right counts", async () => {
    const { url } = await sharedServer("npm run serve", SERVE_VARS);
    const ws = url.replace(/^http/, "ws");
    const room = `storm-${Math.random().toString(36).slice(2, 10)}`;
    const claim = await fetch(`${url}/api/rooms/${room}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as { hostKey: string };
    const host = await NodeClient.open(`${ws}/ws/${room}/Teacher?host=${hostKey}&session=teacher-${room}`);
    open.push(host);
    await host.skipTo("welcome");
    const members: NodeClient[] = [];
    for (let i = 0; i < CLASS; i += 50) {
      const batch = Array.from({ length: Math.min(50, CLASS - i) }, async (_, j) => {
        const c = await NodeClient.open(`${ws}/ws/${room}/s${i + j}?session=storm-${room}-${i + j}`);
        await c.skipTo("welcome");
        return c;
      });
      members.push(...(await Promise.all(batch)));
    }
    open.push(...members);
    const everyone = [host, ...members];

    host.send({ type: "survey_open", question: "Which transport?", options: ["WebSocket", "SSE", "Long polling"] });
    const poll = await host.skipTo("survey");
    members[0]!.send({ type: "message", text: "Why aggregate?", question: true });
    const question = await host.skipTo("message");
    // Everyone has both before the storm, so what each socket gets after the mark is the storm's.
    await Promise.all(members.map((c) => c.until("the question", () => c.frames.find((f) => f.type === "message"))));
    const mark = everyone.map((c) => c.frames.length);

    const start = Date.now();
    for (let i = 0; i < CLASS; i++) {
      members[i]!.send({ type: "survey_vote", survey: poll.id, option: i % 3 });
      members[i]!.send({ type: "vote", seq: question.seq, up: true });
      // Spread over about a second, as a class that was asked to vote.
      if (i % 30 === 29) await new Promise((r) => setTimeout(r, 100));
    }
    const finalPoll = [CLASS / 3, CLASS / 3, CLASS / 3];
    const hasFinal = (frames: ServerFrame[]) =>
      frames.some((f) => f.type === "survey" && f.counts.join() === finalPoll.join()) &&
      frames.some((f) => f.type === "votes" && f.counts[String(question.seq)] === CLASS);
    await Promise.all(
      everyone.map((c, i) => c.until("the final counts", () => (hasFinal(c.frames.slice(mark[i])) ? true : undefined))),
    );
    const seconds = (Date.now() - start) / 1000;
    // At most one update per tally interval (and one at once), whatever the number of votes.
    const most = Math.ceil((seconds * 1000) / LIMITS.tallyIntervalMs) + 1;
    everyone.forEach((c, i) => {
      const storm = c.frames.slice(mark[i]);
      const updates = storm.filter((f) => f.type === "survey").length;
      const votes = storm.filter((f) => f.type === "votes").length;
      expect(updates, `${updates} poll updates in ${seconds} s`).toBeLessThanOrEqual(most);
      expect(votes, `${votes} votes frames in ${seconds} s`).toBeLessThanOrEqual(most);
      // A handful, not 300 of each.
      expect(updates + votes).toBeLessThan(CLASS / 10);
      expect(storm.filter((f) => f.type === "error")).toEqual([]);
    });
  }, 60_000);
});
