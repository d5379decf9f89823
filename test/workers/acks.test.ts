import { asMessage } from "../support/frame-queue";
import { describe, expect, it } from "vitest";
import { CLOSE_TOO_SLOW } from "../../src/protocol";
import { TEST_CONFIG } from "../support/test-vars";
import { join, uniqueRoom, type TestClient } from "../support/worker-client";

// Each message frame is a little over 1 KiB, so a burst of 10 (one sender's rate-limit burst)
// is about 10.5 KiB; the workers project runs with MAX_UNACKED_BYTES = 32 KiB.
const TEXT = "x".repeat(1000);
const BURST = 10;

/** Waits for the next `n` message frames, skipping presence. */

describe("acks and the bound on what the room holds for one socket", () => {
  it("closes a client that never acks once it falls MAX_UNACKED_BYTES behind; one that acks misses nothing", async () => {
    expect(TEST_CONFIG.maxUnackedBytes).toBeLessThan(4 * BURST * 1024);
    const room = uniqueRoom();
    const silent = await join(room, "Silent");
    const reader = await join(room, "Reader");
    const senders: TestClient[] = [];
    for (let i = 0; i < 4; i++) senders.push(await join(room, `sender${i}`));
    const received: number[] = [];
    for (const [i, sender] of senders.entries()) {
      for (let m = 0; m < BURST; m++) sender.say(`${i}:${m}:${TEXT}`);
      // Everyone but Silent reads the burst and acks what it processed, as the contract says.
      for (const c of [reader, ...senders]) {
        const burst = await c.messages(BURST);
        if (c === reader) received.push(...burst.map((m) => m.seq));
        c.send({ type: "ack", seq: burst.at(-1)!.seq });
      }
    }
    expect(received).toEqual(Array.from({ length: 4 * BURST }, (_, i) => i + 1));

    const error = await silent.until("the too_slow error", () => silent.frames.find((f) => f.type === "error"));
    expect(error).toMatchObject({ type: "error", code: "too_slow" });
    expect((await silent.closed).code).toBe(CLOSE_TOO_SLOW);
    const left = await reader.until("Silent's leave", () =>
      reader.frames.find((f) => f.type === "presence" && f.left.includes("Silent")),
    );
    expect(left).toMatchObject({ type: "presence", left: ["Silent"] });
    // Still in the room, never told to slow down.
    for (const c of [reader, ...senders]) expect(c.frames.filter((f) => f.type === "error")).toEqual([]);
    const late = await join(room, "Late");
    expect(late.welcome.users.map((u) => u.name).sort()).toEqual(
      ["Late", "Reader", "sender0", "sender1", "sender2", "sender3"].sort(),
    );
  });

  it("never answers, stores or broadcasts an ack", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = await join(room, "Ali");
    await sara.presence();
    sara.say("one");
    const one = await ali.message();
    await sara.message();
    ali.send({ type: "ack", seq: one.seq });
    ali.say("barrier");
    expect((await sara.message()).text).toBe("barrier");
    expect((await ali.message()).text).toBe("barrier");
    expect(ali.unread).toEqual([]);
    expect(sara.unread).toEqual([]);
    expect((await join(room, "Late")).welcome.history.map(asMessage).map((m) => m.text)).toEqual(["one", "barrier"]);
  });

  it("lets four acks a second through without spending rate-limit tokens", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    for (let i = 0; i < 4; i++) sara.send({ type: "ack", seq: 0 });
    // The whole burst is still there for messages.
    for (let i = 0; i < TEST_CONFIG.rateBurst; i++) sara.say(`m${i}`);
    const got = await sara.messages(TEST_CONFIG.rateBurst);
    expect(got.map((m) => m.text)).toEqual(Array.from({ length: TEST_CONFIG.rateBurst }, (_, i) => `m${i}`));
    expect(sara.frames.filter((f) => f.type === "error")).toEqual([]);
  });

  it.each([
    ["a seq above the room's", { type: "ack", seq: 5 }],
    ["a fractional seq", { type: "ack", seq: 1.5 }],
    ["a negative seq", { type: "ack", seq: -1 }],
    ["a string seq", { type: "ack", seq: "1" }],
    ["no seq", { type: "ack" }],
  ])("refuses %s with bad_frame", async (_, frame) => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    sara.send(frame);
    expect(await sara.error()).toMatchObject({ code: "bad_frame" });
  });
});
