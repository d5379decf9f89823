/**
 * The page in Chromium on a deployment with a teacher passphrase: the form asks for it once,
 * refuses a wrong one, keeps the right one; and everyone's Copy join link, which carries no key.
 */
import { describe, expect, it } from "vitest";
import { GUARDED_VARS, haveChromium, online, PATIENCE, usePageHarness } from "../support/page-harness";

const PASSPHRASE = GUARDED_VARS.TEACHER_PASSPHRASE;

describe.skipIf(!haveChromium)("the page in Chromium, for the teacher", () => {
  const h = usePageHarness(GUARDED_VARS);
  const { room, newContext, joined } = h;
  const alert = (page: import("playwright-core").Page) => page.locator("#join-alert").textContent();

  it("asks for the teacher passphrase once: a wrong one is refused, the right one hosts and is kept", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/?room=${room()}`);
    await page.locator("#name").fill("Teacher");
    await page.getByRole("button", { name: "I'm the teacher" }).click();
    const host = page.getByRole("button", { name: "Host this room" });
    const passphrase = page.getByLabel("Teacher passphrase");
    expect(await passphrase.isVisible(), "not asked before the server wants it").toBe(false);
    await host.click();
    await expect
      .poll(() => alert(page), PATIENCE)
      .toBe("This server asks for the teacher passphrase. Enter it, then press Host this room again.");
    await passphrase.fill("not-the-passphrase-at-all");
    await host.click();
    await expect.poll(() => alert(page), PATIENCE).toBe("That teacher passphrase is not right.");
    await passphrase.fill(PASSPHRASE);
    await host.click();
    await online(page);
    await page.getByRole("region", { name: "Host tools" }).waitFor(PATIENCE);
    expect(await page.evaluate(() => localStorage.getItem("roomcast.passphrase"))).toBe(PASSPHRASE);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(PASSPHRASE);

    // Another room, the same browser: no question this time.
    await page.getByRole("button", { name: "Leave" }).click();
    await page.locator("#room").fill(room());
    // This tab said it is the teacher's already: Host this room stays shown.
    await host.click();
    await online(page);
    await page.getByRole("region", { name: "Host tools" }).waitFor(PATIENCE);
    expect(await passphrase.isVisible()).toBe(false);
  });

  it("lets the teacher take back a room whose key was lost: a new key, and the old host tab becomes a member", async () => {
    const r = room();
    const lost = await (await newContext()).newPage();
    await lost.addInitScript((p) => localStorage.setItem("roomcast.passphrase", p), PASSPHRASE);
    await lost.goto(`${h.url}/?room=${r}`);
    await lost.locator("#name").fill("Old laptop");
    await lost.getByRole("button", { name: "I'm the teacher" }).click();
    await lost.getByRole("button", { name: "Host this room" }).click();
    await online(lost);
    await lost.getByRole("region", { name: "Host tools" }).waitFor(PATIENCE);

    // Another browser, with the passphrase but not the key.
    const page = await (await newContext()).newPage();
    await page.addInitScript((p) => localStorage.setItem("roomcast.passphrase", p), PASSPHRASE);
    await page.goto(`${h.url}/?room=${r}`);
    await page.locator("#name").fill("Teacher");
    await page.getByRole("button", { name: "I'm the teacher" }).click();
    await page.getByRole("button", { name: "Host this room" }).click();
    await expect.poll(() => alert(page), PATIENCE).toContain("This room already has a host.");
    await page.getByRole("button", { name: "Take this room back" }).click();
    await online(page);
    await page.getByRole("region", { name: "Host tools" }).waitFor(PATIENCE);
    await lost.getByRole("region", { name: "Host tools" }).waitFor({ state: "hidden", ...PATIENCE });
  });

  it("gives everyone Copy join link: the room's link, with no key", async () => {
    const r = room();
    const ctx = await newContext();
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.url });
    const sara = await joined(ctx, r, "Sara");
    await sara.getByRole("button", { name: "Copy join link" }).click();
    await sara.getByRole("button", { name: "Join link copied" }).waitFor(PATIENCE);
    expect(await sara.evaluate(() => navigator.clipboard.readText())).toBe(`${h.url}/?room=${r}`);
  });
});
