import { describe, expect, it } from "vitest";
import { NodeClient } from "../support/node-client";
import {
  GUARDED_VARS,
  haveChromium,
  log,
  online,
  say,
  allConfirmed,
  texts,
  usePageHarness,
  PATIENCE,
} from "../support/page-harness";

const TEXT = "x".repeat(1000);

describe.skipIf(!haveChromium)("the page's message flow", () => {
  // A bound a test can reach (128 KiB), and a rate limit a single sender can fill it with.
  const h = usePageHarness(GUARDED_VARS);

  it("turns an own message's pending line into the message itself: the same element, in seq order", async () => {
    const ctx = await h.newContext();
    const page = await h.joined(ctx, h.room(), "Sara");
    // Hold on to the pending line the moment it is created (before any answer can arrive).
    await page.evaluate(() => {
      const pending = document.getElementById("pending")!;
      new MutationObserver((records, observer) => {
        const added = records.flatMap((r) => [...r.addedNodes]).find((n) => n instanceof HTMLLIElement);
        if (added === undefined) return;
        (window as unknown as { held: Element }).held = added as Element;
        observer.disconnect();
      }).observe(pending, { childList: true });
    });
    await say(page, "first words");
    await allConfirmed(page);
    const held = await page.evaluate(() => {
      const el = (window as unknown as { held: HTMLElement }).held;
      return {
        connected: el.isConnected,
        inLog: el.parentElement?.id,
        pending: el.classList.contains("pending"),
        seq: el.dataset.seq,
        state: el.querySelector(".state") !== null,
        text: el.querySelector(".text")?.textContent,
      };
    });
    expect(held).toEqual({
      connected: true,
      inLog: "messages",
      pending: false,
      seq: "1",
      state: false,
      text: "first words",
    });
    expect(await log(page).locator(".msg").count()).toBe(1);
    await ctx.close();
  });

  it("shows under the hood the browser's compression offer and the 101 it really got (no extension)", async () => {
    const ctx = await h.newContext();
    const page = await h.joined(ctx, h.room(), "Sara");
    const extensions = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${location.origin.replace("http", "ws")}/ws/probe-${Date.now()}/Probe`);
          ws.onopen = () => {
            resolve(ws.extensions);
            ws.close();
          };
        }),
    );
    expect(extensions).toBe(""); // Chromium offered permessage-deflate; the room declined it
    await page.getByRole("button", { name: "Under the hood" }).click();
    const hood = page.locator("#hood");
    await hood.getByText("Sec-WebSocket-Key:").waitFor(PATIENCE);
    const [request, response] = await hood.locator("pre").allTextContents();
    expect(request).toMatch(/Sec-WebSocket-Extensions: permessage-deflate/);
    expect(response).not.toMatch(/Sec-WebSocket-Extensions/);
    expect(await hood.getByText("permessage-deflate is on").count()).toBe(0);
    await ctx.close();
  });

  it("when its acks are held back past MAX_UNACKED_BYTES, reconnects, says so, and shows every message once", async () => {
    const room = h.room();
    const ctx = await h.newContext();
    // Every ack the page sends is dropped on the way: the room sees a reader that never acks.
    const page = await h.joinedThrough(ctx, room, "Sara", { toServer: (m) => m.includes('"type":"ack"') });
    await page.evaluate(() => {
      const status = document.getElementById("status")!;
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => seen.push(status.textContent ?? "")).observe(status, {
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    // A sender that acks as the contract says (here after every 50 messages it reads).
    const sender = await NodeClient.open(`${h.url.replace("http", "ws")}/ws/${room}/Ali`);
    await sender.skipTo("welcome");
    const total = 150; // 150 × ~1.1 KB: past the bound
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 50; i++) sender.send({ type: "message", text: `${batch * 50 + i}:${TEXT}` });
      let last = 0;
      for (let i = 0; i < 50; i++) last = (await sender.skipTo("message")).seq;
      sender.send({ type: "ack", seq: last });
    }
    const expected = Array.from({ length: total }, (_, i) => `${i}:${TEXT}`);
    await expect.poll(() => texts(page), { ...PATIENCE, interval: 200 }).toEqual(expected);
    await online(page);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    expect(statuses.some((s) => s.includes("fell behind"))).toBe(true);
    sender.close();
    await ctx.close();
  });
});
