/**
 * The page in Chromium with a class in the room (issue 17): hundreds of members, played by
 * protocol clients (plain `ws` sockets), never by tabs. Presence is one line per run and quiet for
 * screen readers, the online list is sorted, isolated, searchable and a count on a phone, and a
 * long class leaves at most `MAX_LOG_MESSAGES` lines, never above a reader who scrolled up.
 */
import type { Page, WebSocketRoute } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SEARCH_FROM } from "../../src/client/view-people";
import { MAX_LOG_MESSAGES, TRIM_BATCH } from "../../src/client/view-log";
import { type HostClaim, parseServerData, type ServerFrame } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { CLASS_VARS, haveChromium, log, PATIENCE, texts, usePageHarness, users } from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium with a class in the room", () => {
  // 600 messages from one sender, at once: past the per-person rate a class would have.
  const h = usePageHarness(CLASS_VARS);
  const { room, newContext, joined } = h;
  const ws = () => h.url.replace(/^http/, "ws");

  /** `names` join `r` as protocol clients, 50 at a time; each has had its welcome. */
  async function members(r: string, names: string[], query = ""): Promise<NodeClient[]> {
    const out: NodeClient[] = [];
    for (let i = 0; i < names.length; i += 50) {
      const batch = names.slice(i, i + 50).map(async (name) => {
        const q = new URLSearchParams({ session: `class-${Math.random().toString(36).slice(2, 14)}` });
        const c = await NodeClient.open(`${ws()}/ws/${r}/${encodeURIComponent(name)}?${q}${query}`);
        await c.skipTo("welcome");
        return c;
      });
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }
  const rows = (page: Page) => users(page).locator(":scope:visible");
  const names = (page: Page) => users(page).locator(".name").allTextContents();
  const presenceLines = (page: Page) => log(page).locator(".presence");

  it("300 join and 150 leave: at most two presence lines, hidden from screen readers; the list holds who stayed, searchable", async () => {
    const r = room();
    const page = await joined(await newContext(), r, "Sara");
    const all = Array.from({ length: 300 }, (_, i) => `Student ${i + 1}`);
    const clients = await members(r, all);
    await expect.poll(() => users(page).count(), PATIENCE).toBe(301);
    expect(await presenceLines(page).count()).toBeLessThanOrEqual(2);
    expect(await presenceLines(page).first().textContent()).toMatch(/^Student \d+, Student \d+ and 298 others joined /);

    // Every other one leaves.
    const leaving = clients.filter((_, i) => i % 2 === 1);
    for (const c of leaving) c.close();
    const stayed = all.filter((_, i) => i % 2 === 0);
    await expect.poll(() => users(page).count(), PATIENCE).toBe(151);
    expect(await presenceLines(page).count()).toBeLessThanOrEqual(2);
    expect(new Set(await names(page))).toEqual(new Set([...stayed, "Sara"]));
    // Who joined and left within the run is in neither part: the line says who is new.
    expect(await presenceLines(page).first().textContent()).toMatch(/^Student \d+, Student \d+ and 148 others joined /);
    expect(await page.locator("#online-heading").textContent()).toBe("Online (151)");
    // The live region's tree has no presence line in it: a screen reader hears messages only.
    expect(await log(page).ariaSnapshot()).not.toMatch(/joined|left/);

    // Search: type, see the rows that hold it (any case); clear, see everyone again.
    const search = page.getByRole("searchbox", { name: "Search" });
    await search.fill("student 1");
    const expected = stayed.filter((n) => n.toLowerCase().includes("student 1"));
    await expect.poll(() => rows(page).locator(".name").allTextContents(), PATIENCE).toEqual(expected);
    await search.fill("");
    await expect.poll(() => rows(page).count(), PATIENCE).toBe(151);
    for (const c of clients) c.close();
  });

  it("puts the host first, then sorts by name; isolates each name; searches only past 20", async () => {
    const r = room();
    const claim = await fetch(`${h.url}/api/rooms/${r}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const [teacher] = await members(r, ["Teacher"], `&host=${hostKey}`);
    const page = await joined(await newContext(), r, "Sara");
    const long = "Abcdefghij Klmnopqrst Uvwxyz 123";
    const clients = await members(r, ["Zahra", "omid", "Sara 10", "Sara 2", "مریم 3", long]);
    await expect
      .poll(() => names(page), PATIENCE)
      .toEqual(["Teacher", long, "omid", "Sara", "Sara 2", "Sara 10", "Zahra", "مریم 3"]);
    expect(await users(page).first().textContent()).toBe("Teacher (host)");
    // Its own isolate: "3" stays with مریم in an English list, whichever way the row runs.
    const maryam = users(page).locator(".name", { hasText: "مریم" });
    expect(await maryam.evaluate((e) => [e.tagName, getComputedStyle(e).unicodeBidi])).toEqual(["BDI", "isolate"]);
    // One row per person: the long name ends in an ellipsis instead of wrapping.
    const heights = await users(page).evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(Math.min(...heights) * 1.5);
    const cut = await users(page)
      .locator(".name", { hasText: long })
      .evaluate((e) => [e.scrollWidth > e.clientWidth, getComputedStyle(e).textOverflow]);
    expect(cut).toEqual([true, "ellipsis"]);

    expect(await page.getByRole("searchbox", { name: "Search" }).count()).toBe(0);
    const more = await members(
      r,
      Array.from({ length: SEARCH_FROM - 8 + 1 }, (_, i) => `Extra ${i}`),
    );
    await page.getByRole("searchbox", { name: "Search" }).waitFor(PATIENCE);
    for (const c of [teacher!, ...clients, ...more]) c.close();
  });

  it("speaks Persian: the presence line and the sort in Persian", async () => {
    const r = room();
    const page = await joined(await newContext({ locale: "fa-IR" }), r, "سارا");
    const clients = await members(r, ["گلناز", "کاوه", "پریا", "بهار"]);
    // By id: the list's label is Persian here.
    const shown = () => page.locator("#users .name").allTextContents();
    await expect.poll(shown, PATIENCE).toEqual(["بهار", "پریا", "سارا", "کاوه", "گلناز"]);
    expect(await page.locator("#people-toggle").textContent()).toBe("۵ نفر آنلاین");
    await expect
      .poll(() => presenceLines(page).first().textContent(), PATIENCE)
      .toMatch(/^[^ ،]+، [^ ،]+ و ۲ نفر دیگر وارد شدند /);
    for (const c of clients) c.close();
  });

  it("on a phone at 390×844, a count opens the list (Remove beside each name), Escape closes it", async () => {
    const r = room();
    const claim = await fetch(`${h.url}/api/rooms/${r}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const ctx = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(`${h.url}/?room=${r}#host=${hostKey}`);
    await page.locator("#name").fill("Teacher");
    await page.locator("#join button[type=submit]").click();
    await page.getByRole("region", { name: "Host tools" }).waitFor(PATIENCE);
    const clients = await members(
      r,
      Array.from({ length: 33 }, (_, i) => `Student ${i + 1}`),
    );
    const count = page.getByRole("button", { name: "34 online" });
    await count.waitFor(PATIENCE);
    expect(await count.getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByRole("list", { name: "Online users" }).isVisible()).toBe(false);

    await count.click();
    expect(await count.getAttribute("aria-expanded")).toBe("true");
    const list = page.getByRole("list", { name: "Online users" });
    await list.waitFor(PATIENCE);
    const row = users(page).filter({ hasText: "Student 7" });
    const [rowBox, removeBox] = [
      await row.boundingBox(),
      await row.getByRole("button", { name: "Remove Student 7" }).boundingBox(),
    ];
    expect(removeBox!.y).toBeGreaterThanOrEqual(rowBox!.y);
    expect(removeBox!.y + removeBox!.height).toBeLessThanOrEqual(rowBox!.y + rowBox!.height + 1);
    // The list lies over the log, inside the screen; the page does not scroll sideways.
    const box = await page.locator("#people-panel").boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole("searchbox", { name: "Search" }).fill("student 3");
    await expect
      .poll(() => rows(page).locator(".name").allTextContents(), PATIENCE)
      .toEqual(["Student 3", "Student 30", "Student 31", "Student 32", "Student 33"]);

    await page.keyboard.press("Escape");
    expect(await list.isVisible()).toBe(false);
    expect(await count.getAttribute("aria-expanded")).toBe("false");
    expect(await count.evaluate((b) => b === document.activeElement)).toBe(true);
    for (const c of clients) c.close();
  });

  it("a reconnect's countdown ticks on screen, but a screen reader is told its state once", async () => {
    // A backoff of a minute: the countdown ticks all through the test.
    const page = await (await newContext({ timings: { reconnectBaseMs: 60_000, reconnectCapMs: 60_000 } })).newPage();
    let current: WebSocketRoute | undefined;
    await page.routeWebSocket(/\/ws\//, (ws) => {
      current = ws;
      ws.connectToServer();
    });
    await page.route(/\/poll\//, (route) => route.abort());
    await h.enter(page, room(), "Sara");
    await current!.close({ code: 1011, reason: "down" });
    const status = page.locator("#status");
    await page.locator('#status[data-state="reconnecting"]').waitFor(PATIENCE);
    const heard = await status.ariaSnapshot();
    expect(heard).toMatch(/Connection lost \(.+\)\. Reconnecting…/);
    expect(heard).not.toMatch(/\d+ s/);
    const seen = await status.textContent();
    expect(seen).toMatch(/Reconnecting in \d+ s…/);
    await expect.poll(() => status.textContent(), { timeout: 3000 }).not.toBe(seen);
    expect(await status.ariaSnapshot()).toBe(heard);
  });

  it("600 messages leave at most 500 lines; a reader scrolled up keeps theirs until they come back down; then nodes stay flat", async () => {
    const r = room();
    const page = await joined(await newContext({ viewport: { width: 1000, height: 700 } }), r, "Sara");
    const [ali] = await members(r, ["Ali"]);
    const send = (from: number, to: number) => {
      for (let i = from; i < to; i++) ali!.send({ type: "message", text: `m${i}` });
    };
    send(0, 600);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe("m599");
    let shown = await texts(page);
    // Past the cap the oldest go TRIM_BATCH at a time: 450–500 are left, the newest.
    expect(shown.length).toBeLessThanOrEqual(MAX_LOG_MESSAGES);
    expect(shown.length).toBeGreaterThan(MAX_LOG_MESSAGES - TRIM_BATCH);
    expect(shown[0]).toBe(`m${600 - shown.length}`);
    const kept = shown.length;
    // What is left still starts under its date.
    const firstLine = () => page.locator("#messages > li").first().getAttribute("class");
    expect(await firstLine()).toBe("day");

    // Scrolled up: nothing leaves while they read.
    await log(page).evaluate((e) => {
      e.scrollTop = 0;
    });
    send(600, 650);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe("m649");
    shown = await texts(page);
    expect(shown.length).toBe(kept + 50);
    expect(shown[0]).toBe(`m${600 - kept}`);
    expect(await log(page).evaluate((e) => e.scrollTop)).toBe(0);

    // Back at the bottom: trimmed to the cap.
    await page.getByRole("button", { name: "New messages" }).click();
    await expect.poll(() => texts(page).then((t) => t.length), PATIENCE).toBe(MAX_LOG_MESSAGES - TRIM_BATCH);
    expect((await texts(page))[0]).toBe(`m${650 - (MAX_LOG_MESSAGES - TRIM_BATCH)}`);
    expect(await firstLine()).toBe("day");

    // Flat from here: 500 more messages, and no more nodes alive (in the page or held detached).
    const cdp = await page.context().newCDPSession(page);
    const nodes = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      return (await cdp.send("Memory.getDOMCounters")).nodes;
    };
    // From 450 lines, every TRIM_BATCH + 1 messages bring the log back to 450: ten such rounds.
    const round = TRIM_BATCH + 1;
    const before = await nodes();
    send(650, 650 + 10 * round);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe(`m${649 + 10 * round}`);
    expect((await texts(page)).length).toBe(MAX_LOG_MESSAGES - TRIM_BATCH);
    expect((await nodes()) - before).toBeLessThan(100);

    // And each message restyles its own few elements, not the log: a rule that depends on a
    // line's neighbour (`li + li`) or a `:has()` that must search the page (`.chat:has(.hood…)`)
    // made all 500 lines restyle for each one (1,507 elements), 4 ms a message here and long tasks
    // on a phone. Over a round of messages, so that one trim of the oldest lines is among them.
    const events: { name: string; args?: { elementCount?: number } }[] = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as typeof events)));
    const traced = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
    await cdp.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
    const from = 650 + 10 * round;
    send(from, from + round);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe(`m${from + round - 1}`);
    await cdp.send("Tracing.end");
    await traced;
    const restyled = events.filter((e) => e.name === "UpdateLayoutTree").map((e) => e.args?.elementCount ?? 0);
    expect(restyled.length).toBeGreaterThan(0);
    // Never the whole log at once (fewer elements than it has lines), and a few a message.
    expect(Math.max(...restyled)).toBeLessThan(MAX_LOG_MESSAGES - TRIM_BATCH);
    expect(restyled.reduce((a, b) => a + b, 0) / round).toBeLessThan(50);
    ali!.close();
  });

  it("a payload of 40 messages lays the log out once, not once for each", async () => {
    const r = room();
    const page = await (await newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    // While `held` is an array, the room's frames to the page wait in it; then they go as one
    // payload, as the room's fan-out sends what queued up while a busy class talked.
    let held: ServerFrame[] | null = null;
    let toPage: WebSocketRoute | undefined;
    await page.routeWebSocket(/\/ws\//, (ws) => {
      toPage = ws;
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        if (held !== null && typeof m === "string") held.push(...parseServerData(m));
        else ws.send(m);
      });
    });
    await h.enter(page, r, "Sara");
    const [ali] = await members(r, ["Ali"]);
    await expect.poll(() => names(page), PATIENCE).toContain("Ali");
    held = [];
    for (let i = 0; i < 40; i++) ali!.send({ type: "message", text: `b${i}` });
    await expect.poll(() => held!.filter((f) => f.type === "message").length, PATIENCE).toBe(40);

    const cdp = await page.context().newCDPSession(page);
    const events: { name: string }[] = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as typeof events)));
    const traced = new Promise<void>((resolve) => cdp.once("Tracing.tracingComplete", () => resolve()));
    await cdp.send("Tracing.start", { categories: "devtools.timeline", transferMode: "ReportEvents" });
    const payload = JSON.stringify(held);
    held = null;
    toPage!.send(payload);
    await expect.poll(() => texts(page).then((t) => t.at(-1)), PATIENCE).toBe("b39");
    await cdp.send("Tracing.end");
    await traced;
    // Measuring the log after each line forced a layout for every one of them (40 here); now the
    // log is measured once and scrolled once, in the frame that draws them.
    expect(events.filter((e) => e.name === "Layout").length).toBeLessThanOrEqual(4);
    // And it followed them down.
    expect(await log(page).evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight)).toBeLessThan(48);
    ali!.close();
  });
});
