/**
 * The page in Chromium: the room's host (issue 9). Claiming a room, the host's tools (delete,
 * clear, lock, remove, slow mode), the host link and the projector, and what members see.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { NodeClient } from "../support/node-client";
import {
  haveChromium,
  log,
  online,
  once,
  say,
  allConfirmed,
  texts,
  usePageHarness,
  users,
  PATIENCE,
  countSockets,
  socketsOpenedAfterClose,
} from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium: the room's host", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;

  /** Opens the page, accepts every confirmation, and, as the teacher, presses Host this room as `name`. */
  async function hosted(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    const page = await ctx.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`${h.url}/?room=${encodeURIComponent(r)}`);
    await page.locator("#name").fill(name);
    await (await hostButton(page)).click();
    await online(page);
    await tools(page).waitFor(PATIENCE);
    return page;
  }

  const tools = (page: Page) => page.getByRole("region", { name: "Host tools" });
  /** Host this room, behind "I'm the teacher" (a class never sees it by default). */
  async function hostButton(page: Page) {
    const button = page.getByRole("button", { name: "Host this room" });
    expect(await button.isVisible(), "Host this room is hidden until the teacher asks for it").toBe(false);
    await page.getByRole("button", { name: "I'm the teacher" }).click();
    return button;
  }
  const keyOf = (page: Page, r: string) =>
    page.evaluate((r) => JSON.parse(localStorage.getItem("roomcast.hosts") ?? "{}")[r] as string, r);
  const notices = (page: Page) => log(page).locator(".notice").allTextContents();

  it("claims the room and joins as host; a second browser is told the room has a host; the key is never shown", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const key = await keyOf(teacher, r);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await users(teacher).allTextContents()).toEqual(["Teacher (you, host)"]);

    const other = await (await newContext()).newPage();
    await other.goto(`${h.url}/?room=${r}`);
    await other.locator("#name").fill("Sara");
    await (await hostButton(other)).click();
    await expect
      .poll(() => other.getByRole("alert").textContent(), PATIENCE)
      .toBe("This room already has a host. Join as a member, or open the host link on this device.");
    expect(await other.locator("#join").isVisible()).toBe(true);

    // Not on screen, not in the address bar, not in the handshake of Under the hood.
    await teacher.getByRole("button", { name: "Under the hood" }).click();
    await teacher.locator("#hood").getByText("Sec-WebSocket-Key:").waitFor(PATIENCE);
    expect(await teacher.locator("#hood pre").first().textContent()).toMatch(/[?&]host=…(&|\s)/);
    expect(await teacher.evaluate(() => document.body.innerText)).not.toContain(key);
    expect(await teacher.evaluate(() => document.documentElement.outerHTML)).not.toContain(key);
    expect(teacher.url()).not.toContain(key);
  });

  it("Delete takes a message out of every tab; a member has no Delete, Remove or host tools", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    await say(sara, "oops");
    await say(sara, "fine");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["oops", "fine"]);

    await teacher.getByRole("button", { name: "Delete message from Sara" }).first().click();
    await expect.poll(() => texts(sara), { message: "gone in Sara's tab", ...PATIENCE }).toEqual(["fine"]);
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["fine"]);

    await expect.poll(() => users(teacher).allTextContents(), PATIENCE).toEqual(["Teacher (you, host)", "SaraRemove"]);
    expect(await teacher.getByRole("button", { name: "Remove Sara" }).isVisible()).toBe(true);
    expect(await sara.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
    expect(await sara.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
    expect(await tools(sara).count()).toBe(0); // hidden, so not in the accessibility tree
    expect(await sara.locator("#host-tools").isHidden()).toBe(true);
    expect(await users(sara).allTextContents()).toEqual(["Teacher (host)", "Sara (you)"]);
  });

  it("Clear room empties both tabs, with a line that says so", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    await say(teacher, "from the teacher");
    await say(sara, "from Sara");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["from the teacher", "from Sara"]);
    await tools(teacher).getByRole("button", { name: "Clear room" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Clear without saving" }).click();
    for (const page of [teacher, sara]) {
      await expect.poll(() => texts(page), PATIENCE).toEqual([]);
      expect(await notices(page)).toContain("The host cleared the room.");
    }
    await say(sara, "after the clear");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["after the clear"]);
  });

  it("Lock room makes a new tab wait; members see the line; Unlock lets it in by itself", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    const lock = tools(teacher).locator("#lock-room");
    const mark = (page: Page) => page.locator("#lock-mark");
    expect(await lock.textContent()).toBe("Lock room");
    expect(await mark(sara).isVisible()).toBe(false);
    await lock.click();
    // The button says the room's state, and every member sees the lock mark, labelled Locked.
    await expect.poll(() => lock.textContent(), PATIENCE).toBe("Locked · Unlock");
    await expect
      .poll(() => notices(sara), PATIENCE)
      .toEqual(["The host locked the room: newcomers wait until the host lets them in."]);
    for (const page of [sara, teacher]) {
      expect(await mark(page).isVisible()).toBe(true);
      expect(await mark(page).innerText()).toContain("Locked");
    }

    // A new tab waits (the waiting room, browser-knocks.test.ts), asking again now and then.
    const late = await (await newContext({ timings: { knockRetryMs: 100 } })).newPage();
    await late.goto(`${h.url}/?room=${r}`);
    await late.locator("#name").fill("Late");
    await late.getByRole("button", { name: "Join" }).click();
    await expect
      .poll(() => late.locator("#status").textContent(), PATIENCE)
      .toBe("The room is locked. Waiting for the teacher to let you in…Cancel");

    await lock.click();
    await expect.poll(() => lock.textContent(), PATIENCE).toBe("Lock room");
    await expect.poll(() => notices(sara), PATIENCE).toContain("The host unlocked the room.");
    expect(await mark(sara).isVisible()).toBe(false);
    // Unlocked: its next try gets in by itself.
    await online(late);
  });

  it("Remove closes the member's tab with the removed sentence, and it never reconnects", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    // Retries due at once: a removed tab that tried to reconnect would do so before the barrier.
    const ctx = await newContext({ timings: { reconnectBaseMs: 0 } });
    await countSockets(ctx);
    let sockets = 0;
    const sara = await joined(ctx, r, "Sara", (p) => p.on("websocket", () => sockets++));
    expect(sockets).toBe(1);
    await teacher.getByRole("button", { name: "Remove Sara" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Remove Sara" }).click();
    await expect
      .poll(() => sara.getByRole("alert").textContent(), PATIENCE)
      .toBe("The host removed you from this room.");
    expect(await sara.locator("#join").isVisible()).toBe(true);
    expect(await sara.locator("#status").getAttribute("data-state")).toBe("left");
    await expect.poll(() => users(teacher).allTextContents(), PATIENCE).toEqual(["Teacher (you, host)"]);
    // The page is back on the form with nothing scheduled.
    expect(await socketsOpenedAfterClose(sara), "no socket opened after the removal").toBe(1);
    // Joining again by hand is refused with the same sentence, for a while.
    await sara.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => sockets, PATIENCE).toBe(2);
    await expect
      .poll(() => sara.getByRole("alert").textContent(), PATIENCE)
      .toBe("The host removed you from this room.");
  });

  it("slow mode: members see the line, the countdown shows, and a refused message goes by itself when it may", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const frames: string[] = [];
    const sara = await joined(await newContext(), r, "Sara", (p) =>
      p.on("websocket", (ws) => {
        ws.on("framesent", (f) => frames.push(`out ${f.payload}`));
        ws.on("framereceived", (f) => frames.push(`in ${f.payload}`));
      }),
    );

    // Through the page's menu: 10 s, as the class would.
    await tools(teacher).getByLabel("Slow mode").selectOption("10");
    await expect.poll(() => notices(sara), PATIENCE).toEqual(["Slow mode is on: one message every 10 s."]);
    // Then 2 s from a second host socket, so that this test waits 2 s and not 10.
    const helper = await NodeClient.open(
      `${h.url.replace("http", "ws")}/ws/${r}/Helper?host=${await keyOf(teacher, r)}`,
    );
    helper.send({ type: "slow", seconds: 2 });
    await expect.poll(() => notices(sara), PATIENCE).toContain("Slow mode is on: one message every 2 s.");
    expect(await tools(teacher).getByLabel("Slow mode").inputValue()).toBe("2");
    helper.close();

    await say(sara, "first");
    await allConfirmed(sara);
    await say(sara, "second");
    const wait = sara.getByRole("timer");
    await expect.poll(() => wait.textContent(), PATIENCE).toMatch(/^You can send again in [12] s$/);
    await expect
      .poll(() => texts(teacher), { message: "the second one arrives by itself", ...PATIENCE })
      .toEqual(["first", "second"]);
    await allConfirmed(sara);

    const refusal = frames.find((f) => f.includes('"code":"slow_mode"'));
    expect(refusal, "the room did refuse it once").toBeDefined();
    const { id, retryAfterMs } = JSON.parse(refusal!.slice(3)) as { id: string; retryAfterMs: number };
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(2000);
    const sent = frames.filter((f) => f.startsWith("out") && f.includes('"text":"second"'));
    expect(sent.length, "sent again").toBeGreaterThanOrEqual(2);
    for (const f of sent) expect(JSON.parse(f.slice(4)).id, "with the same id").toBe(id);
    expect(await texts(sara)).toEqual(["first", "second"]);

    await tools(teacher).getByLabel("Slow mode").selectOption("0");
    await expect.poll(() => notices(sara), PATIENCE).toContain("Slow mode is off.");
    await expect.poll(() => wait.isHidden(), PATIENCE).toBe(true);
  });

  it("a resume after a delete and a clear takes them out too (welcome.deleted, welcome.clearedThrough)", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    // Sara's tab never hears of the delete or the clear live, and loses one message (a seq jump
    // makes it resume with since).
    let lose = once("lost");
    const sara = await joinedThrough(await newContext(), r, "Sara", {
      toPage: (m) => m.includes('"type":"deleted"') || m.includes('"type":"cleared"') || lose(m),
    });
    for (const text of ["one", "two"]) await say(teacher, text);
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["one", "two"]);
    await teacher.getByRole("button", { name: "Delete message from Teacher" }).first().click();
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["two"]);
    await say(teacher, "lost");
    await say(teacher, "three");
    await expect
      .poll(() => texts(sara), { message: "the resume drops the deleted one", ...PATIENCE })
      .toEqual(["two", "lost", "three"]);

    await tools(teacher).getByRole("button", { name: "Clear room" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Clear without saving" }).click();
    await expect.poll(() => texts(teacher), PATIENCE).toEqual([]);
    lose = once("lost again");
    await say(teacher, "lost again");
    await say(teacher, "four");
    await expect
      .poll(() => texts(sara), { message: "the resume clears the rest", ...PATIENCE })
      .toEqual(["lost again", "four"]);
    expect(await notices(sara)).toContain("The host cleared the room.");
  });

  it("given up elsewhere: the host's tools and Delete buttons go at once, the page says so, and stays in as a member", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const key = await keyOf(teacher, r);
    const sara = await joined(await newContext(), r, "Sara");
    await say(sara, "hello");
    await log(teacher).getByRole("button", { name: "Delete message from Sara" }).waitFor(PATIENCE);
    // Another device with the key gives the room up.
    const res = await fetch(`${h.url}/api/rooms/${r}/host`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(204);
    await expect.poll(() => tools(teacher).isHidden(), PATIENCE).toBe(true);
    expect(
      await log(teacher)
        .getByRole("button", { name: /Delete message/ })
        .count(),
    ).toBe(0);
    await expect
      .poll(() => notices(teacher), PATIENCE)
      .toContain(
        "You are no longer this room's host: the room was given up, or taken back with the teacher passphrase.",
      );
    await expect.poll(() => users(sara).allTextContents(), PATIENCE).toEqual(["Sara (you)", "Teacher"]);
    expect(await users(teacher).allTextContents()).toEqual(["Sara", "Teacher (you)"]);
    // The dead key is forgotten, and the page is still in the room.
    expect(await keyOf(teacher, r)).toBeUndefined();
    await say(teacher, "still here");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["hello", "still here"]);
  });

  it("Copy host link copies a one-time link (no key in it); on another device it hosts once, and leaves the address bar", async () => {
    const r = room();
    const ctx = await newContext();
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: h.url });
    const teacher = await hosted(ctx, r, "Teacher");
    const key = await keyOf(teacher, r);
    await tools(teacher).getByRole("button", { name: "Copy host link" }).click();
    await expect
      .poll(() => teacher.getByRole("status").filter({ hasText: "Host link copied" }).count(), PATIENCE)
      .toBe(1);
    const link = await teacher.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${h.url}/\\?room=${r}#hostlink=[A-Za-z0-9_-]{43}$`));
    expect(link).not.toContain(key);
    expect(await teacher.evaluate(() => document.body.innerText)).not.toContain(key);

    // Projector: a new tab on the projector view, with no key in its address: in this browser
    // it reads the kept key itself.
    await teacher.evaluate(() => {
      window.open = (url?: string | URL) => {
        (window as { opened?: string }).opened = String(url);
        return null;
      };
    });
    await tools(teacher).getByRole("button", { name: "Projector" }).click();
    const opened = await teacher.evaluate(() => (window as { opened?: string }).opened);
    expect(opened).toBe(`${h.url}/?room=${r}&view=projector`);
    const screen = await ctx.newPage();
    await screen.goto(opened!);
    await online(screen);
    await say(teacher, "on the screen");
    await screen.locator(".pj-msg", { hasText: "on the screen" }).waitFor(PATIENCE);
    expect(screen.url()).toBe(opened);

    // Another device: the link's key is tried, and kept once the room took it.
    const phone = await (await newContext()).newPage();
    await phone.goto(link);
    expect(phone.url()).toBe(`${h.url}/?room=${r}`);
    await expect.poll(() => keyOf(phone, r), PATIENCE).toBe(key);
    expect(await phone.getByText("This device hosts this room.").isVisible()).toBe(true);
    // Used once: the same link on a third device gets nothing, and says so.
    const third = await (await newContext()).newPage();
    await third.goto(link);
    await third.getByText("This host link was used already or has expired.").waitFor(PATIENCE);
    expect(await keyOf(third, r)).toBeUndefined();
    await phone.locator("#name").fill("Teacher phone");
    await phone.getByRole("button", { name: "Join" }).click();
    await online(phone);
    await tools(phone).waitFor(PATIENCE);
    expect(await keyOf(phone, r)).toBe(key);
    await expect
      .poll(() => users(phone).allTextContents(), PATIENCE)
      .toEqual(["Teacher (host)", "Teacher phone (you, host)"]);
  });

  it("a host link from anywhere never destroys the key this browser keeps: it is tried, refused, and the kept one hosts", async () => {
    const r = room();
    const ctx = await newContext();
    const teacher = await hosted(ctx, r, "Teacher");
    const key = await keyOf(teacher, r);
    await teacher.getByRole("button", { name: "Leave" }).click();
    // A link from a forum post, with a well-formed key that is not the room's.
    const tricked = await ctx.newPage();
    await tricked.goto(`${h.url}/?room=${r}#host=${"x".repeat(43)}`);
    expect(tricked.url()).toBe(`${h.url}/?room=${r}`);
    expect(await keyOf(tricked, r), "the kept key is untouched at load").toBe(key);
    await tricked.locator("#name").fill("Teacher");
    await tricked.getByRole("button", { name: "Join" }).click();
    await online(tricked);
    await tools(tricked).waitFor(PATIENCE);
    expect(await keyOf(tricked, r), "and after the refusal").toBe(key);
    await expect.poll(() => users(tricked).allTextContents(), PATIENCE).toEqual(["Teacher (you, host)"]);
  });

  it("Forget host key gives the room up: the tab stays as a member and someone else can host", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    await tools(teacher).getByRole("button", { name: "Forget host key" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Give the room up" }).click();
    await expect.poll(() => log(teacher).getByText("The host key was forgotten").count(), PATIENCE).toBe(1);
    await online(teacher);
    expect(await teacher.locator("#host-tools").isHidden()).toBe(true);
    expect(await keyOf(teacher, r)).toBeUndefined();
    await expect.poll(() => users(teacher).allTextContents(), PATIENCE).toEqual(["Teacher (you)"]);

    const next = await hosted(await newContext(), r, "Next");
    await expect.poll(() => users(next).allTextContents(), PATIENCE).toEqual(["Next (you, host)", "TeacherRemove"]);
  });

  it("fits the host's tools on a 390 px phone, without horizontal scroll", async () => {
    const ctx = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await hosted(ctx, room(), "Teacher");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await page.getByLabel("Message").boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
  });

  it("speaks Persian to the host: tools and labels", async () => {
    const r = room();
    const page = await (await newContext({ locale: "fa-IR" })).newPage();
    await page.goto(`${h.url}/?room=${r}`);
    await page.locator("#name").fill("معلم");
    await page.getByRole("button", { name: "من استاد هستم" }).click();
    await page.getByRole("button", { name: "میزبانی این اتاق" }).click();
    await online(page);
    await page.getByRole("region", { name: "ابزار میزبان" }).waitFor(PATIENCE);
    expect(await page.getByRole("button", { name: "قفل اتاق" }).isVisible()).toBe(true);
    expect(await page.getByLabel("حالت آهسته").locator("option").allTextContents()).toEqual([
      "خاموش",
      "۱۰ ثانیه",
      "۳۰ ثانیه",
      "۶۰ ثانیه",
    ]);
    // Issue 18: the lock's state, and the Forget dialog's choices, in Persian too.
    await page.getByRole("button", { name: "قفل اتاق" }).click();
    await expect.poll(() => page.locator("#lock-room").textContent(), PATIENCE).toBe("قفل است · باز کردن");
    expect(await page.locator("#lock-mark").innerText()).toContain("قفل است");
    await page.getByRole("button", { name: "فراموش کردن کلید میزبانی" }).click();
    expect(await page.getByRole("dialog").getByRole("button").allTextContents()).toEqual([
      "انصراف",
      "فراموشی فقط در این دستگاه",
      "واگذاری اتاق",
    ]);
    await page.getByRole("dialog").getByRole("button", { name: "انصراف" }).click();
    expect(await page.getByRole("dialog").count()).toBe(0);
  });
});
