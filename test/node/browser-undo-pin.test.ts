/**
 * The page in Chromium: Delete with undo and Pin (issue 18, items 4 and 5). A delete leaves every
 * tab and the projector at once; the host's tab shows "Deleted · Undo", and Undo puts the message
 * back at its place everywhere; a pin shows above every member's log and on the projector.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { PATIENCE, haveChromium, hostRoom, log, online, say, texts, usePageHarness } from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium: delete with undo, and pin", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;

  /** As the teacher: Host this room as `name`. */
  async function hosted(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    return hostRoom(await ctx.newPage(), h.url, r, name);
  }

  /** The projector view in the host's browser (it reads the kept key), with the messages shown. */
  async function projector(ctx: BrowserContext, r: string): Promise<Page> {
    const screen = await ctx.newPage();
    await screen.goto(`${h.url}/?room=${r}&view=projector`);
    await online(screen);
    return screen;
  }
  const onScreen = (screen: Page) => screen.locator(".pj-msg .text").allTextContents();
  const undoLine = (page: Page) => log(page).locator(".deleted-undo");

  it("Delete leaves the host's tab, a member's tab and the projector at once; Undo brings it back at its place everywhere", async () => {
    const r = room();
    const ctx = await newContext();
    const teacher = await hosted(ctx, r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    const screen = await projector(ctx, r);
    for (const t of ["first", "oops", "last"]) await say(sara, t);
    for (const page of [teacher, sara])
      await expect.poll(() => texts(page), PATIENCE).toEqual(["first", "oops", "last"]);
    await expect.poll(() => onScreen(screen), PATIENCE).toEqual(["first", "oops", "last"]);

    // No native confirm: the click deletes (a dialog would fail the test: nothing accepts it).
    await teacher.getByRole("button", { name: "Delete message from Sara" }).nth(1).click();
    for (const page of [teacher, sara]) await expect.poll(() => texts(page), PATIENCE).toEqual(["first", "last"]);
    await expect.poll(() => onScreen(screen), PATIENCE).toEqual(["first", "last"]);
    // In its place in the host's tab: "Deleted · Undo", between the two others; Sara has none.
    expect(await undoLine(teacher).textContent()).toBe("Deleted · Undo");
    expect(
      await log(teacher)
        .locator("li.msg, li.deleted-undo")
        .evaluateAll((lines) => lines.map((l) => l.className)),
    ).toEqual(["msg", "deleted-undo", "msg"]);
    expect(await undoLine(sara).count()).toBe(0);

    await teacher.getByRole("button", { name: "Undo deleting the message from Sara" }).click();
    for (const page of [teacher, sara])
      await expect.poll(() => texts(page), PATIENCE).toEqual(["first", "oops", "last"]);
    await expect.poll(() => onScreen(screen), PATIENCE).toEqual(["first", "oops", "last"]);
    expect(await undoLine(teacher).count()).toBe(0);
    // Back with its tools, and a later message still goes at the end.
    expect(await teacher.getByRole("button", { name: "Delete message from Sara" }).count()).toBe(3);
    await say(sara, "after");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["first", "oops", "last", "after"]);
  });

  it("a tab that missed the undo gets the message back at its place when it resumes", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    // Sara only sends: a protocol client.
    const sara = await h.member(r, "Sara");
    // Omid's tab loses the `restored` frame and one message: the next one is a seq jump, so it resumes.
    const omid = await joinedThrough(await newContext(), r, "Omid", {
      toPage: (m) => !m.includes('"welcome"') && (m.includes('"restored"') || m.includes('"lost"')),
    });
    for (const t of ["first", "oops", "last"]) await sara.say(t);
    await expect.poll(() => texts(omid), PATIENCE).toEqual(["first", "oops", "last"]);
    await teacher.getByRole("button", { name: "Delete message from Sara" }).nth(1).click();
    await expect.poll(() => texts(omid), PATIENCE).toEqual(["first", "last"]);
    await teacher.getByRole("button", { name: "Undo deleting the message from Sara" }).click();
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["first", "oops", "last"]);
    await sara.say("lost");
    await sara.say("then");
    await expect.poll(() => texts(omid), PATIENCE).toEqual(["first", "oops", "last", "lost", "then"]);
  });

  it("offers no Undo once the (shortened) window has passed", async () => {
    const r = room();
    const teacher = await hosted(await newContext({ timings: { undoMs: 300 } }), r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    await say(sara, "gone soon");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["gone soon"]);
    await teacher.getByRole("button", { name: "Delete message from Sara" }).click();
    await undoLine(teacher).waitFor(PATIENCE);
    await undoLine(teacher).waitFor({ state: "detached", ...PATIENCE });
    expect(await teacher.getByRole("button", { name: /^Undo/ }).count()).toBe(0);
    expect(await texts(teacher)).toEqual([]);
    expect(await texts(sara)).toEqual([]);
  });

  it("Pin shows the message above a member's log and on the projector; Unpin takes it away; a member cannot pin", async () => {
    const r = room();
    const ctx = await newContext();
    const teacher = await hosted(ctx, r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    const screen = await projector(ctx, r);
    await say(sara, "What is a frame?");
    await say(sara, "never mind");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["What is a frame?", "never mind"]);
    expect(await sara.getByRole("button", { name: /^Pin/ }).count()).toBe(0);

    await teacher.getByRole("button", { name: "Pin the message from Sara above the conversation" }).first().click();
    const pinned = (page: Page) => page.getByRole("region", { name: "Pinned" });
    for (const page of [teacher, sara]) {
      await pinned(page).waitFor(PATIENCE);
      expect(await pinned(page).locator("#pinned-text").textContent()).toBe("What is a frame?");
      expect(await pinned(page).locator("#pinned-from").textContent()).toBe("Sara");
    }
    expect(await pinned(sara).getByRole("button", { name: "Unpin" }).count()).toBe(0);
    const big = screen.locator(".projector-pinned");
    await expect.poll(() => big.locator(".text").textContent(), PATIENCE).toBe("What is a frame?");
    // In large type, above the latest messages.
    const size = (selector: string) =>
      screen
        .locator(selector)
        .first()
        .evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize));
    expect(await size(".projector-pinned .text")).toBeGreaterThanOrEqual(await size(".pj-msg .text"));
    const [pinTop, listTop] = await Promise.all(
      [".projector-pinned", ".pj-messages"].map((s) =>
        screen.locator(s).evaluate((e) => e.getBoundingClientRect().top),
      ),
    );
    expect(pinTop).toBeLessThan(listTop!);

    // A newcomer gets it in its welcome.
    const late = await joined(await newContext(), r, "Late");
    await expect.poll(() => pinned(late).locator("#pinned-text").textContent(), PATIENCE).toBe("What is a frame?");

    await pinned(teacher).getByRole("button", { name: "Unpin" }).click();
    for (const page of [teacher, sara, late]) await pinned(page).waitFor({ state: "hidden", ...PATIENCE });
    await big.waitFor({ state: "hidden", ...PATIENCE });
  });

  /**
   * A pinned block's start edges: the label's (its box, by its direction) and the text's (its
   * first line, by the text's own direction), and that direction.
   */
  const edges = (page: Page, selectors: [label: string, text: string]) =>
    page.evaluate(([labelAt, textAt]) => {
      const label = document.querySelector(labelAt)!;
      const text = document.querySelector(textAt)!;
      const rtl = (e: Element) => getComputedStyle(e).direction === "rtl";
      const box = label.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(text);
      const rects = [...range.getClientRects()];
      const line = rects.filter((r) => Math.abs(r.top - rects[0]!.top) < 2);
      return {
        label: rtl(label) ? box.right : box.left,
        text: rtl(text) ? Math.max(...line.map((r) => r.right)) : Math.min(...line.map((r) => r.left)),
        textDir: getComputedStyle(text).direction,
      };
    }, selectors);

  it("the pinned text starts where its label starts, English or Persian, in either language of the page", async () => {
    const r = room();
    const ctx = await newContext({ viewport: { width: 1280, height: 800 } });
    const teacher = await hosted(ctx, r, "Teacher");
    const screen = await projector(ctx, r);
    // The member only sends: a protocol client.
    const sara = await h.member(r, "سارا");
    const english = "What does the accept header prove?";
    const persian = "سلام، سؤال دارم: چرا این‌طور است؟";
    await sara.say(english);
    await sara.say(persian);
    await expect.poll(() => texts(teacher), PATIENCE).toEqual([english, persian]);
    const pinned = teacher.locator("#pinned-text");
    const pin = async (i: number, text: string) => {
      await log(teacher).locator("button.pin").nth(i).click();
      await expect.poll(() => pinned.textContent(), PATIENCE).toBe(text);
    };
    const check = async (ui: string, msg: "en" | "fa") => {
      await screen
        .locator(".projector-pinned .text")
        .filter({ hasText: msg === "fa" ? "سلام" : "What" })
        .waitFor(PATIENCE);
      // The text keeps its own direction; its start is the label's, not the far side of the screen
      // (the host's tab, and the projector in large type).
      for (const [where, page, selectors] of [
        ["host's tab", teacher, ["#pinned-label", "#pinned-text"]],
        ["projector", screen, [".projector-pinned .pj-pin-label", ".projector-pinned .text"]],
      ] as const) {
        const e = await edges(page, [...selectors]);
        expect(e.textDir).toBe(msg === "fa" ? "rtl" : "ltr");
        expect(Math.abs(e.text - e.label), `${where}, ${ui} page, ${msg} text: ${JSON.stringify(e)}`).toBeLessThan(8);
      }
    };

    await pin(0, english);
    await check("en", "en");
    await pin(1, persian);
    await check("en", "fa");
    // The page's language toggle (the projector in the same browser has its own).
    for (const page of [teacher, screen]) {
      await page.locator("#lang").click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe("rtl");
    }
    await check("fa", "fa");
    await pin(0, english);
    await check("fa", "en");
  });
});
