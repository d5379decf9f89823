/**
 * The page in Chromium: questions (issue 20). A student asks from a phone with Ask as a
 * question; the class upvotes and withdraws, and the count moves on every page (the voter's own
 * at once); the host marks it answered and everyone sees it; Persian. The Questions view lists by
 * votes (then the older first), filters the unanswered, loses a deleted question, opens and closes
 * with focus in place (Escape), and works at 390 px; the composer's toggle leaves the log its 40 %
 * with the keyboard open; a reload shows the count and the own vote from `welcome.questions`. The
 * class beyond three tabs is protocol clients.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, randomId } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import {
  allConfirmed,
  haveChromium,
  hostRoom,
  log,
  once,
  online,
  PATIENCE,
  say,
  usePageHarness,
} from "../support/page-harness";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** A reload asks the other tabs for a moment (the census): here, a short one. */
const FAST = { timings: { censusMs: 30 } };

describe.skipIf(!haveChromium)("the page in Chromium: questions the class upvotes", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;

  const member = (r: string, name: string) =>
    NodeClient.open(`${h.url.replace("http", "ws")}/ws/${r}/${encodeURIComponent(name)}`);
  const question = (page: Page, text: string) => log(page).locator(".msg.question", { hasText: text });
  const count = (page: Page, text: string) => question(page, text).locator(".q-n").textContent();
  const upvote = (page: Page, text: string) => question(page, text).locator(".upvote");
  const pressed = (page: Page, text: string) => upvote(page, text).getAttribute("aria-pressed");
  const view = (page: Page) => page.locator("#questions-list .text").allTextContents();
  const seqOf = (page: Page, text: string) =>
    question(page, text).evaluate((e) => Number((e as HTMLElement).dataset.seq));

  it("a student asks from a phone; the class upvotes and withdraws live; the host marks it answered; in Persian too", async () => {
    const r = room();
    const teacher = await hostRoom(await (await newContext(FAST)).newPage(), h.url, r, "Teacher");
    const q = "What does HTTP 101 mean?";
    // The room never gets Sara's first send: the outbox sends it again, still a question.
    const resend = { timings: { ...FAST.timings, resendAfterMs: 300, resendCheckMs: 50 } };
    const sara = await joinedThrough(await newContext({ ...PHONE, ...resend }), r, "Sara", { toServer: once(q) });
    const omid = await joined(await newContext({ ...FAST, locale: "fa-IR" }), r, "Omid");

    // The toggle beside Send: pressed, the next message is a question; off again once it is sent.
    const ask = sara.locator("#ask");
    await ask.click();
    expect(await ask.getAttribute("aria-pressed")).toBe("true");
    expect(await sara.locator("#message").getAttribute("placeholder")).toBe("Your question");
    await say(sara, q);
    await allConfirmed(sara);
    expect(await ask.getAttribute("aria-pressed")).toBe("false");
    await say(sara, "just a remark");
    for (const page of [teacher, sara, omid]) await question(page, q).waitFor(PATIENCE);
    expect(await log(teacher).locator(".msg.question").count(), "a plain message is no question").toBe(1);
    expect(await question(teacher, q).locator(".q-mark").textContent()).toBe("Question");
    expect(await question(omid, q).locator(".q-mark").textContent()).toBe("پرسش");
    expect(await count(omid, q)).toBe("۰");

    // Omid upvotes: his page at once, then every page; the count is said in the button's name, not by the log.
    await upvote(omid, q).click();
    expect(await pressed(omid, q)).toBe("true");
    expect(await count(omid, q)).toBe("۱");
    for (const page of [teacher, sara]) await expect.poll(() => count(page, q), PATIENCE).toBe("1");
    await teacher.getByRole("button", { name: "Upvote the question from Sara (votes: 1)" }).waitFor(PATIENCE);
    expect(await question(teacher, q).locator(".q-n").getAttribute("aria-hidden")).toBe("true");
    expect(await pressed(teacher, q)).toBe("false");
    // Sara too (from the phone), then Omid withdraws: one each, on every page.
    await upvote(sara, q).click();
    for (const page of [teacher, sara]) await expect.poll(() => count(page, q), PATIENCE).toBe("2");
    await expect.poll(() => count(omid, q), PATIENCE).toBe("۲");
    await upvote(omid, q).click();
    expect(await pressed(omid, q)).toBe("false");
    for (const page of [teacher, sara]) await expect.poll(() => count(page, q), PATIENCE).toBe("1");
    await expect.poll(() => count(omid, q), PATIENCE).toBe("۱");

    // Only the host marks it answered; everyone sees it, in their language.
    expect(await log(sara).locator(".answer").count()).toBe(0);
    await teacher.getByRole("button", { name: "Mark the question from Sara answered" }).click();
    const answered = (page: Page) => question(page, q).locator(".q-answered");
    for (const page of [teacher, sara, omid]) await answered(page).waitFor(PATIENCE);
    expect(await answered(sara).textContent()).toBe("Answered");
    expect(await answered(omid).textContent()).toBe("پاسخ داده شد");
    await teacher.getByRole("button", { name: "Mark the question from Sara not answered" }).click();
    for (const page of [teacher, sara, omid]) await answered(page).waitFor({ state: "hidden", ...PATIENCE });

    // On the phone: the Questions view from the header, over the log; a tap there (Sara withdraws) is the log's too.
    expect(await sara.locator("#questions-n").textContent()).toBe("1");
    await sara.locator("#questions-toggle").click();
    await expect.poll(() => view(sara), PATIENCE).toEqual([q]);
    expect(await sara.evaluate(() => document.activeElement?.id)).toBe("questions");
    const panel = (await sara.locator("#questions").boundingBox())!;
    expect(panel.width).toBeLessThanOrEqual(390);
    await sara.locator("#questions-list .upvote").click();
    await expect.poll(() => count(omid, q), PATIENCE).toBe("۰");
    await sara.keyboard.press("Escape");
    expect(await sara.locator("#questions").isHidden()).toBe(true);
    expect(await sara.evaluate(() => document.activeElement?.id)).toBe("questions-toggle");
    expect(await pressed(sara, q)).toBe("false");
    expect(await sara.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The keyboard open, asking: the toggle keeps the composer one row, the log keeps its 40 %.
    await sara.locator("#message").focus();
    await ask.click();
    await sara.setViewportSize({ width: 390, height: 430 });
    const [logBox, askBox, sendBox] = await Promise.all(
      [log(sara), ask, sara.locator("#send")].map((l) => l.boundingBox()),
    );
    expect(logBox!.height).toBeGreaterThanOrEqual(0.4 * 430);
    expect(Math.abs(askBox!.y - sendBox!.y), "one row").toBeLessThan(4);
    expect(askBox!.width, "its ? alone").toBeLessThan(64);
    expect(sendBox!.y + sendBox!.height).toBeLessThanOrEqual(430);
  });

  /**
   * Joins through a proxy that drops the tab's first vote, as the room's rate limit would, and
   * says `rate_limited` (which names no frame).
   */
  async function losingAVote(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    const page = await ctx.newPage();
    let dropped = false;
    await page.routeWebSocket(/\/ws\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (dropped || typeof m !== "string" || !m.includes('"type":"vote"')) return server.send(m);
        dropped = true;
        ws.send(JSON.stringify({ type: "error", code: "rate_limited", message: ERROR_CODES.rate_limited }));
      });
      server.onMessage((m) => ws.send(m));
    });
    return h.enter(page, r, name);
  }

  it("the Questions view lists by votes, then time, filters the unanswered, loses a deleted one; a reload keeps the counts", async () => {
    const r = room();
    const teacher = await hostRoom(await (await newContext(FAST)).newPage(), h.url, r, "Teacher");
    // Omid's first vote is dropped by "the rate limit": shown at once, it goes again and counts.
    const backoff = { timings: { ...FAST.timings, rateLimitBackoffMs: 100 } };
    const omid = await losingAVote(await newContext(backoff), r, "Omid");
    const [a, b, c] = (await Promise.all(["Ava", "Bahar", "Cyrus"].map((n) => member(r, n)))) as [
      NodeClient,
      NodeClient,
      NodeClient,
    ];
    for (const [client, text] of [
      [a, "first?"],
      [b, "second?"],
      [c, "third?"],
    ] as const) {
      client.send({ type: "message", text, id: randomId(), question: true });
      await question(teacher, text).waitFor(PATIENCE);
    }
    const [first, second, third] = (await Promise.all(
      ["first?", "second?", "third?"].map((t) => seqOf(teacher, t)),
    )) as [number, number, number];
    for (const [client, seq] of [
      [a, second],
      [b, second],
      [a, third],
    ] as const)
      client.send({ type: "vote", seq, up: true });
    await upvote(omid, "first?").click();
    await expect.poll(() => count(teacher, "second?"), PATIENCE).toBe("2");
    await expect.poll(() => count(teacher, "third?"), PATIENCE).toBe("1");
    await expect.poll(() => count(teacher, "first?"), PATIENCE).toBe("1");

    // By votes, then the older first; the header's count is the unanswered ones.
    const toggle = teacher.locator("#questions-toggle");
    expect(await toggle.getAttribute("aria-label")).toBe("Questions (3 unanswered)");
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => view(teacher), PATIENCE).toEqual(["second?", "first?", "third?"]);
    // A vote that changes the order moves the row: Cyrus votes the third up to the top.
    c.send({ type: "vote", seq: third, up: true });
    b.send({ type: "vote", seq: third, up: true });
    await expect.poll(() => view(teacher), PATIENCE).toEqual(["third?", "second?", "first?"]);

    // The host marks one answered in the view; Unanswered only leaves it out; focus stays in the list.
    const rows = teacher.locator("#questions-list");
    await rows.getByRole("button", { name: "Mark the question from Ava answered" }).click();
    await expect.poll(() => toggle.getAttribute("aria-label"), PATIENCE).toBe("Questions (2 unanswered)");
    await teacher.getByRole("button", { name: "Unanswered only" }).click();
    await expect.poll(() => view(teacher), PATIENCE).toEqual(["third?", "second?"]);
    await rows.getByRole("button", { name: "Mark the question from Bahar answered" }).click();
    await expect.poll(() => view(teacher), PATIENCE).toEqual(["third?"]);
    expect(await teacher.evaluate(() => document.activeElement?.className)).toBe("answer link");
    await teacher.keyboard.press("Escape");
    expect(await teacher.locator("#questions").isHidden()).toBe(true);
    expect(await teacher.evaluate(() => document.activeElement?.id)).toBe("questions-toggle");

    // Deleted, it leaves the log and the view.
    await question(teacher, "third?").getByRole("button", { name: "Delete message from Cyrus" }).click();
    await toggle.click();
    await expect.poll(() => view(teacher), PATIENCE).toEqual([]);
    expect(await teacher.locator("#questions-empty").textContent()).toBe("Every question is answered.");
    await teacher.getByRole("button", { name: "Unanswered only" }).click();
    await expect.poll(() => view(teacher), PATIENCE).toEqual(["second?", "first?"]);
    await teacher.getByRole("button", { name: "Close" }).click();

    // A reload: the counts, the marks and Omid's own vote come from the welcome.
    await expect.poll(() => count(omid, "second?"), PATIENCE).toBe("2");
    await omid.reload();
    await online(omid);
    await expect.poll(() => count(omid, "second?"), PATIENCE).toBe("2");
    expect(await count(omid, "first?")).toBe("1");
    expect(await pressed(omid, "first?")).toBe("true");
    expect(await pressed(omid, "second?")).toBe("false");
    expect(await question(omid, "second?").locator(".q-answered").isVisible()).toBe(true);
    expect(await question(omid, "third?").count()).toBe(0);
    expect(first).toBeLessThan(second);

    // Cleared, every question goes: from the log, the view and the header's count.
    await teacher.getByRole("button", { name: "Clear room" }).click();
    await teacher.getByRole("button", { name: "Clear without saving" }).click();
    await expect.poll(() => log(omid).locator(".msg.question").count(), PATIENCE).toBe(0);
    await toggle.click();
    await expect.poll(() => teacher.locator("#questions-empty").textContent(), PATIENCE).toBe("No questions yet.");
    expect(await teacher.locator("#questions-n").textContent()).toBe("");
    for (const client of [a, b, c]) client.close();
  });
});
