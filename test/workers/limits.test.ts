/**
 * @module
 * Limits that hold (issue 16 item 5): the message bucket belongs to the name across takeovers
 * and transports, what the room keeps per name is bounded, an ack releases only what it
 * acknowledges, and joins per room (`join_busy`, returning pairs and the host never refused).
 */
import { SELF, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { CLOSE_TOO_SLOW, type ErrorFrame } from "../../src/protocol";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { ORIGIN, type TestClient, claimHost, join, open, session, uniqueRoom } from "../support/worker-client";

/** Waits for the next `n` message frames, skipping presence. */

const BURST = TEST_CONFIG.rateBurst;

/**
 * A second burst sent right after the first (begun at `spentAt`): with the first's bucket, the
 * room lets through only what refilled meanwhile (5 a second) and reports the first dropped one,
 * whose id says how many went through. A fresh bucket would let all ten through and report
 * nothing. What may have refilled is counted from the clock, since a loaded machine takes longer
 * between the two bursts.
 */
async function expectSecondBurstLimited(client: TestClient, spentAt: number): Promise<void> {
  for (let i = 0; i < BURST; i++) client.say(`again ${i}`, `again-${i}`);
  // What refilled comes back as messages first.
  const error = await client.skipTo("error");
  expect(error.code).toBe("rate_limited");
  const refilled = Math.floor(((Date.now() - spentAt) / 1000) * TEST_CONFIG.ratePerSecond) + 1;
  expect(Number(error.id?.replace("again-", ""))).toBeLessThanOrEqual(Math.min(refilled, BURST - 1));
}

describe("the message bucket belongs to the name", () => {
  it("a takeover by the same session does not refill it", async () => {
    const room = uniqueRoom();
    const s = session();
    const sara = await join(room, "Sara", { session: s });
    const spentAt = Date.now();
    for (let i = 0; i < BURST; i++) sara.say(`m${i}`);
    await sara.messages(BURST);
    const again = await join(room, "Sara", { session: s });
    await expectSecondBurstLimited(again, spentAt);
  });

  it("nor does moving from HTTP to a socket", async () => {
    const room = uniqueRoom();
    const poller = new PollClient(room, "Sara");
    await poller.join();
    const spentAt = Date.now();
    for (let i = 0; i < BURST; i++) {
      const { body } = await poller.send({ type: "message", text: `m${i}` });
      expect(body.frames.filter((f) => f.type === "error")).toEqual([]);
    }
    const socket = await join(room, "Sara", { session: poller.session });
    await expectSecondBurstLimited(socket, spentAt);
  });

  it("is still one bucket per name: another name in the room has its own", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    for (let i = 0; i < BURST; i++) sara.say(`s${i}`);
    for (let i = 0; i < BURST; i++) ali.say(`a${i}`);
    const got = await ali.messages(2 * BURST);
    expect(got.filter((m) => m.from === "Ali")).toHaveLength(BURST);
  });
});

describe("what the room keeps per name is bounded", () => {
  it("forgets the buckets and typing times of names that left, once they hold nothing back", async () => {
    const room = uniqueRoom();
    const stay = await join(room, "Stay");
    for (let i = 0; i < 5; i++) {
      const c = await join(room, `gone${i}`);
      c.send({ type: "typing" });
      // The last one all but empties its bucket (its typing frame took a token too): it refills
      // in about 2 s, long after it left, so its bucket is still held below however slow the
      // machine (the others' may go as they leave: a full bucket at a leave is forgotten at once).
      const says = i === 4 ? BURST - 1 : 1;
      for (let k = 0; k < says; k++) c.say(`bye ${i}.${k}`);
      await c.messages(says);
      await c.close();
    }
    stay.say("still here");
    await stay.skipTo("message");
    const stub = roomStub(env, room);
    const held = () => runInDurableObject(stub, (r: ChatRoom) => ChatRoom.namesHeldForTests(r));
    const before = await held();
    expect(before.buckets).toBeGreaterThanOrEqual(2);
    expect(before.typedAt).toBeGreaterThanOrEqual(1);
    // Once a bucket is full again and the typing interval is over (2 s), the alarm's sweep
    // forgets them; Stay's is kept while Stay is in.
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(stub);
        expect(await held()).toEqual({ buckets: 1, typedAt: 0 });
      },
      { timeout: 10_000, interval: 250 },
    );
  });
});

