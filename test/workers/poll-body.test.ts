/**
 * @module
 * A poller's `POST /poll/` body is read as it arrives and refused at the frame limit (413
 * `frame_too_large`): by its `Content-Length` before a byte is read, or at the chunk that passes
 * the limit; a body at the limit is a frame like any other.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/protocol";
import { PollClient, messagesIn } from "../support/poll-client";
import { ORIGIN, join, uniqueRoom } from "../support/worker-client";

const encoder = new TextEncoder();
/** A body far over the limit (1 MiB): as good as endless, but a broken cap still ends the test. */
const ENDLESS = 1 << 20;

/** A poller in a room of its own, and where it POSTs. */
async function poller() {
  const room = uniqueRoom();
  const ali = new PollClient(room, "Ali");
  await ali.join();
  const url = `${ORIGIN}/poll/${room}/Ali?session=${ali.session}`;
  return { room, ali, url };
}

/** A message frame padded with JSON whitespace to exactly `bytes` UTF-8 bytes. */
function frameOf(bytes: number, text: string): string {
  const frame = JSON.stringify({ type: "message", text });
  return frame + " ".repeat(bytes - encoder.encode(frame).length);
}

/** A body of unknown length (chunked): `chunk` bytes per pull, `total` in all, counted as they are pulled. */
function chunked(chunk: Uint8Array, total: number) {
  const pulled = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled.bytes >= total) return controller.close();
        const part = chunk.subarray(0, Math.min(chunk.length, total - pulled.bytes));
        pulled.bytes += part.length;
        controller.enqueue(part);
      },
      cancel() {
        pulled.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled };
}

const refused = { status: 413, body: { error: { code: "frame_too_large" } } };
const answer = async (res: Response) => ({ status: res.status, body: await res.json() });

describe("POST /poll/: the body's size", () => {
  it("refuses a body whose Content-Length is over the limit before reading it", async () => {
    const { url } = await poller();
    // 1 MiB declared, made only as it is read: read whole, every byte of it would be pulled.
    const { stream, pulled } = chunked(encoder.encode(" ".repeat(1024)), ENDLESS);
    const body = new FixedLengthStream(ENDLESS);
    void stream.pipeTo(body.writable).catch(() => {});
    const res = await SELF.fetch(url, { method: "POST", body: body.readable });
    expect(await answer(res)).toMatchObject(refused);
    expect(pulled.bytes).toBeLessThan(LIMITS.frameMaxBytes);
  });

  it("refuses a chunked body (no Content-Length) at the chunk that passes the limit, reading no further", async () => {
    const { url } = await poller();
    const { stream, pulled } = chunked(encoder.encode(" ".repeat(1024)), ENDLESS);
    const res = await SELF.fetch(url, { method: "POST", body: stream });
    expect(await answer(res)).toMatchObject(refused);
    // Read whole, all of it would be pulled; refused as it streams, little past the limit is.
    expect(pulled.bytes).toBeLessThan(LIMITS.frameMaxBytes * 2);
  });

  it("accepts a frame of exactly the limit, with a Content-Length or chunked, and refuses one byte more", async () => {
    const { room, ali, url } = await poller();
    const sara = await join(room, "Sara");
    const exact = frameOf(LIMITS.frameMaxBytes, "é".repeat(1000));
    expect(await answer(await SELF.fetch(url, { method: "POST", body: exact }))).toEqual({
      status: 200,
      body: { frames: [] },
    });
    const { stream } = chunked(encoder.encode(frameOf(LIMITS.frameMaxBytes, "chunked")), LIMITS.frameMaxBytes);
    expect((await SELF.fetch(url, { method: "POST", body: stream })).status).toBe(200);
    expect((await sara.skipTo("message")).text).toBe("é".repeat(1000));
    expect((await sara.skipTo("message")).text).toBe("chunked");
    const over = frameOf(LIMITS.frameMaxBytes + 1, "over");
    expect(await answer(await SELF.fetch(url, { method: "POST", body: over }))).toMatchObject(refused);
    const { stream: overChunked } = chunked(encoder.encode(over), LIMITS.frameMaxBytes + 1);
    expect(await answer(await SELF.fetch(url, { method: "POST", body: overChunked }))).toMatchObject(refused);
    // The refused bodies reached no one.
    sara.say("barrier");
    expect((await sara.skipTo("message")).text).toBe("barrier");
    expect(messagesIn(await ali.frames((f) => messagesIn(f).includes("barrier")))).not.toContain("over");
  });
});
