/**
 * The page in Chromium on a phone, and what issue 17 put on its messages: the log stays at its
 * bottom when the keyboard opens (390×844 → 390×430), the header is one row at 390 px in English
 * and Persian with the room's name, the host's tools fold, a room where you are alone says how to
 * bring someone in, direction by content (the word-count estimate), and slow mode on the held
 * message itself. The room is filled by protocol clients, not tabs.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { randomId } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import {
  allConfirmed,
  CLASS_VARS,
  haveChromium,
  hostRoom,
  log,
  PATIENCE,
  pendingTexts,
  say,
  texts,
  usePageHarness,
} from "../support/page-harness";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const KEYBOARD_OPEN = { width: 390, height: 430 };

describe.skipIf(!haveChromium)("the page in Chromium, on a phone", () => {
  // One protocol client posts a stream of messages: more than the default burst allows.
  const h = usePageHarness(CLASS_VARS);
  const { room, newContext, joined } = h;

  const member = (r: string, name: string, query = "") =>
    NodeClient.open(`${h.url.replace("http", "ws")}/ws/${r}/${encodeURIComponent(name)}${query}`);
  const post = (c: NodeClient, text: string) => c.send({ type: "message", text, id: randomId() });

  /** Opens the page and hosts `r` as `name` (behind "I'm the teacher"). */
  async function hosted(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    const page = await ctx.newPage();
    page.on("dialog", (d) => void d.accept());
    return hostRoom(page, h.url, r, name);
  }

  /** True when `item` lies wholly inside the log's visible box (and the viewport). */
  async function inView(page: Page, item: Locator): Promise<boolean> {
    const [box, logBox] = await Promise.all([item.boundingBox(), log(page).boundingBox()]);
    const height = page.viewportSize()!.height;
    if (box === null || logBox === null) return false;
    return (
      box.y >= logBox.y - 1 && box.y + box.height <= logBox.y + logBox.height + 1 && logBox.y + logBox.height <= height
    );
  }

  it("keeps the newest message in view when the keyboard opens (390×844 → 390×430), messages flowing", async () => {
    const r = room();
    const page = await joined(await newContext(PHONE), r, "Sara");
    const omid = await member(r, "Omid");
    for (let i = 1; i <= 20; i++) post(omid, `line ${i}\nsecond line\nthird line`);
    await expect.poll(() => texts(page).then((t) => t.length), PATIENCE).toBe(20);
    const newest = () => log(page).locator(".msg").last();
    await expect.poll(() => inView(page, newest()), PATIENCE).toBe(true);

    // The keyboard opens while the class talks: the viewport loses half its height, the log was at its bottom.
    let n = 20;
    const flowed = new Promise<void>((done) => {
      const flow = setInterval(() => {
        post(omid, `line ${++n}`);
        if (n < 30) return;
        clearInterval(flow);
        done();
      }, 40);
    });
    await page.locator("#message").focus();
    await page.setViewportSize(KEYBOARD_OPEN);
    await flowed;
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe("line 30");
    await expect.poll(() => inView(page, newest()), { message: "still at the bottom", ...PATIENCE }).toBe(true);

    // The class goes on talking: each new one is followed, in the small log too.
    for (let i = 1; i <= 5; i++) post(omid, `more ${i}\nsecond line`);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe("more 5\nsecond line");
    await expect.poll(() => inView(page, newest()), PATIENCE).toBe(true);
    expect(await page.getByRole("button", { name: "New messages" }).isHidden()).toBe(true);

    // The keyboard closes and opens again: still the newest in view.
    await page.setViewportSize(PHONE.viewport);
    await page.setViewportSize(KEYBOARD_OPEN);
    await expect.poll(() => inView(page, newest()), PATIENCE).toBe(true);
    omid.close();
  });

  it("a reader who scrolled up stays where they were when the keyboard opens", async () => {
    const r = room();
    const page = await joined(await newContext(PHONE), r, "Sara");
    const omid = await member(r, "Omid");
    for (let i = 1; i <= 20; i++) post(omid, `line ${i}\nsecond line\nthird line`);
    await expect.poll(() => texts(page).then((t) => t.length), PATIENCE).toBe(20);
    await log(page).evaluate((e) => {
      e.scrollTop = 0;
    });
    await expect.poll(() => inView(page, log(page).locator(".msg").first()), PATIENCE).toBe(true);
    await page.setViewportSize(KEYBOARD_OPEN);
    // A frame for the resize to land, then the first line is still where the reader left it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await log(page).evaluate((e) => e.scrollTop)).toBe(0);
    omid.close();
  });

  for (const [locale, name, menu] of [
    ["en-US", "Sara", "Menu"],
    ["fa-IR", "سارا", "منو"],
  ] as const) {
    it(`at 390 px the header is one row in ${locale}, with the room's name (ellipsized), Copy join link and a menu`, async () => {
      const r = `${room()}-a-rather-long-name-for-one-class`;
      const page = await joined(await newContext({ ...PHONE, locale }), r, name);
      const header = page.locator("header");
      const title = page.locator("#room-name");
      await expect.poll(() => title.textContent(), PATIENCE).toMatch(new RegExp(`${r}$`));
      expect(await title.isVisible()).toBe(true);
      expect(await title.evaluate((e) => e.scrollWidth > e.clientWidth), "the long name is cut").toBe(true);

      const headerBox = (await header.boundingBox())!;
      const shown = [title, page.locator("#status .dot"), page.locator("#copy-join"), page.locator("#menu-toggle")];
      const boxes = await Promise.all(shown.map((l) => l.boundingBox()));
      const button = boxes[2]!;
      expect(headerBox.height, "one row: about a button's height").toBeLessThan(button.height * 1.6);
      for (const [i, b] of boxes.entries()) {
        expect(b, `element ${i} shown`).not.toBeNull();
        // One row: every element's middle on the row's middle.
        expect(Math.abs(b!.y + b!.height / 2 - (button.y + button.height / 2)), `element ${i}`).toBeLessThan(4);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      // The other tools are one tap away, and go again after the pick.
      const leave = page.locator("#leave");
      expect(await leave.isVisible()).toBe(false);
      await page.getByRole("button", { name: menu }).click();
      expect(await page.getByRole("button", { name: menu }).getAttribute("aria-expanded")).toBe("true");
      expect(await leave.isVisible()).toBe(true);
      expect(await page.locator("#hood-toggle").isVisible()).toBe(true);
      await page.locator("#lang").click();
      await expect.poll(() => leave.isVisible(), PATIENCE).toBe(false);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale === "en-US" ? "fa" : "en");
    });
  }

  it("Under the hood, opened from the phone's menu, gives focus back to the menu's button on Escape", async () => {
    const page = await joined(await newContext(PHONE), room(), "Sara");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.locator("#hood-toggle").click();
    // The menu closed behind the pick: its Under the hood button can no longer take focus.
    expect(await page.locator("#hood-toggle").isVisible()).toBe(false);
    await page.locator("#hood button").first().focus();
    await page.keyboard.press("Escape");
    expect(await page.locator("#hood").isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("menu-toggle");
  });

  it("the host's tools fold behind one button at 390 px: the log keeps its share, with the keyboard open too", async () => {
    const r = room();
    const page = await hosted(await newContext(PHONE), r, "Teacher");
    const toggle = page.getByRole("button", { name: "Host tools" });
    await toggle.waitFor(PATIENCE);
    const clear = page.getByRole("button", { name: "Clear room" });
    expect(await clear.isVisible(), "folded").toBe(false);
    for (let i = 1; i <= 8; i++) await say(page, `point ${i}\nmore`);
    await allConfirmed(page);
    for (const height of [844, 430]) {
      await page.setViewportSize({ width: 390, height });
      const box = (await log(page).boundingBox())!;
      expect(box.height, `the log at ${height} px`).toBeGreaterThan(height * 0.4);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
      await expect.poll(() => inView(page, log(page).locator(".msg").last()), PATIENCE).toBe(true);
    }
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    expect(await clear.isVisible()).toBe(true);
    expect(await page.getByLabel("Slow mode").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("a room where you are alone says how to bring someone in; the hint goes when someone joins", async () => {
    const r = room();
    const page = await joined(await newContext(), r, "Sara");
    const hint = page.locator("#alone");
    await expect.poll(() => hint.isVisible(), PATIENCE).toBe(true);
    expect(await hint.textContent()).toContain("Copy join link");
    // The link the class can open: on the server's PUBLIC_URL, not the page's own origin.
    expect(await hint.locator("bdi").textContent()).toBe(`${new URL(CLASS_VARS.PUBLIC_URL).origin}/?room=${r}`);
    const omid = await member(r, "Omid");
    await expect.poll(() => hint.isVisible(), { message: "gone once Omid is in", ...PATIENCE }).toBe(false);
    omid.close();
    await expect.poll(() => hint.isVisible(), { message: "back when alone again", ...PATIENCE }).toBe(true);
  });

  it("lays out the mixed sentences by their words: Persian with Latin terms right to left, I love شیراز left to right", async () => {
    const r = room();
    const page = await joined(await newContext(), r, "Sara");
    const rtl = ["HTTP 101 یعنی Switching Protocols، درسته؟", "TCP چیه؟", "WebSocket بهتر از long polling است؟"];
    for (const text of [...rtl, "I love شیراز"]) await say(page, text);
    await allConfirmed(page);
    const directions = await log(page)
      .locator(".msg .text")
      .evaluateAll((ps) => ps.map((p) => [p.textContent, getComputedStyle(p).direction]));
    expect(directions).toEqual([...rtl.map((t) => [t, "rtl"]), ["I love شیراز", "ltr"]]);

    // A name too, from a protocol client.
    const maryam = await member(r, "TCP مریم");
    post(maryam, "سلام");
    const from = log(page).locator(".msg .from", { hasText: "TCP مریم" });
    await from.waitFor(PATIENCE);
    expect(await from.evaluate((e) => getComputedStyle(e).direction)).toBe("rtl");
    maryam.close();

    // The composer flips as the words come, not at the first letter.
    const box = page.locator("#message");
    const dir = () => box.evaluate((e) => getComputedStyle(e).direction);
    await box.pressSequentially("HTTP 101 ");
    expect(await dir()).toBe("ltr");
    await box.pressSequentially("یعنی");
    await expect.poll(dir, PATIENCE).toBe("rtl");
    await box.pressSequentially(" Switching Protocols");
    await expect.poll(dir, PATIENCE).toBe("ltr");
    await box.pressSequentially(" درسته؟");
    await expect.poll(dir, PATIENCE).toBe("rtl");
    await box.press("Enter");
    await expect.poll(() => box.inputValue(), PATIENCE).toBe("");
    expect(await box.getAttribute("dir")).toBe("auto");
  });

  it("a message held by slow mode says so on its own line with its countdown, not sending…", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const key = await teacher.evaluate(
      (r) => JSON.parse(localStorage.getItem("roomcast.hosts") ?? "{}")[r] as string,
      r,
    );
    const helper = await member(r, "Helper", `?host=${key}`);
    helper.send({ type: "slow", seconds: 4 });
    const sara = await joined(await newContext(), r, "Sara");
    await expect.poll(() => teacher.getByLabel("Slow mode").inputValue(), PATIENCE).toBe("4");
    helper.close();

    await say(sara, "first");
    await allConfirmed(sara);
    await say(sara, "second");
    await say(sara, "third");
    // Read without waiting for an element (a locator's reads wait for one to appear).
    const states = () => log(sara).locator(".pending .state").allTextContents();
    await expect
      .poll(states, PATIENCE)
      .toEqual([
        expect.stringMatching(/^waits for slow mode · [1234] s$/),
        expect.stringMatching(/^waits for slow mode · [5678] s$/),
      ]);
    // Each waits its own turn: the room takes one per interval.
    const [a, b] = (await states()).map((t) => Number(t.match(/(\d+) s$/)![1]));
    expect(b! - a!).toBeGreaterThanOrEqual(3);
    expect(b! - a!).toBeLessThanOrEqual(5);
    const state = log(sara).locator(".pending.held .state").first();
    expect(await state.evaluate((e) => e.previousElementSibling?.className), "its own line, after the text").toBe(
      "text",
    );
    expect(await state.evaluate((e) => getComputedStyle(e).display)).toBe("block");
    expect(await pendingTexts(sara)).toEqual(["second", "third"]);
    // The number is hidden from screen readers (the log would announce every tick), and it ticks.
    const count = state.locator(".count");
    expect(await count.getAttribute("aria-hidden")).toBe("true");
    const first = await count.textContent();
    await expect.poll(() => count.textContent(), PATIENCE).not.toBe(first);

    // In Persian too (the language switches while it waits).
    await sara.locator("#lang").click();
    await expect.poll(() => states().then((s) => s[0]), PATIENCE).toMatch(/^در انتظار حالت آهسته · [۱۲۳] ثانیه$/);

    await expect.poll(() => texts(teacher), { message: "it goes by itself", ...PATIENCE }).toEqual(["first", "second"]);
    // The next one, refused again by the room meanwhile, still counts down (its wait not over).
    await expect.poll(() => pendingTexts(sara), PATIENCE).toEqual(["third"]);
    expect(await states()).toEqual([expect.stringMatching(/^در انتظار حالت آهسته · [۱-۵] ثانیه$/)]);
    await sara.context().close();
  });
});
