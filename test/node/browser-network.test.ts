/**
 * The page in Chromium when the network misbehaves: lost frames, rate limits, a dropped socket.
 * (A real server restart: ./restart.test.ts.)
 */
import type { WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  haveChromium,
  log,
  once,
  say,
  allConfirmed,
  texts,
  usePageHarness,
  users,
  PATIENCE,
} from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium, surviving the network", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;
  /** A tab that sends an unconfirmed message again after 1.5 s (the page's default is 4 s). */
  const quickResend = { timings: { resendAfterMs: 1500, resendCheckMs: 100 } };

  it.each([
    ["the online event", () => dispatchEvent(new Event("online"))],
    ["the tab becoming visible", () => document.dispatchEvent(new Event("visibilitychange"))],
  ])("retries at once on %s instead of waiting out the backoff", async (_, fire) => {
    // A backoff of a minute: only the event can bring the tab back within the test's timeout.
    const page = await (await newContext({ timings: { reconnectBaseMs: 60_000, reconnectCapMs: 60_000 } })).newPage();
    let serverUp = true;
    let current: WebSocketRoute | undefined;
    await page.routeWebSocket(/\/ws\//, (ws) => {
      current = ws;
      if (serverUp) ws.connectToServer();
      else void ws.close({ code: 1011, reason: "down" }); // every attempt fails at once
    });
    // The server is down for HTTP too, or the page would rightly fall back to long polling.
    await page.route(/\/poll\//, (route) => (serverUp ? route.continue() : route.abort()));
    await h.enter(page, room(), "Sara");

    serverUp = false;
    await current!.close({ code: 1011, reason: "down" });
    const waitLeft = async () =>
      Number(/Reconnecting in (\d+) s/.exec((await page.locator("#status").textContent()) ?? "")?.[1] ?? 0);
    await expect
      .poll(waitLeft, { message: "the next try is 40 s or more away", ...PATIENCE })
      .toBeGreaterThanOrEqual(40);
    serverUp = true;
    await page.evaluate(fire);
    // Online long before the timer's own retry (40 s or more away) could have brought it back.
    await page.locator('#status[data-state="online"]').waitFor(PATIENCE);
  });

  it("resumes when seq jumps: a lost frame is fetched again and nothing shows twice", async () => {
    const r = room();
    const sara = await joined(await newContext(), r, "Sara");
    const omid = await joinedThrough(await newContext(), r, "Omid", { toPage: once("two") });
    for (const text of ["one", "two", "three"]) {
      await say(sara, text);
      await allConfirmed(sara);
    }
    await expect
      .poll(() => texts(omid), { message: "two comes back through the resume", ...PATIENCE })
      .toEqual(["one", "two", "three"]);
    await say(sara, "four");
    await expect.poll(() => texts(omid), PATIENCE).toEqual(["one", "two", "three", "four"]);
    expect(await users(sara).allTextContents()).toEqual(["Omid", "Sara (you)"]);
    expect(await log(sara).locator(".system", { hasText: "left" }).count()).toBe(0);
  });

  it("sends again when no confirmation comes, and the server's dedupe keeps it single", async () => {
    const r = room();
    const omid = await joined(await newContext(), r, "Omid");
    const sara = await joinedThrough(await newContext(quickResend), r, "Sara", { toPage: once("echo lost") });
    await say(sara, "echo lost");
    await log(omid).getByText("echo lost").waitFor(PATIENCE);
    expect(await log(sara).locator(".pending", { hasText: "echo lost" }).count()).toBe(1);
    await allConfirmed(sara);
    expect(await texts(sara)).toEqual(["echo lost"]);
    expect(await texts(omid)).toEqual(["echo lost"]);
  });

  it("keeps a message the server never got, and sends it again", async () => {
    const r = room();
    const omid = await joined(await newContext(), r, "Omid");
    const sara = await joinedThrough(await newContext(quickResend), r, "Sara", {
      toServer: once("dropped on the way"),
    });
    await say(sara, "dropped on the way");
    await expect.poll(() => texts(omid), PATIENCE).toEqual(["dropped on the way"]);
    await allConfirmed(sara);
    expect(await texts(sara)).toEqual(["dropped on the way"]);
  });

  it("rides out rate_limited: a burst of messages all arrive, once each, in order", async () => {
    const r = room();
    const omid = await joined(await newContext(), r, "Omid");
    const received: string[] = [];
    const sara = await joined(await newContext(), r, "Sara", (page) =>
      page.on("websocket", (ws) => ws.on("framereceived", (f) => received.push(String(f.payload)))),
    );
    const burst = Array.from({ length: 16 }, (_, i) => `burst ${i + 1}`);
    await sara.evaluate((lines) => {
      const box = document.querySelector<HTMLTextAreaElement>("#message")!;
      for (const line of lines) {
        box.value = line;
        box.form!.requestSubmit();
      }
    }, burst);
    await expect
      .poll(() => texts(omid), { message: "every message of the burst, once", timeout: 30_000 })
      .toEqual(burst);
    await allConfirmed(sara);
    expect(await texts(sara)).toEqual(burst);
    expect(
      received.some((f) => f.includes('"code":"rate_limited"')),
      "the server did refuse some",
    ).toBe(true);
  }, 60_000);

  it("says so when the welcome reports a gap", async () => {
    const page = await joinedThrough(await newContext(), room(), "Sara", {
      edit: (m) => (m.includes('"type":"welcome"') ? JSON.stringify({ ...JSON.parse(m), gap: true }) : m),
    });
    await log(page).getByText("Some messages are missing here").waitFor(PATIENCE);
  });
});
