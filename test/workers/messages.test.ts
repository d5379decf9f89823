import { describe, expect, it } from "vitest";
import { ERROR_CODES, LIMITS } from "../../src/protocol";
import { PollClient } from "../support/poll-client";
import { TEST_CONFIG } from "../support/test-vars";
import { join, uniqueRoom } from "../support/worker-client";

/** Two people in a fresh room, each past the other's join. */
async function pair() {
  const room = uniqueRoom();
  const sara = await join(room, "Sara");
  const ali = await join(room, "Ali");
  await sara.presence();
  return { room, sara, ali };
}

describe("messages", () => {
  it("go to every socket of the room, the sender included, with seq, ts, from, text and id", async () => {
    const { sara, ali } = await pair();
    const before = Date.now();
    sara.say("  سلام، hello  ", "m-1_a");
    const toAli = await ali.message();
    const toSara = await sara.message();
    expect(toAli).toEqual(toSara);
    expect(toAli).toMatchObject({ type: "message", seq: 1, from: "Sara", text: "سلام، hello", id: "m-1_a" });
    expect(toAli.ts).toBeGreaterThanOrEqual(before - 60_000);
    ali.say("second");
    const m2 = await sara.message();
    expect(m2.seq).toBe(2);
    expect(m2).not.toHaveProperty("id");
  });

  it("never cross rooms", async () => {
    const a = await pair();
    const b = await pair();
    a.sara.say("in a");
    b.sara.say("in b");
    expect((await a.ali.message()).text).toBe("in a");
    expect((await b.ali.message()).text).toBe("in b");
    expect((await a.sara.message()).seq).toBe(1);
    expect(a.ali.unread).toEqual([]);
  });

  it("keep newlines and tabs inside the text", async () => {
    const { sara, ali } = await pair();
    sara.say("line one\r\nline\ttwo\n");
    expect((await ali.message()).text).toBe("line one\nline\ttwo");
  });

  it("may be 2000 code points long (Persian, astral), counted as code points", async () => {
    const { sara, ali } = await pair();
    const text = "𝒜".repeat(LIMITS.textMaxChars);
    expect(text.length).toBe(4000);
    sara.say(text);
    expect((await ali.message()).text).toBe(text);
  });

  it("answers a resend of a kept id to the sender alone, with the original seq, storing nothing", async () => {
    const { sara, ali } = await pair();
    sara.say("once", "dup-id-1");
    const original = await sara.message();
    await ali.message();
    sara.say("once again?", "dup-id-1");
    expect(await sara.message()).toEqual(original);
    // Ali gets nothing for the resend: his next frame is the next real message, seq 2.
    ali.say("next");
    expect(await ali.message()).toMatchObject({ seq: 2, text: "next" });
    expect(await sara.message()).toMatchObject({ seq: 2, text: "next" });
    expect(sara.unread).toEqual([]);
  });

  it("treats the same id from another name as a new message", async () => {
    const { sara, ali } = await pair();
    sara.say("a", "shared-id");
    ali.say("b", "shared-id");
    const got = [await sara.message(), await sara.message()];
    expect(got.map((m) => [m.seq, m.from])).toEqual([
      [1, "Sara"],
      [2, "Ali"],
    ]);
  });
});

describe("typing", () => {
  it("goes to the others, not back to the typer, at most once every 2 s per sender", async () => {
    const { sara, ali } = await pair();
    sara.send({ type: "typing" });
    expect(await ali.nextOf("typing")).toEqual({ type: "typing", from: "Sara" });
    sara.send({ type: "typing" });
    sara.say("done typing");
    // The second typing, within 2 s, was not relayed; Sara never got her own.
    expect(await ali.message()).toMatchObject({ text: "done typing" });
    expect(await sara.message()).toMatchObject({ text: "done typing" });
    expect(sara.unread).toEqual([]);
  });

  it("is not stored", async () => {
    const { room, sara } = await pair();
    sara.send({ type: "typing" });
    const late = await join(room, "Late");
    expect(late.welcome.history).toEqual([]);
    expect(late.welcome.seq).toBe(0);
  });
});

