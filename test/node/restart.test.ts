/**
 * A real `wrangler dev`, stopped for 10 s and started again, with a protocol client's room and
 * three tabs in Chromium on it: what a class sees when the teacher's laptop restarts the server.
 * One restart for all of it, since each start of `wrangler dev` costs the 2-core machine about 2 s
 * of CPU (2026-12-02).
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { asMessage } from "../support/frame-queue";
import { NodeClient } from "../support/node-client";
import { allConfirmed, haveChromium, log, online, PATIENCE, say, texts, usePageHarness } from "../support/page-harness";

describe.skipIf(!haveChromium)("a real wrangler dev, stopped 10 s and started again", () => {
  // A server of its own: the test stops it and keeps it down 10 s.
  const h = usePageHarness({}, { ownServer: true });

  /** A tab joined as `name` that records every text #status shows and every HTTP fallback it asks. */
  async function watched(ctx: BrowserContext, room: string, name: string, requests: string[]): Promise<Page> {
    await ctx.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as { roomcastSeen?: string[] }).roomcastSeen = seen;
      addEventListener("DOMContentLoaded", () => {
        const status = document.getElementById("status")!;
        new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
    });
    return h.joined(ctx, room, name, (p) =>
      p.on("request", (req) => {
        if (/\/poll\/|\/ws-probe$/.test(req.url())) requests.push(req.url());
      }),
    );
  }

  it("keeps history and seq (--persist-to) and takes --var overrides; every tab reconnects by itself on the WebSocket, and a message written meanwhile arrives once", async () => {
    // A protocol client's room: three messages before the stop.
    const quiet = h.room();
    const wsUrl = (name: string) => `${h.url.replace("http", "ws")}/ws/${quiet}/${name}`;
    const nima = await NodeClient.open(wsUrl("Nima"));
    // The defaults of wrangler.toml's [vars] are what the contract says.
    expect((await nima.nextOf("welcome")).limits).toMatchObject({
      ratePerSecond: 5,
      rateBurst: 10,
      textMaxChars: 2000,
    });
    for (const text of ["one", "two", "three"]) nima.send({ type: "message", text });
    for (const seq of [1, 2, 3]) expect((await nima.nextOf("message")).seq).toBe(seq);
    nima.close();

    // Three tabs in another room; two of them retry at most 2 s apart, so the outage sees many
    // failed attempts (the fallback to HTTP once took three).
    const r = h.room();
    const fast = await h.newContext({ timings: { reconnectCapMs: 2000 } });
    const requests: string[] = [];
    const sara = await watched(fast, r, "Sara", requests);
    const omid = await watched(fast, r, "Omid", requests);
    const ali = await watched(await h.newContext(), r, "Ali", requests);
    const tabs = [sara, omid, ali];
    await say(sara, "before");
    await expect.poll(() => texts(ali), PATIENCE).toEqual(["before"]);

    await h.dev.stop();
    const down = Date.now();
    for (const tab of tabs) await tab.locator('#status[data-state="reconnecting"]').waitFor(PATIENCE);
    expect(await ali.locator("#status").textContent()).toMatch(
      /^Connection lost \(.+\)\. Reconnecting in \d+ s…Retry now$/,
    );
    await say(sara, "written while down");
    await log(sara).locator(".pending", { hasText: "written while down" }).waitFor(PATIENCE);
    // The outage itself is the scenario: the server stays down 10 s, then takes its time to start.
    await new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() - down)));
    // Also proves that a [vars] value can be overridden with --var NAME:VALUE.
    await h.restartDev({ RATE_LIMIT_BURST: 7 });
    for (const tab of tabs) await online(tab);
    expect(Date.now() - down).toBeGreaterThanOrEqual(10_000);

    const probes = requests.filter((u) => u.endsWith("/ws-probe"));
    expect(probes.length, "each failed attempt asked whether plain HTTP gets through").toBeGreaterThan(3);
    expect(
      requests.filter((u) => /\/poll\//.test(u)),
      "no tab fell back to HTTP",
    ).toEqual([]);
    for (const tab of tabs) {
      expect(await tab.locator("#status").textContent()).toBe("Online");
      const seen = await tab.evaluate(() => (globalThis as { roomcastSeen?: string[] }).roomcastSeen ?? []);
      expect(seen.some((t) => t.startsWith("Connection lost"))).toBe(true);
      expect(seen.filter((t) => /polling/i.test(t))).toEqual([]);
    }
    await allConfirmed(sara);
    for (const tab of [omid, ali]) {
      await expect
        .poll(() => texts(tab), { message: "arrives in the other tabs, once", ...PATIENCE })
        .toEqual(["before", "written while down"]);
    }
    expect(await texts(sara)).toEqual(["before", "written while down"]);
    await say(ali, "after");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["before", "written while down", "after"]);

    // The protocol client's room: its history and seq survived, and the new limit holds.
    const aria = await NodeClient.open(wsUrl("Aria"));
    const again = await aria.nextOf("welcome");
    expect(again.seq).toBe(3);
    expect(again.limits.rateBurst).toBe(7);
    expect(again.history.map(asMessage).map((m) => [m.seq, m.text])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    aria.send({ type: "message", text: "four" });
    expect(await aria.nextOf("message")).toMatchObject({ seq: 4, from: "Aria", text: "four" });
    aria.close();
  }, 90_000);
});
