/**
 * The join link from a teacher's laptop, in Chromium: with `PUBLIC_URL` set (the class's
 * `wrangler dev`, CLASS_VARS), the projector's QR code and everyone's Copy join link are on the public origin
 * and nothing warns; on `npm run serve -- --ip 0.0.0.0` (this machine's LAN address is known to
 * it), the projector opened at the loopback address warns beside the code and links to itself at
 * the LAN address, where it does not warn and its code is the LAN link.
 */
import { networkInterfaces } from "node:os";
import jsQR from "jsqr";
import type { Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, startServe } from "../support/serve";
import { CLASS_VARS, haveChromium, PATIENCE, usePageHarness } from "../support/page-harness";

const PUBLIC = new URL(CLASS_VARS.PUBLIC_URL).origin;
const VIEWPORT = { width: 1280, height: 800 };
/** A non-internal IPv4 address of this machine, which `npm run serve -- --ip 0.0.0.0` lists. */
const lanIp = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === "IPv4")?.address;

const qr = (page: Page) => page.getByRole("img", { name: "Join link QR code" });
const reach = (page: Page) => page.locator(".pj-reach");

/** What the code on the page reads as now (polled: the board may still be settling its layout). */
async function decode(page: Page): Promise<string | undefined> {
  await qr(page).waitFor(PATIENCE);
  const png = PNG.sync.read(await qr(page).screenshot());
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe.skipIf(!haveChromium)("the join link from a laptop", () => {
  // One browser for both servers; the class's `wrangler dev` has PUBLIC_URL set.
  const h = usePageHarness(CLASS_VARS);
  const projectorAt = (origin: string, r: string) => `${origin}/?room=${encodeURIComponent(r)}&view=projector`;

  it("the projector opened at a loopback address shows the public link, and its code decodes to it", async () => {
    const ctx = await h.newContext({ viewport: VIEWPORT });
    const r = `${h.room()}-کلاس`;
    const page = await ctx.newPage();
    await page.goto(projectorAt(h.url, r));
    const link = `${PUBLIC}/?room=${encodeURIComponent(r)}`;
    await expect.poll(() => decode(page), PATIENCE).toBe(link);
    expect(await page.locator(".pj-link").textContent()).toBe(link);
    // The link reaches phones: no alert (the counts loaded, so the page is past its fetches).
    await expect.poll(() => page.locator(".pj-count").textContent(), PATIENCE).toBe("0 online");
    expect(await reach(page).isVisible()).toBe(false);
    expect(await page.getByRole("alert").filter({ hasText: /\S/ }).count()).toBe(0);
    await ctx.close();
  });

  it("everyone's Copy join link copies the public link", async () => {
    const ctx = await h.newContext();
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.url });
    const r = h.room();
    const sara = await h.joined(ctx, r, "Sara");
    await sara.getByRole("button", { name: "Copy join link" }).click();
    await sara.getByRole("button", { name: "Join link copied" }).waitFor(PATIENCE);
    expect(await sara.evaluate(() => navigator.clipboard.readText())).toBe(`${PUBLIC}/?room=${r}`);
    await ctx.close();
  });

  describe.skipIf(lanIp === undefined)("on npm run serve -- --ip 0.0.0.0", () => {
    let served: Served;
    beforeAll(async () => {
      served = await startServe({ ip: "0.0.0.0" });
    }, 90_000);
    afterAll(() => served?.stop());

    it("warns at the loopback address, links to the LAN address, and there it does not warn", async () => {
      const lan = `http://${lanIp}:${served.port}`;
      const r = h.room();
      const ctx = await h.newContext({ viewport: VIEWPORT });
      const page = await ctx.newPage();
      await page.goto(`${served.url}/?room=${r}&view=projector`);
      const alert = page.getByRole("alert").filter({ hasText: "Phones cannot open this link" });
      await alert.waitFor(PATIENCE);
      // Beside the code (issue 18: the code keeps its 360 px), in large type.
      const [warnBox, codeBox] = [await alert.boundingBox(), await qr(page).boundingBox()];
      expect(warnBox!.x).toBeGreaterThanOrEqual(codeBox!.x + codeBox!.width);
      expect(await alert.evaluate((n) => Number.parseFloat(getComputedStyle(n).fontSize))).toBeGreaterThanOrEqual(28);
      const to = alert.getByRole("link", { name: `${lan}/` });
      expect(await to.getAttribute("href")).toBe(`${lan}/?room=${r}&view=projector`);

      await to.click();
      await page.waitForURL(`${lan}/?room=${r}&view=projector`);
      await expect.poll(() => decode(page), PATIENCE).toBe(`${lan}/?room=${r}`);
      await expect.poll(() => page.locator(".pj-count").textContent(), PATIENCE).toBe("0 online");
      expect(await reach(page).isVisible()).toBe(false);
      expect(await page.getByRole("alert").filter({ hasText: /\S/ }).count()).toBe(0);
      await ctx.close();
    });

    it("in Persian, the warning and its addresses too", async () => {
      const ctx = await h.newContext({ viewport: VIEWPORT, locale: "fa-IR" });
      const page = await ctx.newPage();
      await page.goto(`${served.url}/?room=${h.room()}&view=projector`);
      const alert = page.getByRole("alert").filter({ hasText: "گوشی‌ها این پیوند را باز نمی‌کنند" });
      await alert.waitFor(PATIENCE);
      await alert.getByRole("link", { name: `http://${lanIp}:${served.port}/` }).waitFor(PATIENCE);
      await ctx.close();
    });
  });
});