describe("invalid frames", () => {
  const oversized = JSON.stringify({ type: "message", text: "a".repeat(LIMITS.frameMaxBytes) });
  it.each([
    ["bad JSON", "{not json", "bad_json", undefined],
    ["an unknown type", { type: "shout", text: "hi", id: "x1" }, "unknown_type", "x1"],
    ["no type", { text: "hi" }, "bad_frame", undefined],
    ["a JSON array", [{ type: "message", text: "hi" }], "bad_frame", undefined],
    ["a JSON string", '"hello"', "bad_frame", undefined],
    ["text that is a number", { type: "message", text: 42, id: "n1" }, "bad_frame", "n1"],
    ["a malformed id", { type: "message", text: "hi", id: "has space" }, "bad_frame", undefined],
    ["a 65-character id", { type: "message", text: "hi", id: "a".repeat(65) }, "bad_frame", undefined],
    ["empty text", { type: "message", text: "   \n ", id: "e1" }, "empty_text", "e1"],
    ["text over 2000 code points", { type: "message", text: "ب".repeat(2001), id: "l1" }, "text_too_long", "l1"],
    ["a control character", { type: "message", text: "bell\u0007", id: "c1" }, "invalid_text", "c1"],
    ["a lone high surrogate", { type: "message", text: "half \ud83d of a pair", id: "s1" }, "invalid_text", "s1"],
    ["a lone low surrogate", { type: "message", text: "\ude00 end", id: "s2" }, "invalid_text", "s2"],
    ["a low surrogate before a high one", { type: "message", text: "\ude00\ud83d", id: "s3" }, "invalid_text", "s3"],
    ["a frame over 16 KiB", oversized, "frame_too_large", undefined],
  ])("answers %s with an error frame and keeps the socket open", async (_, frame, code, id) => {
    const { sara, ali } = await pair();
    sara.send(frame);
    const error = await sara.error();
    expect(error.code).toBe(code);
    expect(error.message).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES]);
    expect(error.id).toBe(id);
    // Still open, and nothing was broadcast or stored: the next message is seq 1 for both.
    sara.say("after");
    expect(await ali.message()).toMatchObject({ seq: 1, text: "after" });
    expect(await sara.message()).toMatchObject({ seq: 1, text: "after" });
  });

  it("refuses binary frames with binary_unsupported", async () => {
    const { sara, ali } = await pair();
    sara.ws.send(new TextEncoder().encode(JSON.stringify({ type: "message", text: "hi" })));
    expect((await sara.error()).code).toBe("binary_unsupported");
    sara.say("after");
    expect(await ali.message()).toMatchObject({ seq: 1 });
  });
});

describe("ping", () => {
  it("is answered pong by the runtime, and spends no token", async () => {
    const { sara, ali } = await pair();
    for (let i = 0; i < 30; i++) sara.send("ping");
    expect(await sara.textCount(30)).toEqual(Array(30).fill("pong"));
    for (let i = 0; i < 10; i++) sara.say(`m${i}`);
    for (let i = 0; i < 10; i++) expect((await ali.message()).text).toBe(`m${i}`);
  });
});

describe("rate limit", () => {
  it("drops frames over the burst and reports at most one rate_limited, echoing the dropped id", async () => {
    const { rateBurst, ratePerSecond } = TEST_CONFIG;
    const { sara, ali } = await pair();
    const start = Date.now();
    for (let i = 0; i < rateBurst; i++) sara.say(`m${i}`, `id${i}`);
    // As many again over the burst: a loaded machine may refill a token or two meanwhile (the
    // bucket refills at ratePerSecond), never the lot.
    for (let i = 0; i < rateBurst; i++) sara.say(`over ${i}`, `over-${i}`);
    sara.send("{bad json"); // invalid frames spend tokens too and get no answer past the limit
    for (let i = 0; i < rateBurst; i++) expect((await ali.message()).text).toBe(`m${i}`);
    // The room has come to the frames over the burst once it reports the first one dropped.
    const seen = [];
    for (let f = await sara.next(); ; f = await sara.next()) {
      seen.push(f);
      if (f.type === "error") break;
    }
    // Once the bucket refills, one more goes through: its seq counts everything accepted before it.
    await new Promise((r) => setTimeout(r, 1000 / ratePerSecond + 250));
    // Every frame above went before this one: no more tokens refilled for them than this long allows.
    const refillable = Math.ceil(((Date.now() - start) / 1000) * ratePerSecond);
    sara.say("refilled");
    for (let f = await sara.next(); f.type !== "message" || f.text !== "refilled"; f = await sara.next()) seen.push(f);
    const accepted = seen.filter((f) => f.type === "message").map((f) => (f.type === "message" ? f.id : ""));
    expect(accepted.length).toBeGreaterThanOrEqual(rateBurst);
    expect(accepted.length).toBeLessThanOrEqual(rateBurst + refillable);
    // And far from the lot (no limit: all 2 × rateBurst).
    expect(accepted.length).toBeLessThan(2 * rateBurst);
    const errors = seen.filter((f) => f.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: "error", code: "rate_limited", message: ERROR_CODES.rate_limited });
    const dropped = errors[0]!.type === "error" ? errors[0]!.id : undefined;
    expect(dropped).toMatch(/^over-\d+$/);
    expect(accepted).not.toContain(dropped);
  });

  it("is per connection, not per room or address", async () => {
    const { sara, ali } = await pair();
    for (let i = 0; i < 10; i++) sara.say(`s${i}`);
    for (let i = 0; i < 10; i++) ali.say(`a${i}`);
    const texts = [];
    for (let i = 0; i < 20; i++) texts.push((await ali.message()).text);
    expect(texts.filter((t) => t.startsWith("a"))).toHaveLength(10);
  });

  it("with a lone surrogate are refused over HTTP too, and nothing is stored", async () => {
    const room = uniqueRoom();
    const sara = await join(room, "Sara");
    const ali = new PollClient(room, "Ali");
    await ali.join();
    await sara.presence();
    const refused = await ali.send('{"type":"message","text":"broken \\ud800","id":"p-1"}');
    expect(refused.body.frames).toEqual([
      { type: "error", code: "invalid_text", message: ERROR_CODES.invalid_text, id: "p-1" },
    ]);
    await ali.send({ type: "message", text: "whole 😀", id: "p-2" });
    expect(await sara.message()).toMatchObject({ seq: 1, text: "whole 😀", id: "p-2" });
  });
});
