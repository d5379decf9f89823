/**
 * @module
 * The page in Chromium when the room is busy with joins: it says so and joins by itself.
 */
import { describe, expect, it } from "vitest";
import { NodeClient } from "../support/node-client";
import { PATIENCE, haveChromium, online, usePageHarness, users } from "../support/page-harness";

describe.skipIf(!haveChromium)("a room busy with joins", () => {
  // One new join at a time, then one every 2 s: a protocol client spends the one, and the page
  // meets an empty bucket.
  const h = usePageHarness({ JOIN_BURST: 1, JOIN_PER_SECOND: 0.5 });

  it("the page says it is busy and joins by itself once the room takes it, with no click", async () => {
    const room = h.room();
    const filler = await NodeClient.open(`${h.url.replace("http", "ws")}/ws/${room}/Filler?session=filler-session`);
    expect((await filler.nextOf("welcome")).you).toBe("Filler");
    try {
      // The backoff on top of the room's retryAfterMs is short here, so the test waits for the
      // room's refill, not for the page's timers.
      const page = await (await h.newContext({ timings: { reconnectBaseMs: 50, reconnectCapMs: 200 } })).newPage();
      await page.goto(`${h.url}/?room=${room}`);
      await page.locator("#name").fill("Sara");
      await page.locator("#join button[type=submit]").click();
      await page
        .locator('#status[data-state="busy"]', { hasText: /The room is busy; joining in \d+ s…/ })
        .waitFor(PATIENCE);
      await online(page);
      await expect.poll(() => users(page).allTextContents(), PATIENCE).toHaveLength(2);
      // In, not refused: the join form stays hidden and says nothing.
      expect(await page.locator("#join").isHidden()).toBe(true);
      const joined = await filler.until("Sara's join", () =>
        filler.frames.find((f) => f.type === "presence" && f.joined.some((u) => u.name === "Sara")),
      );
      expect(joined).toBeDefined();
    } finally {
      filler.close();
    }
  });
});
