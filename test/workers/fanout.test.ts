import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/protocol";
import { ChatRoom, roomStub } from "../../src/room/chat-room";
import { TEST_CONFIG } from "../support/test-vars";
import { join, uniqueRoom } from "../support/worker-client";

describe("fan-out under load", () => {
  it("keeps seq consecutive for every socket, with nothing lost or doubled, and no timer left", async () => {
    const room = uniqueRoom();
    const people = [];
    for (let i = 0; i < TEST_CONFIG.maxUsers; i++) people.push(await join(room, `p${i}`));
    // Everyone sends a full burst at once: the room coalesces, possibly into arrays.
    for (const p of people) for (let i = 0; i < 10; i++) p.say(`${p.welcome.you}:${i}`, `${p.welcome.you}-${i}`);
    const total = people.length * 10;
    for (const p of people) {
      const seqs: number[] = [];
      while (seqs.length < total) {
        const f = await p.next(`message ${seqs.length + 1} of ${total} for ${p.welcome.you}`);
        if (f.type === "message") seqs.push((f as ChatMessage).seq);
      }
      expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
    // A pending timer would keep the room from hibernating.
    expect(
      await runInDurableObject(roomStub(env, room), (instance: ChatRoom) => ChatRoom.fanoutIdleForTests(instance)),
    ).toBe(true);
  });
});
