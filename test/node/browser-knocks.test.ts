/**
 * The page in Chromium: the waiting room (issue 18 items 2 and 8). A student at a locked room
 * waits and asks again quietly; the host sees "Sara is waiting · Let in · Refuse"; Let in lets
 * that tab in without a reload, Refuse stops it with a sentence; on a phone the knocks are a count;
 * Cancel takes the knock back from the host's list at once; a locked room given up lets its waiting tabs in.
 */
import type { BrowserContext, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { type Knocker, knocker } from "../support/node-client";
import {
  PATIENCE,
  countSockets,
  haveChromium,
  hostRoom,
  online,
  socketsOpenedAfterClose,
  usePageHarness,
  users,
} from "../support/page-harness";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(!haveChromium)("the page in Chromium: the waiting room", () => {
  const h = usePageHarness();
  const { room, newContext } = h;

  /** The teacher's tab: claims `r`, joins as its host and locks it. */
  async function lockedBy(ctx: BrowserContext, r: string): Promise<Page> {
    const page = await hostRoom(await ctx.newPage(), h.url, r, "Teacher");
    // On a phone the host's tools are folded: opened for the lock, folded again after.
    const fold = page.locator("#host-tools-toggle");
    const folded = await fold.isVisible();
    if (folded) await fold.click();
    // By id: its label is the lock's state.
    const lock = page.locator("#lock-room");
    await lock.click();
    await page.locator("#lock-room.on").waitFor(PATIENCE);
    if (folded) await fold.click();
    return page;
  }

  /** A student's tab that asks to join `r` as `name` (and, the room being locked, waits). */
  async function knocking(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${h.url}/?room=${encodeURIComponent(r)}`);
    await page.locator("#name").fill(name);
    await page.getByRole("button", { name: "Join" }).click();
    await page.locator('#status[data-state="knocking"]').waitFor(PATIENCE);
    return page;
  }

  /**
   * A student the test never looks at: a protocol client that knocks at `r` as `name` (a page
   * costs a renderer); stopped after the test, with its socket.
   */
  const knockers: Knocker[] = [];
  afterEach(async () => {
    await Promise.all(knockers.splice(0).map((k) => k.stop()));
  });
  function knockAs(r: string, name: string): Knocker {
    const k = knocker(h.url, r, name);
    knockers.push(k);
    return k;
  }

  const waiting = (page: Page) => page.getByRole("region", { name: "Waiting to join" });

  it("a student waits; the host sees the knock (and hears it once); Let in lets the tab in without a reload", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(), r);
    const saraCtx = await newContext({ timings: { knockRetryMs: 100 } });
    await countSockets(saraCtx);
    const sara = await knocking(saraCtx, r, "Sara");
    expect(await sara.locator("#status").textContent()).toContain(
      "The room is locked. Waiting for the teacher to let you in…",
    );
    expect(await sara.getByRole("button", { name: "Cancel" }).isVisible()).toBe(true);
    expect(await sara.locator("#composer").isVisible()).toBe(false);
    // Marks this document: a reload would lose it.
    await sara.evaluate(() => {
      (globalThis as { stayed?: boolean }).stayed = true;
    });

    const line = waiting(teacher).getByRole("listitem");
    await expect.poll(() => line.allTextContents(), PATIENCE).toEqual(["Sara is waiting Let in Refuse"]);
    expect(await line.locator("bdi").textContent()).toBe("Sara");
    expect(await teacher.locator("#knocks-live").textContent()).toBe("Sara is waiting");
    expect(await teacher.locator("#knocks-live").getAttribute("aria-live")).toBe("polite");
    // Retries renew the knock: the line stays one line, and nothing is announced again.
    await teacher.evaluate(() => {
      document.querySelector("#knocks-live")!.textContent = "";
    });
    await sara.waitForFunction(
      () => ((globalThis as { roomcastSockets?: { opened: number } }).roomcastSockets?.opened ?? 0) >= 3,
      null,
      PATIENCE,
    );
    expect(await line.count()).toBe(1);
    expect(await teacher.locator("#knocks-live").textContent()).toBe("");

    await line.getByRole("button", { name: "Let in" }).click();
    await online(sara);
    expect(await sara.evaluate(() => (globalThis as { stayed?: boolean }).stayed)).toBe(true);
    expect(await sara.locator("#composer").isVisible()).toBe(true);
    await expect.poll(() => users(teacher).filter({ hasText: "Sara" }).count(), PATIENCE).toBe(1);
    await expect.poll(() => waiting(teacher).isVisible(), PATIENCE).toBe(false);
  });

  it("Refuse stops the waiting tab with a sentence, and it asks no more", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(), r);
    // Retries due at once: a tab that went on asking would do so before the barrier.
    const ctx = await newContext({ timings: { knockRetryMs: 0 } });
    await countSockets(ctx);
    const nima = await knocking(ctx, r, "Nima");
    await waiting(teacher).getByRole("button", { name: "Refuse" }).click();
    await expect
      .poll(() => nima.getByRole("alert").textContent(), PATIENCE)
      .toBe("The teacher did not let you in. You can try again in a few minutes.");
    expect(await nima.locator("#join").isVisible()).toBe(true);
    const opened = await socketsOpenedAfterClose(nima);
    expect(await socketsOpenedAfterClose(nima)).toBe(opened);
    await expect.poll(() => waiting(teacher).isVisible(), PATIENCE).toBe(false);
  });

  it("on a phone the knocks are a count that opens them; Cancel takes the student back to the form", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(PHONE), r);
    // Omid's tab is the one that cancels; Sara only knocks.
    const [omid] = await Promise.all([
      knocking(await newContext({ timings: { knockRetryMs: 100 } }), r, "Omid"),
      knockAs(r, "Sara").knocked,
    ]);
    const toggle = waiting(teacher).getByRole("button", { name: "2 waiting" });
    await toggle.waitFor(PATIENCE);
    const list = waiting(teacher).getByRole("list");
    expect(await list.isVisible()).toBe(false);
    // Folded, the waiting room leaves the log most of the screen.
    const log = await teacher.getByRole("log").boundingBox();
    expect(log!.height).toBeGreaterThanOrEqual(0.4 * 844);
    await toggle.click();
    expect(await list.getByRole("listitem").allTextContents()).toHaveLength(2);
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");

    await omid.getByRole("button", { name: "Cancel" }).click();
    expect(await omid.locator("#join").isVisible()).toBe(true);
    expect(await omid.locator('#status[data-state="knocking"]').count()).toBe(0);
  });
  it("on a phone with the keyboard open, knocks and removals fold to counts, one list at a time, and the log keeps 40 %", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(PHONE), r);
    // Every student only knocks (and Sara and Omid, let in, are removed): protocol clients.
    const first = ["Sara", "Omid"].map((n) => knockAs(r, n));
    await Promise.all(first.map((k) => k.knocked));
    const toggle = teacher.locator("#knocks-toggle");
    await expect.poll(() => toggle.textContent(), PATIENCE).toBe("2 waiting");
    await toggle.click();
    for (const name of ["Sara", "Omid"])
      await waiting(teacher)
        .getByRole("listitem")
        .filter({ hasText: name })
        .getByRole("button", { name: "Let in" })
        .click();
    // In the room: their next try was welcomed.
    await Promise.all(first.map((k) => k.admitted));
    await expect.poll(() => waiting(teacher).isVisible(), PATIENCE).toBe(false);

    // Later knocks arrive folded, as the count (and said politely).
    await Promise.all(["Reza", "Mina"].map((n) => knockAs(r, n).knocked));
    await expect.poll(() => toggle.textContent(), PATIENCE).toBe("2 waiting");
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await teacher.locator("#knocks-list").isVisible()).toBe(false);
    expect(await teacher.locator("#knocks-live").textContent()).toContain("is waiting");

    await teacher.locator("#people-toggle").click();
    for (const name of ["Sara", "Omid"]) {
      await teacher.getByRole("button", { name: `Remove ${name}` }).click();
      await teacher
        .getByRole("dialog")
        .getByRole("button", { name: `Remove ${name}` })
        .click();
      await expect.poll(() => users(teacher).filter({ hasText: name }).count(), PATIENCE).toBe(0);
    }
    await teacher.locator("#people-toggle").click();
    await expect.poll(() => teacher.locator("#removed-count").textContent(), PATIENCE).toBe("Removed (2)");

    await teacher.setViewportSize({ width: 390, height: 430 });
    await teacher.locator("#message").focus();
    const logHeight = async () => (await teacher.getByRole("log").boundingBox())!.height;
    // A box on screen (a closed <details> keeps a layout box for its content, not shown).
    const box = async (sel: string) =>
      (await teacher.locator(sel).isVisible()) ? teacher.locator(sel).boundingBox() : null;
    const overlap = (a: { x: number; y: number; width: number; height: number } | null, b: typeof a) =>
      a !== null &&
      b !== null &&
      a.x < b.x + b.width &&
      b.x < a.x + a.width &&
      a.y < b.y + b.height &&
      b.y < a.y + a.height;
    expect(await logHeight()).toBeGreaterThanOrEqual(0.4 * 430);

    await toggle.click();
    expect(await teacher.locator("#knocks-list").isVisible()).toBe(true);
    expect(await logHeight()).toBeGreaterThanOrEqual(0.4 * 430);
    // Opening the removed list folds the waiting one, and back: the two never cover each other.
    await teacher.locator("#removed-count").click();
    expect(await teacher.locator("#removed-list").isVisible()).toBe(true);
    // The details' toggle event comes a task later.
    await expect.poll(() => toggle.getAttribute("aria-expanded"), PATIENCE).toBe("false");
    expect(await logHeight()).toBeGreaterThanOrEqual(0.4 * 430);
    expect(overlap(await box("#removed-list"), await box("#knocks-list"))).toBe(false);
    await toggle.click();
    expect(await teacher.locator("#removed").getAttribute("open")).toBeNull();
    expect(overlap(await box("#removed-list"), await box("#knocks-list"))).toBe(false);
    expect(await logHeight()).toBeGreaterThanOrEqual(0.4 * 430);
  });
  it("after Let in and Refuse, keyboard focus stays near (the next row, the previous, the log), never on <body>", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(), r);
    // Protocol clients (only the teacher's tab is looked at), one knock after another: the rows' order.
    for (const n of ["Sara", "Omid", "Reza"]) await knockAs(r, n).knocked;
    const rows = waiting(teacher).getByRole("listitem");
    await expect.poll(() => rows.count(), PATIENCE).toBe(3);
    const focused = () =>
      teacher.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        return a === document.body
          ? "body"
          : a.id
            ? `#${a.id}`
            : `${a.closest("li")?.querySelector("bdi")?.textContent} ${a.textContent}`;
      });
    const press = async (name: string, button: string) => {
      await rows.filter({ hasText: name }).getByRole("button", { name: button }).focus();
      await teacher.keyboard.press("Enter");
    };

    await press("Sara", "Let in");
    await expect.poll(() => rows.count(), PATIENCE).toBe(2);
    // The next row's same button.
    expect(await focused()).toBe("Omid Let in");
    await press("Reza", "Refuse");
    await expect.poll(() => rows.count(), PATIENCE).toBe(1);
    // The last row went: the previous one's.
    expect(await focused()).toBe("Omid Refuse");
    // Focus elsewhere is left alone when the list changes.
    await teacher.locator("#message").focus();
    await knockAs(r, "Mina").knocked;
    await expect.poll(() => rows.count(), PATIENCE).toBe(2);
    expect(await focused()).toBe("#message");
    await press("Omid", "Let in");
    await press("Mina", "Let in");
    await expect.poll(() => waiting(teacher).isVisible(), PATIENCE).toBe(false);
    // No row left, and the list is gone: the log.
    expect(await focused()).toBe("#log");
  });

  it("a locked room given up is unlocked: the waiting tab gets in by itself, and no tab shows Locked", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(), r);
    await expect.poll(() => teacher.locator("#lock-mark").isVisible(), PATIENCE).toBe(true);
    const sara = await knocking(await newContext({ timings: { knockRetryMs: 100 } }), r, "Sara");
    await waiting(teacher).getByRole("listitem").waitFor(PATIENCE);
    await teacher.getByRole("region", { name: "Host tools" }).getByRole("button", { name: "Forget host key" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Give the room up" }).click();
    await online(sara);
    expect(await sara.locator("#lock-mark").isVisible()).toBe(false);
    await expect.poll(() => teacher.locator("#lock-mark").isVisible(), PATIENCE).toBe(false);
    await expect.poll(() => users(teacher).filter({ hasText: "Sara" }).count(), PATIENCE).toBe(1);
  });

  it("Cancel takes the knock back: the host's row goes at once, not when it lapses 20 s later", async () => {
    const r = room();
    const teacher = await lockedBy(await newContext(), r);
    // The page's own retry time (5 s): a knock not taken back would stay at least 20 s.
    const [sara, omid] = await Promise.all(["Sara", "Omid"].map(async (n) => knocking(await newContext(), r, n)));
    const line = waiting(teacher).getByRole("listitem");
    await expect.poll(() => line.count(), PATIENCE).toBe(2);
    await omid!.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => line.allTextContents(), { timeout: 5000 }).toEqual(["Sara is waiting Let in Refuse"]);
    expect(await sara!.locator('#status[data-state="knocking"]').count()).toBe(1);
  });
});
