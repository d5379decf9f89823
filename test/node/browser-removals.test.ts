/**
 * The page in Chromium (issue 18, items 1, 3, 7a, 8): the host sees the room's state (Lock says
 * "Locked · Unlock", slow mode and lock on the folded tools of a phone), Remove asks once naming
 * the person and the removed list lets them back in, Forget host key is one dialog (forget here
 * only, give the room up, or cancel) from the room and from the join form, a host tab whose key
 * was given up elsewhere drops its tools and is shown as a member everywhere, and on a phone the
 * host's tools and the removed list leave the log its 40 %.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { NodeClient } from "../support/node-client";
import {
  PATIENCE,
  allConfirmed,
  haveChromium,
  hostRoom,
  log,
  online,
  say,
  usePageHarness,
  users,
  CLASS_VARS,
} from "../support/page-harness";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(!haveChromium)("the page in Chromium: state you can see, removals you can undo", () => {
  // Removals last CLASS_VARS.REMOVE_MINUTES (12), not the default 10: the page reads the room's.
  const h = usePageHarness(CLASS_VARS);
  const { room, newContext, joined } = h;

  async function hosted(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    const page = await hostRoom(await ctx.newPage(), h.url, r, name);
    await tools(page).waitFor(PATIENCE);
    return page;
  }

  /** Another device of the teacher's, hosting with the same key (a host link). */
  async function secondDevice(r: string, key: string, name: string): Promise<Page> {
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/?room=${encodeURIComponent(r)}#host=${key}`);
    await page.locator("#name").fill(name);
    await page.getByRole("button", { name: "Join" }).click();
    await online(page);
    await tools(page).waitFor(PATIENCE);
    return page;
  }

  const tools = (page: Page) => page.getByRole("region", { name: "Host tools" });
  const dialog = (page: Page) => page.getByRole("dialog");
  const keyOf = (page: Page, r: string) =>
    page.evaluate((r) => JSON.parse(localStorage.getItem("roomcast.hosts") ?? "{}")[r] as string | undefined, r);
  const names = (page: Page) => users(page).locator(".name, .you").allTextContents();
  const row = (page: Page) => users(page).allTextContents();

  it("Remove asks once, naming the person; the removed list says for how long; Let back in lets them join again", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const nima = await joined(await newContext(), r, "Nima");
    await expect.poll(() => row(teacher), PATIENCE).toEqual(["Teacher (you, host)", "NimaRemove"]);

    // Cancel changes nothing.
    await teacher.getByRole("button", { name: "Remove Nima" }).click();
    expect(await dialog(teacher).innerText()).toContain("Nima leaves the room");
    await dialog(teacher).getByRole("button", { name: "Cancel" }).click();
    expect(await dialog(teacher).count()).toBe(0);
    expect(await row(teacher)).toEqual(["Teacher (you, host)", "NimaRemove"]);

    await teacher.getByRole("button", { name: "Remove Nima" }).click();
    await dialog(teacher).getByRole("button", { name: "Remove Nima" }).click();
    // Asked once: no second question, and Nima is out.
    expect(await dialog(teacher).count()).toBe(0);
    await expect
      .poll(() => nima.getByRole("alert").textContent(), PATIENCE)
      .toBe("The host removed you from this room.");
    const removed = teacher.locator("#removed");
    await expect.poll(() => removed.isVisible(), PATIENCE).toBe(true);
    expect(await teacher.locator("#removed-count").textContent()).toBe("Removed (1)");
    await teacher.locator("#removed-count").click();
    expect(await teacher.locator("#removed-list li").allInnerTexts()).toEqual(["Nima · 12 min Let back in"]);

    await teacher.getByRole("button", { name: "Let Nima back in" }).click();
    await expect.poll(() => removed.isVisible(), PATIENCE).toBe(false);
    await nima.getByRole("button", { name: "Join" }).click();
    await online(nima);
    await expect.poll(() => row(teacher), PATIENCE).toEqual(["Teacher (you, host)", "NimaRemove"]);
  });

  it("Forget host key is one dialog: Cancel changes nothing, this device only keeps the room hosted elsewhere", async () => {
    const r = room();
    const laptop = await hosted(await newContext(), r, "Teacher");
    const key = (await keyOf(laptop, r))!;
    const phone = await secondDevice(r, key, "Phone");
    await expect.poll(() => row(phone), PATIENCE).toEqual(["Phone (you, host)", "Teacher (host)"]);

    await tools(laptop).getByRole("button", { name: "Forget host key" }).click();
    const choices = await dialog(laptop).getByRole("button").allTextContents();
    expect(choices).toEqual(["Cancel", "Forget on this device only", "Give the room up"]);
    await dialog(laptop).getByRole("button", { name: "Cancel" }).click();
    expect(await keyOf(laptop, r)).toBe(key);
    expect(await tools(laptop).isVisible()).toBe(true);

    await tools(laptop).getByRole("button", { name: "Forget host key" }).click();
    await dialog(laptop).getByRole("button", { name: "Forget on this device only" }).click();
    await expect.poll(() => tools(laptop).count(), PATIENCE).toBe(0);
    await online(laptop);
    expect(await keyOf(laptop, r)).toBeUndefined();
    // The phone still hosts, and no longer shows the laptop as host (its tab took itself over).
    await expect.poll(() => row(phone), PATIENCE).toEqual(["Phone (you, host)", "TeacherRemove"]);
    await expect.poll(() => row(laptop), PATIENCE).toEqual(["Phone (host)", "Teacher (you)"]);
    expect(await tools(phone).isVisible()).toBe(true);
  });

  it("given up on another device: this tab drops its tools at once, and no one shows either as host", async () => {
    const r = room();
    const laptop = await hosted(await newContext(), r, "Teacher");
    const key = (await keyOf(laptop, r))!;
    const phone = await secondDevice(r, key, "Phone");
    const sara = await joined(await newContext(), r, "Sara");
    await expect.poll(() => row(sara), PATIENCE).toEqual(["Phone (host)", "Teacher (host)", "Sara (you)"]);

    await tools(phone).getByRole("button", { name: "Forget host key" }).click();
    await dialog(phone).getByRole("button", { name: "Give the room up" }).click();
    await expect.poll(() => tools(laptop).count(), PATIENCE).toBe(0);
    await expect.poll(() => row(sara), PATIENCE).toEqual(["Phone", "Sara (you)", "Teacher"]);
    await expect.poll(() => row(laptop), PATIENCE).toEqual(["Phone", "Sara", "Teacher (you)"]);
    await expect.poll(() => row(phone), PATIENCE).toEqual(["Phone (you)", "Sara", "Teacher"]);
    expect(await keyOf(laptop, r)).toBeUndefined();
    expect(await keyOf(phone, r)).toBeUndefined();
    // Given up: anyone may host it now.
    const next = await hosted(await newContext(), r, "Next");
    await expect.poll(() => names(next), PATIENCE).toContain(" (you, host)");
  });

  it("the join form's forget link asks the same: Cancel keeps the key, Give the room up frees the room", async () => {
    const r = room();
    const ctx = await newContext();
    const teacher = await hosted(ctx, r, "Teacher");
    await teacher.getByRole("button", { name: "Leave" }).click();
    const hostHere = teacher.locator("#host-here");
    await hostHere.waitFor(PATIENCE);
    await hostHere.getByRole("button", { name: "Forget host key" }).click();
    await dialog(teacher).getByRole("button", { name: "Cancel" }).click();
    expect(await hostHere.isVisible()).toBe(true);
    expect(await keyOf(teacher, r)).toBeDefined();

    await hostHere.getByRole("button", { name: "Forget host key" }).click();
    await dialog(teacher).getByRole("button", { name: "Give the room up" }).click();
    await expect.poll(() => hostHere.isVisible(), PATIENCE).toBe(false);
    expect(await teacher.getByRole("alert").textContent()).toBe("The host key was forgotten on this device.");
    const next = await hosted(await newContext(), r, "Next");
    expect(await tools(next).isVisible()).toBe(true);
  });

  it("on a phone, the folded tools show slow mode and the lock; tools and removed list leave the log 40 % (keyboard open too)", async () => {
    const r = room();
    const page = await hosted(await newContext(PHONE), r, "Teacher");
    const ws = `${h.url.replace("http", "ws")}/ws/${r}`;
    const members = await Promise.all(["Ali", "Bita"].map((n) => NodeClient.open(`${ws}/${n}`)));
    const toggle = page.getByRole("button", { name: "Host tools" });
    await toggle.click();
    await page.getByLabel("Slow mode").selectOption("30");
    await page.locator("#lock-room").click();
    await expect.poll(() => page.locator("#lock-room").textContent(), PATIENCE).toBe("Locked · Unlock");
    await toggle.click();
    // Folded, the button still says slow mode; the lock is the header's mark.
    expect(await toggle.innerText()).toMatch(/^Host tools · Slow 30 s/);
    expect(await page.locator("#lock-mark").isVisible()).toBe(true);
    expect(await page.locator("#lock-mark").textContent()).toBe("Locked");
    expect(await page.locator("#lock-mark svg").isVisible()).toBe(true);

    await page.locator("#people-toggle").click();
    for (const name of ["Ali", "Bita"]) {
      await page.getByRole("button", { name: `Remove ${name}` }).click();
      await dialog(page)
        .getByRole("button", { name: `Remove ${name}` })
        .click();
    }
    await expect.poll(() => page.locator("#removed-count").textContent(), PATIENCE).toBe("Removed (2)");
    await page.locator("#people-toggle").click();
    for (const m of members) m.close();
    for (let i = 1; i <= 8; i++) await say(page, `point ${i}\nmore`);
    await allConfirmed(page);

    // Folded: the tools and the removed count are one row; the log keeps its 40 %.
    for (const height of [844, 430]) {
      await page.setViewportSize({ width: 390, height });
      const box = (await log(page).boundingBox())!;
      expect(box.height, `the log at ${height} px`).toBeGreaterThanOrEqual(height * 0.4);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
      const [toggleBox, countBox] = [await toggle.boundingBox(), await page.locator("#removed-count").boundingBox()];
      expect(countBox!.y, "one row").toBe(toggleBox!.y);
    }
    // Opened, the list lies over the log (as the people list does) and leaves it its 40 % at 844.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("#removed-count").click();
    const [logBox, listBox] = [await log(page).boundingBox(), await page.locator("#removed-list").boundingBox()];
    expect(logBox!.height).toBeGreaterThanOrEqual(844 * 0.4);
    expect(logBox!.y + logBox!.height - (listBox!.y + listBox!.height)).toBeGreaterThanOrEqual(844 * 0.4);
    expect(await page.locator("#removed-list li").count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
  it("after Remove (the dialog's confirm) and Let back in, keyboard focus stays near, never on <body>", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    // Only the teacher's tab is looked at: the members are protocol clients, each of its own
    // session (as a tab has), welcomed one after another (the rows' order).
    for (const n of ["Nima", "Omid", "Sara"]) await h.member(r, n);
    await expect.poll(() => users(teacher).count(), PATIENCE).toBe(4);
    const focused = () =>
      teacher.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        return a === document.body ? "body" : a.id ? `#${a.id}` : (a.getAttribute("aria-label") ?? a.textContent);
      });
    const byKeyboard = async (name: string) => {
      await teacher.getByRole("button", { name, exact: true }).focus();
      await teacher.keyboard.press("Enter");
    };

    await byKeyboard("Remove Nima");
    await dialog(teacher).getByRole("button", { name: "Remove Nima" }).focus();
    await teacher.keyboard.press("Enter");
    await expect.poll(() => users(teacher).filter({ hasText: "Nima" }).count(), PATIENCE).toBe(0);
    // The next row's Remove.
    expect(await focused()).toBe("Remove Omid");
    await byKeyboard("Remove Sara");
    await dialog(teacher).getByRole("button", { name: "Remove Sara" }).focus();
    await teacher.keyboard.press("Enter");
    await expect.poll(() => users(teacher).filter({ hasText: "Sara" }).count(), PATIENCE).toBe(0);
    // The last row went: the previous one's.
    expect(await focused()).toBe("Remove Omid");

    await expect.poll(() => teacher.locator("#removed-count").textContent(), PATIENCE).toBe("Removed (2)");
    await teacher.locator("#removed-count").click();
    const letBack = teacher.locator("#removed-list .let-back-in");
    const first = await letBack.first().getAttribute("aria-label");
    const second = await letBack.last().getAttribute("aria-label");
    await byKeyboard(first!);
    await expect.poll(() => letBack.count(), PATIENCE).toBe(1);
    expect(await focused()).toBe(second);
    await teacher.keyboard.press("Enter");
    await expect.poll(() => teacher.locator("#removed").isVisible(), PATIENCE).toBe(false);
    // Nothing left in the list, and its count went with it: the log.
    expect(await focused()).toBe("#log");
  });
  it("a language switch rewrites the log's notices and the host's note, each in its language's direction", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    await teacher.locator("#slow").selectOption("30");
    await teacher.locator("#lock-room").click();
    const notices = teacher.locator("#messages .notice");
    await expect
      .poll(() => notices.allTextContents(), PATIENCE)
      .toEqual([
        "Slow mode is on: one message every 30 s.",
        "The host locked the room: newcomers wait until the host lets them in.",
      ]);
    await Promise.all([
      teacher.waitForEvent("download", PATIENCE),
      teacher.getByRole("button", { name: "Download transcript" }).click(),
    ]);
    const note = teacher.locator("#host-note");
    await expect.poll(() => note.textContent(), PATIENCE).toBe("Transcript downloaded.");
    const dirs = () =>
      Promise.all([...[0, 1].map((n) => notices.nth(n).getAttribute("dir")), note.getAttribute("dir")]);

    await teacher.locator("#lang").click();
    expect(await notices.allTextContents()).toEqual([
      "حالت آهسته روشن است: هر ۳۰ ثانیه یک پیام.",
      "میزبان اتاق را قفل کرد: تازه‌واردها منتظر می‌مانند تا میزبان راهشان بدهد.",
    ]);
    expect(await note.textContent()).toBe("گزارش گفت‌وگو دریافت شد.");
    expect(await dirs()).toEqual(["rtl", "rtl", "rtl"]);

    await teacher.locator("#lang").click();
    expect(await notices.allTextContents()).toEqual([
      "Slow mode is on: one message every 30 s.",
      "The host locked the room: newcomers wait until the host lets them in.",
    ]);
    expect(await note.textContent()).toBe("Transcript downloaded.");
    expect(await dirs()).toEqual(["ltr", "ltr", "ltr"]);
  });
});
