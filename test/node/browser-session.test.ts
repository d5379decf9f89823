/**
 * The page in Chromium: one session per browser and room (issue 17). The second tab of the
 * README's demo starts with an empty name; a tab whose socket died, or whose tab froze, is back
 * under its name as soon as the room is opened again in a new tab (and a frozen one learns it was
 * replaced); a removed browser stays out under any name.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { HostClaim } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { haveChromium, log, online, usePageHarness, users, PATIENCE } from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium: one session per browser and room", () => {
  const h = usePageHarness();
  const { room, newContext, joined } = h;

  const alert = (page: Page) => page.locator("#join-alert").textContent();
  const session = (page: Page, r: string) =>
    page.evaluate((r) => JSON.parse(localStorage.getItem("roomcast.rooms") ?? "{}")[r]?.session as string, r);

  it("the two-tab demo: the second tab starts with an empty name and joins under another one", async () => {
    const ctx = await newContext();
    const r = room();
    const sara = await joined(ctx, r, "Sara");
    const second = await ctx.newPage();
    await second.goto(`${h.url}/?room=${r}`);
    await expect.poll(() => alert(second), PATIENCE).toContain("already open as Sara in another tab");
    expect(await second.locator("#name").inputValue()).toBe("");
    expect(await second.locator("#room").inputValue()).toBe(r);
    await second.locator("#name").fill("Omid");
    await second.getByRole("button", { name: "Join" }).click();
    await online(second);
    await expect.poll(() => users(sara).allTextContents(), PATIENCE).toEqual(["Omid", "Sara (you)"]);
    expect(await sara.locator("#status").getAttribute("data-state")).toBe("online");
    // One browser, one session in the room, whatever the name.
    expect(await session(second, r)).toBe(await session(sara, r));
  });

  it("a tab closed without leaving: the room opened again in a new tab is back in at once under its name", async () => {
    const ctx = await newContext();
    const r = room();
    const omid = await joined(await newContext(), r, "Omid");
    const lost = await joined(ctx, r, "Sara");
    await lost.close({ runBeforeUnload: false });
    const again = await ctx.newPage();
    await again.goto(`${h.url}/?room=${r}`);
    await online(again);
    expect(await again.locator("#join").isHidden()).toBe(true);
    await expect.poll(() => users(again).allTextContents(), PATIENCE).toEqual(["Omid", "Sara (you)"]);
    await expect.poll(() => users(omid).allTextContents(), PATIENCE).toEqual(["Omid (you)", "Sara"]);
  });

  it("a tab that cannot answer (frozen on a phone): a new tab takes the name over at once; the old one says it was replaced", async () => {
    const ctx = await newContext();
    const r = room();
    const omid = await joined(await newContext(), r, "Omid");
    // The tab hears no census and says nothing, as a frozen one (the test's stand-in: CDP's
    // `Page.setWebLifecycleState` freeze still delivers BroadcastChannel messages here); its socket
    // stays open, so on the room's side it holds the name.
    const phone = await ctx.newPage();
    await phone.addInitScript(() => {
      BroadcastChannel.prototype.postMessage = () => {};
      Object.defineProperty(BroadcastChannel.prototype, "onmessage", { set() {} });
    });
    await h.enter(phone, r, "Sara");
    await expect.poll(() => users(omid).allTextContents(), PATIENCE).toEqual(["Omid (you)", "Sara"]);
    const presence = () => log(omid).locator(".system").allTextContents();
    const before = await presence();
    const again = await ctx.newPage();
    await again.goto(`${h.url}/?room=${r}`);
    await online(again);
    expect(await again.locator("#join").isHidden()).toBe(true);
    expect(await again.locator("#join-alert").textContent()).toBe("");
    await expect.poll(() => users(again).allTextContents(), PATIENCE).toEqual(["Omid", "Sara (you)"]);
    // Taken over, not a leave and a join: Omid's list and log show no change.
    expect(await users(omid).allTextContents()).toEqual(["Omid (you)", "Sara"]);
    expect(await presence()).toEqual(before);
    await phone.locator('#status[data-state="replaced"]').waitFor(PATIENCE);
    await log(phone).locator(".notice", { hasText: "opened as Sara in another tab" }).waitFor(PATIENCE);
    expect(await again.locator("#status").getAttribute("data-state")).toBe("online");
  });

  it("a browser the host removed stays out under a new name too (removal by session)", async () => {
    const r = room();
    const claim = await fetch(`${h.url}/api/rooms/${r}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const teacher = await NodeClient.open(
      `${h.url.replace("http", "ws")}/ws/${r}/Teacher?session=teacher-session&host=${hostKey}`,
    );
    await teacher.skipTo("welcome");
    const ctx = await newContext();
    const sara = await joined(ctx, r, "Sara");
    teacher.send({ type: "remove", name: "Sara" });
    await expect.poll(() => alert(sara), PATIENCE).toBe("The host removed you from this room.");
    // A new tab of the same browser, a new name: the same session, still out.
    const again = await ctx.newPage();
    await again.goto(`${h.url}/?room=${r}`);
    await again.locator("#name").fill("Someone Else");
    await again.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => alert(again), PATIENCE).toBe("The host removed you from this room.");
    teacher.close();
  });
});
