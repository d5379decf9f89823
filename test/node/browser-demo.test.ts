/**
 * The page in Chromium: the classroom demo and what a person sees and does.
 */
import { describe, expect, it } from "vitest";
import {
  countSockets,
  haveChromium,
  log,
  online,
  say,
  allConfirmed,
  socketsOpenedAfterClose,
  texts,
  usePageHarness,
  users,
  PATIENCE,
} from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium", () => {
  const h = usePageHarness();
  const { room, newContext, joined, joinedThrough } = h;

  it("runs the course demo: two tabs, two names, one room, live messages and online list", async () => {
    const ctx = await newContext();
    const r = room();
    const sara = await joined(ctx, r, "Sara");
    const omid = await joined(ctx, r, "Omid");

    await expect
      .poll(() => users(sara).allTextContents(), { message: "Sara's tab lists both", ...PATIENCE })
      .toEqual(["Omid", "Sara (you)"]);
    await say(sara, "Hello from Sara");
    await log(omid).getByText("Hello from Sara").waitFor(PATIENCE);
    const item = log(omid).locator(".msg", { hasText: "Hello from Sara" });
    await expect.poll(() => item.locator(".from").textContent()).toBe("Sara");
    expect(await item.locator("time").textContent()).toMatch(/^\d\d:\d\d$/);
    expect(await log(sara).locator(".msg.own", { hasText: "Hello from Sara" }).count()).toBe(1);
    await expect
      .poll(() => omid.locator("#typing").textContent(), { message: "typing line cleared by the message" })
      .toBe("");

    await sara.close();
    await expect
      .poll(() => users(omid).allTextContents(), { message: "Sara leaves Omid's list", ...PATIENCE })
      .toEqual(["Omid (you)"]);
    expect(await omid.locator("#online-heading").textContent()).toBe("Online (1)");
    await log(omid).locator(".system", { hasText: "Sara left" }).waitFor(PATIENCE);
  });

  it("shows the typing line in the other tab", async () => {
    const ctx = await newContext();
    const r = room();
    const sara = await joined(ctx, r, "Sara");
    const omid = await joined(ctx, r, "Omid");
    await sara.getByLabel("Message").pressSequentially("hel");
    await expect.poll(() => omid.locator("#typing").textContent(), PATIENCE).toBe("Sara is typing…");
  });

  it("shows HTML and script in a message as text, injecting nothing", async () => {
    const ctx = await newContext();
    const r = room();
    const sara = await joined(ctx, r, "Sara");
    const omid = await joined(ctx, r, "Omid");
    const evil = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>`;
    await say(sara, evil);
    await expect.poll(() => texts(omid), PATIENCE).toContain(evil);
    for (const page of [sara, omid]) {
      expect(await log(page).locator("img, script, b").count()).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    }
  });

  it("renders a Persian message right-to-left and an English one left-to-right", async () => {
    const r = room();
    // Sara only sends: every check reads Omid's log.
    const sara = await h.member(r, "سارا");
    const omid = await joined(await newContext(), r, "Omid");
    await sara.say("سلام به همه!");
    await say(omid, "Hello everyone!");
    const fa = log(omid).locator(".msg .text", { hasText: "سلام به همه" });
    const en = log(omid).locator(".msg .text", { hasText: "Hello everyone" });
    await fa.waitFor(PATIENCE);
    await en.waitFor(PATIENCE);
    expect(await fa.evaluate((e) => getComputedStyle(e).direction)).toBe("rtl");
    expect(await en.evaluate((e) => getComputedStyle(e).direction)).toBe("ltr");
    const name = log(omid).locator(".msg .from", { hasText: "سارا" });
    // By its words (direction.ts), not dir="auto"'s first letter.
    expect(await name.evaluate((e) => [e.getAttribute("dir"), getComputedStyle(e).direction])).toEqual(["rtl", "rtl"]);
  });

  it("gives a late joiner the recent history, with a date separator", async () => {
    const r = room();
    // Sara only sends; her echoes say the room has both before Late joins.
    const sara = await h.member(r, "Sara");
    await sara.say("first");
    await sara.say("second");
    const late = await joined(await newContext(), r, "Late");
    await expect.poll(() => texts(late), PATIENCE).toEqual(["first", "second"]);
    expect(await log(late).locator(".day").count()).toBe(1);
  });

  it("shows name_taken in the form's alert and stays on the form", async () => {
    const r = room();
    // Sara only holds the name (another session's), open until the checks are done.
    const _sara = await h.member(r, "Sara");
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/#${r}`);
    expect(await page.getByLabel("Room").inputValue()).toBe(r);
    await page.getByLabel("Name").fill("sara");
    await page.getByRole("button", { name: "Join" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent(), PATIENCE)
      .toBe("That name is already in use in this room. Pick another name.");
    expect(await page.getByRole("button", { name: "Join" }).isVisible()).toBe(true);
    expect(await page.locator("#status").getAttribute("data-state")).toBe("left");
  });

  it("remembers name and room, and Leave returns to the form", async () => {
    const ctx = await newContext();
    const r = room();
    const page = await joined(ctx, r, "Sara");
    await page.getByRole("button", { name: "Leave" }).click();
    await page.getByRole("button", { name: "Join" }).waitFor(PATIENCE);
    const again = await ctx.newPage();
    await again.goto(h.url);
    expect(await again.getByLabel("Name").inputValue()).toBe("Sara");
    expect(await again.getByLabel("Room").inputValue()).toBe(r);
  });

  it("is usable at 390 px: no horizontal scroll, composer visible", async () => {
    const ctx = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await joined(ctx, room(), "Sara");
    await say(page, "A long line ".repeat(30));
    await allConfirmed(page);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const box = await page.getByLabel("Message").boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    expect(await page.getByRole("button", { name: "Send" }).isVisible()).toBe(true);

    // The on-screen keyboard takes half the height: the composer stays in view.
    await page.setViewportSize({ width: 390, height: 420 });
    await page.getByLabel("Message").focus();
    const small = await page.getByLabel("Message").boundingBox();
    expect(small!.y + small!.height).toBeLessThanOrEqual(420);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("follows prefers-color-scheme: light and dark", async () => {
    const page = await (await newContext({ colorScheme: "light" })).newPage();
    await page.goto(h.url);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe("rgb(246, 247, 249)");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await background()).toBe("rgb(15, 18, 23)");
  });

  it("speaks Persian to a Persian browser, with a toggle to English", async () => {
    const page = await (await newContext({ locale: "fa-IR" })).newPage();
    await page.goto(`${h.url}/?room=${room()}`);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      "fa",
      "rtl",
    ]);
    await page.getByLabel("نام").fill("سارا");
    await page.getByRole("button", { name: "ورود" }).click();
    await online(page);
    await expect.poll(() => page.locator("#online-heading").textContent(), PATIENCE).toBe("آنلاین (۱)");
    await say(page, "سلام");
    await allConfirmed(page);
    expect(await log(page).locator(".msg time").textContent()).toMatch(/^[۰-۹]{2}:[۰-۹]{2}$/);
    await page.getByRole("button", { name: "English" }).click();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe("ltr");
    expect(await page.locator("#online-heading").textContent()).toBe("Online (1)");
  });

  it("shows the handshake and a frame's path down the stack under the hood", async () => {
    const page = await joined(await newContext(), room(), "Sara");
    await page.getByRole("button", { name: "Under the hood" }).click();
    const hood = page.locator("#hood");
    await hood.getByText("Sec-WebSocket-Key:").waitFor(PATIENCE);
    const pre = await hood.locator("pre").allTextContents();
    expect(pre[0]).toMatch(/^GET \/ws\/.+ HTTP\/1\.1\n/);
    expect(pre[0]).toMatch(/Connection: Upgrade/);
    expect(pre[1]).toMatch(/^HTTP\/1\.1 101 Switching Protocols\n/);
    expect(pre[1]).toMatch(/Sec-WebSocket-Accept: [A-Za-z0-9+/]{27}=/);
    await say(page, "hi");
    const frame = (dir: "in" | "out") =>
      hood.locator(".frame", { hasText: '"text":"hi"' }).filter({ has: page.locator(`.dir.${dir}`) });
    await frame("out").click();
    let stack = await hood.locator(".stack").innerText();
    expect(stack).toMatch(/WebSocket frame header\s+\+6 B/); // 2 + the browser's 4-byte mask
    expect(stack).toMatch(/Header bytes: 81 [89a-f][0-9a-f]( [0-9a-f]{2}){4}\n/);
    expect(stack).toMatch(/TCP segment header\s+\+20 B\s+total \d+ B\s+estimated/);
    await frame("in").click();
    stack = await hood.locator(".stack").innerText();
    expect(stack).toMatch(/WebSocket frame header\s+\+2 B/); // the server does not mask
  });

  it("follows new messages at the bottom; scrolled up, it offers a jump and counts unread in the title", async () => {
    const r = room();
    // Sara only sends: the scrolling, the jump and the title are Omid's.
    const sara = await h.member(r, "Sara");
    const omid = await joined(await newContext({ viewport: { width: 390, height: 520 } }), r, "Omid");
    for (let i = 1; i <= 6; i++) await sara.say(`line ${i}\nsecond line\nthird line`);
    await expect.poll(() => texts(omid).then((t) => t.length), PATIENCE).toBe(6);
    const atBottom = () => log(omid).evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight < 50);
    expect(await atBottom()).toBe(true);

    await log(omid).evaluate((e) => (e.scrollTop = 0));
    await sara.say("while you read above");
    await omid.getByRole("button", { name: "New messages" }).waitFor(PATIENCE);
    await expect.poll(() => omid.title(), PATIENCE).toBe(`(1) ${r} · Roomcast`);
    expect(await atBottom()).toBe(false);

    await omid.getByRole("button", { name: "New messages" }).click();
    await expect.poll(atBottom, PATIENCE).toBe(true);
    await expect.poll(() => omid.title(), PATIENCE).toBe(`${r} · Roomcast`);
    await sara.say("and one more");
    await log(omid).getByText("and one more").waitFor(PATIENCE);
    await expect.poll(atBottom, PATIENCE).toBe(true);
    expect(await omid.getByRole("button", { name: "New messages" }).isHidden()).toBe(true);
  });

  it("composer: Enter sends, Shift+Enter is a new line, a code-point counter near the limit", async () => {
    const page = await joined(await newContext(), room(), "Sara");
    const box = page.getByLabel("Message");
    await box.pressSequentially("line one");
    await box.press("Shift+Enter");
    await box.pressSequentially("line two");
    await box.press("Enter");
    await expect.poll(() => texts(page), PATIENCE).toEqual(["line one\nline two"]);
    expect(await box.inputValue()).toBe("");

    expect(await page.locator("#counter").isHidden()).toBe(true);
    await box.fill("😀".repeat(1850)); // 3700 UTF-16 units, 1850 code points
    expect(await page.locator("#counter").textContent()).toBe("1,850 / 2,000");
    expect(await page.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    await box.fill("a".repeat(2001));
    expect(await page.locator("#counter").getAttribute("class")).toContain("over");
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await box.press("Enter");
    expect(await log(page).locator(".pending").count()).toBe(0);
  });

  it("works with the keyboard alone, with a visible focus", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/?room=${room()}`);
    for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.id)) !== "name"; i++) {
      await page.keyboard.press("Tab");
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("name");
    expect(await page.locator("#name").evaluate((e) => getComputedStyle(e).outlineStyle)).not.toBe("none");
    await page.keyboard.type("Keyboard");
    await page.keyboard.press("Enter");
    await online(page);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("message");
    await page.keyboard.type("typed only");
    await page.keyboard.press("Enter");
    await expect.poll(() => texts(page), PATIENCE).toEqual(["typed only"]);
    await page.keyboard.press("Shift+Tab"); // back to the log, which scrolls with the arrow keys
    expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("log");
  });

  it("a second tab of the browser joining under the same name takes over; the first says so and does not retry", async () => {
    // Retries due at once: a replaced tab that tried again would do so before the barrier.
    const ctx = await newContext({ timings: { reconnectBaseMs: 0 } });
    await countSockets(ctx);
    const r = room();
    const first = await joined(ctx, r, "Sara");
    const second = await ctx.newPage();
    await second.goto(`${h.url}/?room=${r}`);
    // The census found Sara in the first tab: the form, with an empty name; Sara typed anyway.
    await second.locator("#join-alert", { hasText: "already open as Sara" }).waitFor(PATIENCE);
    await second.getByLabel("Name").fill("Sara");
    await second.getByRole("button", { name: "Join" }).click();
    await online(second);
    await first.locator('#status[data-state="replaced"]').waitFor(PATIENCE);
    expect(await first.locator("#status").textContent()).toContain("open in another tab");
    expect(await users(second).allTextContents()).toEqual(["Sara (you)"]);
    await say(second, "still one Sara");
    await allConfirmed(second);
    expect(await socketsOpenedAfterClose(first), "the replaced tab opened no socket again").toBe(1);
    expect(await first.locator("#status").getAttribute("data-state")).toBe("replaced");

    await first.getByRole("button", { name: "Use it here" }).click();
    await online(first);
    await second.locator('#status[data-state="replaced"]').waitFor(PATIENCE);
  });

  it("a reload goes back into the room under its own name (no name_taken)", async () => {
    const r = room();
    const sara = await joined(await newContext(), r, "Sara");
    await say(sara, "before reload");
    await allConfirmed(sara);
    await sara.reload();
    await online(sara);
    expect(await sara.locator("#join").isHidden()).toBe(true);
    expect(await sara.locator("#join-alert").textContent()).toBe("");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["before reload"]);
  });

  it("separates older history by date", async () => {
    const r = room();
    // Sara only sends (the time is edited into Late's welcome); each echo says the room has it.
    const sara = await h.member(r, "Sara");
    for (const text of ["old news", "today's news"]) await sara.say(text);
    const twoDaysAgo = Date.now() - 2 * 86_400_000;
    const late = await joinedThrough(await newContext(), r, "Late", {
      edit: (m) => {
        if (!m.includes('"type":"welcome"')) return m;
        const w = JSON.parse(m);
        // As if it had been sent two days ago. (A later reconnect's welcome may have no history.)
        if (w.history.length > 0) w.history[0].ts = twoDaysAgo;
        return JSON.stringify(w);
      },
    });
    await expect.poll(() => texts(late), PATIENCE).toEqual(["old news", "today's news"]);
    const days = await log(late).locator(".day").allTextContents();
    expect(days).toHaveLength(2);
    expect(days[0]).toBe(
      new Intl.DateTimeFormat("en-GB", { weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(
        twoDaysAgo,
      ),
    );
  });
});
