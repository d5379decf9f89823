import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/protocol";
import { join, uniqueRoom } from "./client";

describe("broadcast under load", () => {
  it("keeps seq consecutive for every socket, with nothing lost or doubled, and no timer left", async () => {
    const room = uniqueRoom();
    const people = [];
    for (let i = 0; i < 6; i++) people.push(await join(room, `p${i}`));
    // Everyone sends a full burst at once: the room coalesces, possibly into arrays.
    for (const p of people) for (let i = 0; i < 10; i++) p.say(`${p.welcome.you}:${i}`, `${p.welcome.you}-${i}`);
    for (const p of people) {
      const seqs: number[] = [];
      while (seqs.length < 60) {
        const f = await p.next(`message ${seqs.length + 1} of 60 for ${p.welcome.you}`);
        if (f.type === "message") seqs.push((f as ChatMessage).seq);
      }
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    }
    // A pending timer would keep the room from hibernating.
    const stub = env.ROOMS.get(env.ROOMS.idFromName(room));
    const timer = await runInDurableObject(
      stub,
      (instance) => (instance as unknown as { outbox: { timer?: unknown } }).outbox.timer,
    );
    expect(timer).toBeUndefined();
  });
});
