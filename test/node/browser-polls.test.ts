/**
 * The page in Chromium: polls (issue 20; on the wire `survey`). The host opens one from the
 * page's New poll form (checked before it is sent), a member sees it above the log and votes with
 * one tap (the choice marked at once, the bars moving on the member's, the host's and the
 * projector's page), changes the vote, and after a reload still sees it marked; the host closes
 * it, and its result stays in every log, a late joiner's too, and goes with Delete and comes back
 * with Undo. In Persian on phones, with the log keeping 40 % of the screen at 390×844 and with the
 * keyboard open (390×430), where the poll folds to one line.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { HostClaim } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { PATIENCE, haveChromium, hostRoom, log, online, texts, usePageHarness } from "../support/page-harness";

/** The direction a block is laid out in (its own `dir`, or what it inherits). */
const direction = (l: Locator): Promise<string> => l.evaluate((e) => getComputedStyle(e).direction);

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(!haveChromium)("the page in Chromium: polls", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;

  const hosted = async (ctx: BrowserContext, r: string, name: string) => hostRoom(await ctx.newPage(), h.url, r, name);
  /** The open poll's options above the log: each one's words, its count line, and whether it is this member's. */
  const options = (page: Page) =>
    page
      .locator("#survey .survey-option")
      .evaluateAll((bs) =>
        bs.map((b) => [b.querySelector(".opt")?.textContent, b.querySelector(".n")?.textContent, b.ariaPressed]),
      );
  const counts = (l: Locator) => l.locator(".n").allTextContents();
  const widths = (l: Locator) =>
    l.locator(".fill").evaluateAll((fs) => fs.map((f) => (f as HTMLElement).style.inlineSize));

  /** The host's New poll: the question and its options typed into the form, then Open poll. */
  async function newPoll(
    page: Page,
    question: string,
    choices: string[],
    labels = { open: "Open poll", add: "Add option" },
  ) {
    await page.locator("#new-poll").click();
    const form = page.locator("dialog.poll-form");
    await form.locator("#poll-question").fill(question);
    for (const [i, c] of choices.entries()) {
      if (i >= 2) await form.getByRole("button", { name: labels.add }).click();
      await form.locator(".poll-fields input").nth(i).fill(c);
    }
    await form.getByRole("button", { name: labels.open }).click();
  }

  it("from the host's form to a member's tap and the projector's bars; the result stays in every log", async () => {
    const r = room();
    const hostCtx = await newContext({ viewport: { width: 1280, height: 800 } });
    const teacher = await hosted(hostCtx, r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    // The projector, opened from the host's page (its Projector button opens a new tab).
    const [screen] = await Promise.all([hostCtx.waitForEvent("page"), teacher.locator("#open-projector").click()]);
    await online(screen);

    // Checked before it goes: two options alike once folded are said in words, and nothing is sent.
    await teacher.locator("#new-poll").click();
    const form = teacher.locator("dialog.poll-form");
    await form.locator("#poll-question").fill("Which transport is fastest?");
    await form.locator(".poll-fields input").nth(0).fill("WebSocket");
    await form.locator(".poll-fields input").nth(1).fill("websocket");
    await form.getByRole("button", { name: "Open poll" }).click();
    await expect
      .poll(() => form.getByRole("alert").textContent(), PATIENCE)
      .toBe("Two options are the same: make each one different.");
    expect(await sara.locator("#survey").isHidden()).toBe(true);
    // Cancel keeps what was typed for the next opening.
    await form.getByRole("button", { name: "Cancel" }).click();
    await newPoll(teacher, "Which transport is fastest?", ["WebSocket", "Long polling", "Server-Sent Events"]);

    for (const page of [teacher, sara]) {
      await expect
        .poll(() => options(page), PATIENCE)
        .toEqual([
          ["WebSocket", "0 · 0%", "false"],
          ["Long polling", "0 · 0%", "false"],
          ["Server-Sent Events", "0 · 0%", "false"],
        ]);
      expect(await page.locator("#survey .survey-head").textContent()).toBe("Poll Which transport is fastest?");
    }
    // One poll at a time: New poll waits; Close poll is the host's alone.
    expect(await teacher.locator("#new-poll").isDisabled()).toBe(true);
    expect(await teacher.getByRole("button", { name: "Close poll" }).isVisible()).toBe(true);
    expect(await sara.getByRole("button", { name: "Close poll" }).isHidden()).toBe(true);
    const board = screen.locator(".pj-poll");
    await board.filter({ hasText: "Which transport is fastest?" }).waitFor(PATIENCE);

    // One tap: marked at once, and the bars move on every page.
    await sara.locator("#survey .survey-option").nth(2).click();
    expect((await options(sara))[2]).toEqual(["Server-Sent Events", "1 · 100%", "true"]);
    await expect
      .poll(() => options(teacher), PATIENCE)
      .toEqual([
        ["WebSocket", "0 · 0%", "false"],
        ["Long polling", "0 · 0%", "false"],
        ["Server-Sent Events", "1 · 100%", "false"],
      ]);
    await expect.poll(() => counts(board), PATIENCE).toEqual(["0 · 0%", "0 · 0%", "1 · 100%"]);
    expect(await widths(board)).toEqual(["0%", "0%", "100%"]);
    expect(await screen.locator(".pj-voted").textContent()).toBe("1 voted");

    // The host votes too, and Sara changes hers.
    await teacher.locator("#survey .survey-option").nth(0).click();
    await sara.locator("#survey .survey-option").nth(0).click();
    await expect.poll(() => counts(board), PATIENCE).toEqual(["2 · 100%", "0 · 0%", "0 · 0%"]);
    await expect
      .poll(() => options(sara), PATIENCE)
      .toEqual([
        ["WebSocket", "2 · 100%", "true"],
        ["Long polling", "0 · 0%", "false"],
        ["Server-Sent Events", "0 · 0%", "false"],
      ]);
    expect(await sara.locator("#survey .survey-voted").textContent()).toBe("2 voted");

    // A reload: the room's welcome says which one is Sara's.
    await sara.reload();
    await online(sara);
    await expect
      .poll(() => options(sara), PATIENCE)
      .toEqual([
        ["WebSocket", "2 · 100%", "true"],
        ["Long polling", "0 · 0%", "false"],
        ["Server-Sent Events", "0 · 0%", "false"],
      ]);

    // Closed: gone from above the log, a result in every log and on the projector's board. Focus,
    // on Sara's choice, goes to the log below.
    await sara.locator("#survey .survey-option").nth(0).focus();
    await teacher.getByRole("button", { name: "Close poll" }).click();
    const result = (page: Page) => log(page).locator(".survey-result");
    for (const page of [teacher, sara]) {
      await result(page).waitFor(PATIENCE);
      expect(await page.locator("#survey").isHidden()).toBe(true);
      expect(await result(page).locator(".survey-q").textContent()).toBe("Which transport is fastest?");
      expect(await counts(result(page))).toEqual(["2 · 100%", "0 · 0%", "0 · 0%"]);
      expect(await result(page).locator(".survey-voted").textContent()).toBe("2 voted");
    }
    expect(await teacher.locator("#new-poll").isEnabled()).toBe(true);
    expect(await sara.evaluate(() => document.activeElement?.id)).toBe("log");
    await screen.locator(".pj-poll h3", { hasText: "Poll result" }).waitFor(PATIENCE);
    expect(await counts(board)).toEqual(["2 · 100%", "0 · 0%", "0 · 0%"]);
    // In seq order: a message after it is no gap (no resume, no second copy).
    await sara.locator("#message").fill("after the poll");
    await sara.locator("#message").press("Enter");
    await log(teacher).locator(".msg .text", { hasText: "after the poll" }).waitFor(PATIENCE);
    expect(await result(teacher).count()).toBe(1);

    // A late joiner has it in the history.
    const late = await joined(await newContext(), r, "Nima");
    await result(late).waitFor(PATIENCE);
    expect(await counts(result(late))).toEqual(["2 · 100%", "0 · 0%", "0 · 0%"]);

    // The host's Delete takes it out everywhere (the board too); Undo brings it back at its place.
    await teacher.getByRole("button", { name: "Delete the poll result" }).click();
    for (const page of [sara, late]) await expect.poll(() => result(page).count(), PATIENCE).toBe(0);
    await expect.poll(() => board.isHidden(), PATIENCE).toBe(true);
    await teacher.getByRole("button", { name: "Undo deleting the poll result" }).click();
    for (const page of [teacher, sara, late]) await result(page).waitFor(PATIENCE);
    expect(
      await log(sara)
        .locator(".msg")
        .evaluateAll((ls) => ls.map((l) => l.className)),
    ).toEqual(["msg survey-result", "msg own"]);
    // Clear room takes it with the messages, the projector's board too.
    await teacher.getByRole("button", { name: "Clear room" }).click();
    await teacher.getByRole("button", { name: "Clear without saving" }).click();
    for (const page of [teacher, sara, late]) await expect.poll(() => result(page).count(), PATIENCE).toBe(0);
    await expect.poll(() => board.isHidden(), PATIENCE).toBe(true);
    for (const c of [hostCtx, sara.context(), late.context()]) await c.close();
  });

  it("in Persian on phones: typed and shown right to left with Persian digits; the log keeps 40 %, folded with the keyboard open", async () => {
    const r = room();
    const fa = { ...PHONE, locale: "fa-IR" };
    const teacher = await hosted(await newContext(fa), r, "معلم");
    const sara = await joined(await newContext(fa), r, "سارا");
    // The host's tools are folded on a phone: New poll is behind their button.
    await teacher.locator("#host-tools-toggle").click();
    const question = "کدام روش انتقال برای کلاس بهتر است؟ لطفاً یکی را انتخاب کنید و دلیلش را در گفت‌وگو بنویسید.";
    const choices = ["وب‌سوکت", "نظرسنجی طولانی", "رویدادهای سرور", "نظرسنجی هر دو ثانیه", "نمی‌دانم", "هیچ‌کدام"];
    await newPoll(teacher, question, choices, { open: "شروع نظرسنجی", add: "افزودن گزینه" });
    const poll = sara.locator("#survey");
    await expect.poll(() => options(sara).then((o) => o.length), PATIENCE).toBe(6);
    expect(await direction(poll)).toBe("rtl");
    expect(await poll.locator(".survey-head .survey-q").getAttribute("dir")).toBe("rtl");
    expect(await poll.locator(".survey-head .survey-label").textContent()).toBe("نظرسنجی");
    await sara.locator("#survey .survey-option").nth(1).click();
    expect((await options(sara))[1]).toEqual(["نظرسنجی طولانی", "۱۰۰٪ (۱)", "true"]);
    await expect
      .poll(() => options(teacher).then((o) => o[1]), PATIENCE)
      .toEqual(["نظرسنجی طولانی", "۱۰۰٪ (۱)", "false"]);
    expect(await teacher.locator("#survey .survey-voted").textContent()).toBe("۱ نفر رأی دادند");

    // The log keeps its share: at 390×844 beside the host's tools and a pinned message too (the
    // options scroll inside the poll); with the keyboard open (390×430) the poll is one line,
    // "نظرسنجی: <question> — ✓ <choice>", that opens over the log.
    const logShare = async (page: Page, height: number) => {
      await page.setViewportSize({ width: 390, height });
      const box = (await log(page).boundingBox())!;
      expect(box.height, `the log at ${height} px`).toBeGreaterThan(height * 0.4);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
    };
    await teacher.locator("#host-tools-toggle").click();
    await teacher.locator("#message").fill("لطفاً پیش از رأی دادن، پرسش را تا آخر بخوانید و اگر ابهامی دارید بپرسید.");
    await teacher.locator("#message").press("Enter");
    await log(teacher).locator(".msg .pin").click();
    await sara.locator("#pinned").waitFor(PATIENCE);
    for (const page of [teacher, sara]) await logShare(page, 844);
    // (A pin of three lines with the keyboard open takes a third of the screen by itself: unpinned first.)
    await teacher.locator("#unpin").click();
    await expect.poll(() => sara.locator("#pinned").isHidden(), PATIENCE).toBe(true);
    for (const page of [teacher, sara]) {
      await logShare(page, 430);
      const fold = page.locator(".survey-fold");
      expect(await fold.isVisible()).toBe(true);
      expect(await page.locator("#survey .survey-option").first().isVisible()).toBe(false);
      const before = (await log(page).boundingBox())!;
      await fold.click();
      await page.locator("#survey .survey-option").first().waitFor(PATIENCE);
      expect((await log(page).boundingBox())!.height, "opened over the log, not above it").toBe(before.height);
      const body = (await page.locator(".survey-body").boundingBox())!;
      expect(body.height, "open, it takes half the screen for its options").toBeGreaterThan(430 * 0.5);
      expect(body.y + body.height).toBeLessThanOrEqual(430);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    expect(await sara.locator(".survey-fold .survey-state").textContent()).toBe("— ✓ نظرسنجی طولانی");
    expect(await teacher.locator(".survey-fold .survey-state").textContent()).toBe("— رأی بدهید");

    // Closed: the result in the log, in Persian.
    await teacher.getByRole("button", { name: "بستن نظرسنجی" }).click();
    const result = log(sara).locator(".survey-result");
    await result.waitFor(PATIENCE);
    expect(await direction(result)).toBe("rtl");
    expect(await result.locator(".survey-q").getAttribute("dir")).toBe("rtl");
    expect(await result.locator(".survey-label").textContent()).toBe("نظرسنجی بسته شد");
    expect((await counts(result))[1]).toBe("۱۰۰٪ (۱)");
    for (const p of [teacher, sara]) await p.context().close();
  });

  it("a phone joining while a poll is open sees the newest message; a Persian poll on an English page leaves the page's labels left to right; a vote on a poll closed meanwhile is said in words; the lost final frame comes back with the resume, in order", async () => {
    const r = room();
    const claim = await fetch(`${h.url}/api/rooms/${r}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const host = await NodeClient.open(`${h.url.replace("http", "ws")}/ws/${r}/Teacher?host=${hostKey}`);
    await host.skipTo("welcome");
    // A log longer than the phone's screen: eight messages each from three names (within each
    // name's burst of 10 frames, the host's poll included).
    const ws = h.url.replace("http", "ws");
    const others = [await NodeClient.open(`${ws}/ws/${r}/Ali`), await NodeClient.open(`${ws}/ws/${r}/Mina`)];
    for (const [n, c] of [host, ...others].entries())
      for (let i = 1; i <= 8; i++) c.send({ type: "message", text: `Before the poll ${n * 8 + i}` });
    await host.until("the 24 messages", () =>
      host.frames.filter((f) => f.type === "message").length === 24 ? true : undefined,
    );
    for (const c of others) c.close();
    host.send({ type: "survey_open", question: "آماده‌اید که شروع کنیم؟ Ready?", options: ["Yes", "بله"] });
    await host.skipTo("survey");
    // The closing frame never reaches Sara's page (a frame lost on the way).
    const sara = await joinedThrough(await newContext(PHONE), r, "Sara", {
      toPage: (m) => m.includes('"type":"survey"') && m.includes('"open":false') && !m.includes('"welcome"'),
    });
    await expect.poll(() => options(sara).then((o) => o.length), PATIENCE).toBe(2);
    // Joined at the bottom: the newest message in view above the composer, no jump offered.
    const newest = log(sara).locator(".msg").last();
    await expect.poll(() => newest.isVisible(), PATIENCE).toBe(true);
    const [line, pane] = [(await newest.boundingBox())!, (await log(sara).boundingBox())!];
    expect(line.y + line.height, "the newest message inside the log's box").toBeLessThanOrEqual(
      pane.y + pane.height + 1,
    );
    expect(await sara.locator("#jump").isHidden()).toBe(true);
    // The question reads right to left by its words; "Poll" and "1 voted" stay the page's.
    expect(await direction(sara.locator("#survey"))).toBe("ltr");
    expect(await sara.locator("#survey .survey-head .survey-q").getAttribute("dir")).toBe("rtl");
    expect(await direction(sara.locator("#survey .survey-voted"))).toBe("ltr");
    host.send({ type: "survey_close" });
    await host.skipTo("survey");
    await sara.locator("#survey .survey-option").nth(0).click();
    await log(sara).locator(".notice", { hasText: "That poll is closed: the vote was not counted." }).waitFor(PATIENCE);
    // The next message is a seq past the lost result: the page resumes and gets it, in its place.
    host.send({ type: "message", text: "Thanks" });
    await expect.poll(() => texts(sara).then((t) => t.at(-1)), PATIENCE).toBe("Thanks");
    await expect.poll(() => sara.locator("#survey").isHidden(), PATIENCE).toBe(true);
    const results = log(sara).locator(".msg");
    expect((await results.evaluateAll((ls) => ls.map((l) => l.className))).slice(-2)).toEqual([
      "msg survey-result",
      "msg",
    ]);
    expect(await direction(log(sara).locator(".survey-result"))).toBe("ltr");
    host.close();
    await sara.context().close();
  });
});