describe("an ack releases only what it acknowledges", () => {
  // A little over 1 KiB a message: four bursts of ten pass the 32 KiB bound of the test vars.
  const TEXT = "x".repeat(1000);

  /** Four bursts that Silent never reads; after each it sends `ack`. Resolves with its close. */
  async function neverReads(ack: (silent: TestClient, first: number) => unknown) {
    expect(TEST_CONFIG.maxUnackedBytes).toBeLessThan(4 * BURST * 1024);
    const room = uniqueRoom();
    const silent = await join(room, "Silent");
    const senders: TestClient[] = [];
    for (let i = 0; i < 4; i++) senders.push(await join(room, `sender${i}`));
    let first = 0;
    for (const [i, sender] of senders.entries()) {
      for (let m = 0; m < BURST; m++) sender.say(`${i}:${m}:${TEXT}`);
      for (const c of senders) {
        const burst = await c.messages(BURST);
        c.send({ type: "ack", seq: burst.at(-1)!.seq });
        first ||= burst[0]!.seq;
      }
      silent.send(ack(silent, first));
    }
    const error = await silent.until("the too_slow error", () => silent.frames.find((f) => f.type === "error"));
    expect(error).toMatchObject({ type: "error", code: "too_slow" });
    expect((await silent.closed).code).toBe(CLOSE_TOO_SLOW);
    // The senders read and acked: still in, never told anything.
    for (const c of senders) expect(c.frames.filter((f) => f.type === "error")).toEqual([]);
  }

  it("an ack of seq 0 releases nothing: a socket that never reads is still too_slow", async () => {
    await neverReads(() => ({ type: "ack", seq: 0 }));
  });

  it("the same ack again releases nothing new", async () => {
    await neverReads((_, first) => ({ type: "ack", seq: first }));
  });

  it("accepts an ack of its welcome's seq, and refuses one above what it was sent with bad_frame (still open)", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    for (const text of ["one", "two", "three"]) sara.say(text);
    await sara.messages(3);
    const late = await join(room, "Late");
    expect(late.welcome.seq).toBe(3);
    late.send({ type: "ack", seq: 3 });
    late.send({ type: "ack", seq: 4 });
    expect(await late.error()).toMatchObject({ code: "bad_frame" });
    // Still in: it hears the next message, and nothing else came of the good ack.
    sara.say("four");
    expect(await late.message()).toMatchObject({ seq: 4, text: "four" });
    late.send({ type: "ack", seq: 4 });
    sara.say("five");
    expect(await late.message()).toMatchObject({ seq: 5 });
    expect(late.frames.filter((f) => f.type === "error")).toHaveLength(1);
  });
});

describe("joins per room", () => {
  const { joinBurst, joinPerSecond } = TEST_CONFIG;

  /** A join refused with `join_busy` on a socket: the frame (with `retryAfterMs`), then close 4429. */
  async function expectBusy(client: TestClient, first?: ErrorFrame): Promise<ErrorFrame> {
    const error = first ?? (await client.error());
    expect(error.code).toBe("join_busy");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(1000 / joinPerSecond);
    expect(await client.closed).toEqual({ code: 4429, reason: "join_busy" });
    return error;
  }

  /**
   * New (session, name) pairs, one after the other, each leaving again (the room holds only six):
   * they get in until the bucket is spent. Returns the sessions and names admitted.
   */
  async function spend(
    room: string,
  ): Promise<{ admitted: { name: string; session: string }[]; busy: TestClient; error: ErrorFrame }> {
    const admitted: { name: string; session: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < joinBurst * 3; i++) {
      const s = session();
      const c = await open(room, `n${i}`, { session: s });
      const first = await c.next("a welcome or a refusal");
      if (first.type === "error") {
        // What refilled while the others joined came on top of the burst, no more.
        expect(admitted.length).toBeGreaterThanOrEqual(joinBurst);
        expect(admitted.length).toBeLessThanOrEqual(joinBurst + 1 + ((Date.now() - started) / 1000) * joinPerSecond);
        return { admitted, busy: c, error: first };
      }
      expect(first.type).toBe("welcome");
      admitted.push({ name: `n${i}`, session: s });
      await c.close();
    }
    throw new Error(`${joinBurst * 3} joins in a row all got in`);
  }

  it("takes JOIN_BURST new pairs at once, then refuses join_busy with retryAfterMs (close 4429)", async () => {
    const room = uniqueRoom();
    const { busy, error } = await spend(room);
    const { retryAfterMs } = await expectBusy(busy, error);
    // Once the bucket refilled, a new pair gets in again.
    await new Promise((r) => setTimeout(r, retryAfterMs));
    expect((await join(room, "Later")).welcome.you).toBe("Later");
  });

  it("never refuses a pair it admitted before, nor the host", async () => {
    const room = uniqueRoom();
    const key = await claimHost(room);
    const { admitted } = await spend(room);
    // A known session under a new name is a new pair: it waits like anyone. Three tries in a row:
    // the bucket refills one join a second, so not all three can find a token.
    let refused: ErrorFrame | undefined;
    for (let i = 0; i < 3 && refused === undefined; i++) {
      const c = await open(room, `another${i}`, { session: admitted[0]!.session });
      const first = await c.next("a welcome or a refusal");
      if (first.type === "error") refused = await expectBusy(c, first);
      else await c.close();
    }
    expect(refused?.code).toBe("join_busy");
    // The bucket is empty now: a reconnect storm of those who were in gets back in, and the host.
    for (const { name, session: s } of admitted.slice(0, 5)) {
      expect((await join(room, name, { session: s })).welcome.you).toBe(name);
    }
    const teacher = await join(room, "Teacher", { host: key, session: session() });
    expect(teacher.welcome.role).toBe("host");
  });

  it("refuses over HTTP with 429, join_busy, retryAfterMs and Retry-After", async () => {
    const room = uniqueRoom();
    const { busy, error } = await spend(room);
    await expectBusy(busy, error);
    // Three tries in a row, as above: on a loaded machine a token may have refilled meanwhile.
    let res: Response | undefined;
    for (let i = 0; i < 3 && res?.status !== 429; i++) {
      res = await SELF.fetch(`${ORIGIN}/poll/${room}/Polly${i}?session=${session()}&wait=0`);
      if (res.status !== 429) {
        expect(res.status).toBe(200);
        await res.body?.cancel();
      }
    }
    if (res === undefined) throw new Error("no poll was sent");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    const body = (await res.json()) as { error: { code: string; message: string; retryAfterMs: number } };
    expect(body.error).toMatchObject({ code: "join_busy", message: expect.stringMatching(/\w+ \w+/) });
    expect(body.error.retryAfterMs).toBeGreaterThan(0);
    expect(body.error.retryAfterMs).toBeLessThanOrEqual(1000 / joinPerSecond);
  });
});
