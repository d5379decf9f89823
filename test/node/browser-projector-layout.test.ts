/**
 * The projector's layout in Chromium, with the host key, at 1920×1080 and at 1280×720 alike: the
 * code (at least 360 px), the link (40 px type) and the count of students (not the host, not the
 * watchers) on the left; on the right the warning, the pinned message, then the latest messages,
 * of which only whole ones show (the oldest give way); and a full-screen button. Issue 20: the open
 * poll's bars and the top three unanswered questions, whole and in large type, below the pin.
 */
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type HostClaim, LIMITS } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { PATIENCE, haveChromium, online, usePageHarness } from "../support/page-harness";

const SCREENS = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
];

describe.skipIf(!haveChromium)("the projector's layout in Chromium", () => {
  const h = usePageHarness();
  const { room, newContext } = h;
  const ws = (path: string) => `${h.url.replace(/^http/, "ws")}/ws/${path}`;

  async function claim(r: string): Promise<string> {
    const res = await fetch(`${h.url}/api/rooms/${encodeURIComponent(r)}/host`, { method: "POST" });
    return ((await res.json()) as HostClaim).hostKey;
  }

  async function client(path: string): Promise<NodeClient> {
    const c = await NodeClient.open(ws(path));
    await c.next("welcome");
    return c;
  }

  /**
   * The projector of room `r` at `viewport`, hosted with `key`, once online. `lan`: the join
   * origin answers with an address phones reach (as in a classroom), so no warning takes space.
   */
  async function projector(r: string, key: string, viewport: { width: number; height: number }, lan = false) {
    const ctx = await newContext({ viewport });
    const page = await ctx.newPage();
    if (lan)
      await page.route("**/api/join-origin", (route) =>
        route.fulfill({ json: { publicUrl: "http://192.168.1.20:8787", addresses: [] } }),
      );
    await page.goto(`${h.url}/?room=${r}&view=projector#host=${key}`);
    await online(page);
    return { ctx, page };
  }

  const box = async (l: Locator) => (await l.boundingBox())!;
  const fontSize = (l: Locator) => l.evaluate((n) => Number.parseFloat(getComputedStyle(n).fontSize));

  for (const screen of SCREENS) {
    it(`at ${screen.width}×${screen.height}: two columns, nothing cut, the count of students alone`, async () => {
      const r = room();
      const key = await claim(r);
      // The host, two watchers (another projector's socket, and this page's), three students.
      const host = await client(`${r}/Teacher?host=${key}`);
      const watcher = await client(`${r}/~projector?host=${key}`);
      const students = [];
      for (const name of ["Sara", "Omid", "Nima"]) students.push(await client(`${r}/${name}`));
      const { ctx, page } = await projector(r, key, screen);
      await expect.poll(() => page.locator(".pj-count").textContent(), PATIENCE).toBe("3 online");

      // More than fits: long and multi-line messages from every student, and the host's.
      const texts: string[] = [];
      for (let i = 0; i < 24; i++) {
        const text =
          i % 3 === 0
            ? `Question ${i}: ${"why does the handshake need a key and an accept header? ".repeat(2).trim()}`
            : i % 3 === 1
              ? `Line one of ${i}\nline two\nline three`
              : `Short ${i}`;
        texts.push(text);
        (i % 4 === 3 ? host : students[i % 3]!).send({ type: "message", text });
        // One at a time, so the newest (what shows) is the same every run: sent at once from four
        // sockets, the order varied, and a long newest one alone beside a pin is cut by design.
        await expect.poll(() => page.locator(".pj-msg").count(), PATIENCE).toBe(i + 1);
      }
      const shown = page.locator(".pj-msg:not([hidden])");
      // The host pins the first question (seq 1): it goes above the latest messages.
      host.send({ type: "pin", seq: 1 });
      await page.locator(".projector-pinned").filter({ hasText: "Question 0" }).waitFor(PATIENCE);

      const section = await box(page.locator(".projector"));
      const left = await box(page.locator(".pj-join"));
      const right = await box(page.locator(".pj-feed"));
      expect(left.x + left.width, "the left column ends before the right one starts").toBeLessThanOrEqual(right.x);
      // The left column: code ≥ 360 px, link in 40 px type, the count, the full-screen button: all on screen.
      const qr = await box(page.getByRole("img", { name: "Join link QR code" }));
      expect(qr.width).toBeGreaterThanOrEqual(360);
      expect(qr.height).toBeGreaterThanOrEqual(360);
      expect(await fontSize(page.locator(".pj-link"))).toBeGreaterThanOrEqual(40);
      const fullscreen = page.getByRole("button", { name: "Full screen" });
      for (const l of [page.locator(".pj-room"), page.locator(".pj-link"), page.locator(".pj-count"), fullscreen]) {
        const b = await box(l);
        expect(b.x).toBeGreaterThanOrEqual(left.x - 0.5);
        expect(b.x + b.width).toBeLessThanOrEqual(left.x + left.width + 0.5);
        expect(b.y).toBeGreaterThanOrEqual(0);
        expect(b.y + b.height, "on screen").toBeLessThanOrEqual(screen.height);
      }
      expect(await page.locator(".pj-link").evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true);

      // The right column: the warning (loopback here) above the heading, the heading above the messages.
      const warning = await box(page.locator(".pj-feed .pj-reach"));
      const heading = await box(page.locator(".pj-feed h2"));
      const list = await box(page.locator(".pj-messages"));
      const pinned = await box(page.locator(".projector-pinned"));
      expect(warning.y + warning.height).toBeLessThanOrEqual(pinned.y);
      expect(pinned.y + pinned.height).toBeLessThanOrEqual(heading.y);
      expect(heading.y + heading.height).toBeLessThanOrEqual(list.y + 0.5);
      expect(list.y + list.height).toBeLessThanOrEqual(Math.min(screen.height, section.y + section.height) + 0.5);
      // Only whole messages, the newest; the oldest gave way.
      const visible = await shown.count();
      expect(visible).toBeGreaterThan(0);
      expect(visible, "some older ones are hidden").toBeLessThan(24);
      for (let i = 0; i < visible; i++) {
        const m = await box(shown.nth(i));
        expect(m.y, `message ${i} starts inside the column`).toBeGreaterThanOrEqual(list.y - 0.5);
        expect(m.y + m.height, `message ${i} ends inside the column`).toBeLessThanOrEqual(list.y + list.height + 0.5);
        expect(m.x + m.width).toBeLessThanOrEqual(right.x + right.width + 0.5);
        const text = shown.nth(i).locator(".text");
        expect(await text.evaluate((n) => n.scrollHeight <= n.clientHeight + 1), `message ${i} is not cut`).toBe(true);
      }
      // The newest, in seq order (the senders' messages interleave).
      const all = await page.locator(".pj-msg .text").allTextContents();
      expect([...all].sort()).toEqual([...texts].sort());
      expect(await shown.locator(".text").allTextContents()).toEqual(all.slice(24 - visible));

      for (const c of [host, watcher, ...students]) c.close();
      await ctx.close();
    });
  }

  for (const screen of SCREENS) {
    it(`at ${screen.width}×${screen.height}: the open poll's bars and the top three unanswered questions, whole and in large type, below the pin`, async () => {
      const r = room();
      const key = await claim(r);
      const host = await client(`${r}/Teacher?host=${key}`);
      const students = [];
      for (const name of ["Sara", "Omid", "Nima", "Maryam", "Reza"]) students.push(await client(`${r}/${name}`));
      // As in a classroom, the server has an address the phones reach (PUBLIC_URL): no warning
      // takes a third of the column at 1280×720.
      const { ctx, page } = await projector(r, key, screen, true);
      // Four questions (seqs 1–4), then messages; the host pins a short one and answers question 4.
      const asked = [
        "Why does the room aggregate the votes instead of broadcasting each one?",
        "چرا وب‌سوکت از long polling سریع‌تر است؟",
        "What happens to my vote if my phone loses its connection?",
        "Is this one answered already?",
      ];
      for (const [i, text] of asked.entries()) {
        students[i]!.send({ type: "message", text, question: true });
        await expect.poll(() => page.locator(".pj-msg").count(), PATIENCE).toBe(i + 1);
      }
      for (let i = 0; i < 8; i++) {
        students[i % 5]!.send({ type: "message", text: i % 2 === 0 ? `Short ${i}` : `Line one of ${i}\nline two` });
        await expect.poll(() => page.locator(".pj-msg").count(), PATIENCE).toBe(5 + i);
      }
      host.send({ type: "pin", seq: 5 });
      host.send({ type: "answered", seq: 4, answered: true });
      // Votes: question 1 three, question 3 two, question 2 one, the answered one all five.
      for (const [seq, n] of [
        [1, 3],
        [3, 2],
        [2, 1],
        [4, 5],
      ] as const)
        for (let i = 0; i < n; i++) students[i]!.send({ type: "vote", seq, up: true });
      host.send({
        type: "survey_open",
        question: "Which transport would you pick for a class of 300 phones on one Wi-Fi?",
        options: [
          "WebSocket",
          "Server-Sent Events",
          "Long polling, which works through every proxy",
          "Polling every 2 s",
        ],
      });
      const { id } = await host.skipTo("survey");
      for (const [i, c] of students.entries()) c.send({ type: "survey_vote", survey: id, option: [0, 0, 1, 2, 0][i] });
      await page.locator(".pj-voted", { hasText: "5 voted" }).waitFor(PATIENCE);
      await expect
        .poll(() => page.locator(".pj-question .pj-votes").allTextContents(), PATIENCE)
        .toEqual(["3 votes", "2 votes", "1 vote"]);
      expect(await page.locator(".pj-question .text").allTextContents()).toEqual([asked[0], asked[2], asked[1]]);
      expect(await page.locator(".pj-poll .n").allTextContents()).toEqual(["3 · 60%", "1 · 20%", "1 · 20%", "0 · 0%"]);

      // Whole, inside the right column and on screen: the pin, then the poll, then the questions.
      const right = await box(page.locator(".pj-feed"));
      const pin = await box(page.locator(".projector-pinned"));
      const poll = await box(page.locator(".pj-poll"));
      const top = await box(page.locator(".pj-questions"));
      expect(pin.y + pin.height).toBeLessThanOrEqual(poll.y + 0.5);
      expect(poll.y + poll.height).toBeLessThanOrEqual(top.y + 0.5);
      expect(top.y + top.height, "the questions end inside the column").toBeLessThanOrEqual(
        Math.min(screen.height, right.y + right.height) + 0.5,
      );
      for (const l of [page.locator(".pj-poll"), page.locator(".pj-questions")]) {
        const b = await box(l);
        expect(b.x).toBeGreaterThanOrEqual(right.x - 0.5);
        expect(b.x + b.width).toBeLessThanOrEqual(right.x + right.width + 0.5);
      }
      const uncut = (sel: string) =>
        page
          .locator(sel)
          .evaluateAll((ns) =>
            ns.every((n) => n.scrollHeight <= n.clientHeight + 1 && n.scrollWidth <= n.clientWidth + 1),
          );
      for (const sel of [".pj-poll-q", ".pj-poll .opt", ".pj-poll .n", ".pj-question .text", ".projector-pinned .text"])
        expect(await uncut(sel), `${sel} is not cut`).toBe(true);
      // Large type: 36 px at 1920×1080; at 1280×720, beside the pin, it steps down, 20 px at the least.
      const sizes = await Promise.all(
        [".pj-poll .opt", ".pj-question .text"].map((s) => fontSize(page.locator(s).first())),
      );
      for (const size of sizes) expect(size).toBeGreaterThanOrEqual(screen.width === 1920 ? 36 : 20);
      // The latest messages gave way: whole ones only, if any, below the board.
      const shown = page.locator(".pj-msg:not([hidden])");
      const visible = await shown.count();
      for (let i = 0; i < visible; i++) {
        const m = await box(shown.nth(i));
        expect(m.y).toBeGreaterThanOrEqual(top.y + top.height - 0.5);
        expect(m.y + m.height).toBeLessThanOrEqual(right.y + right.height + 0.5);
      }

      // Closed: its result takes the open poll's place.
      host.send({ type: "survey_close" });
      await page.locator(".pj-poll h3", { hasText: "Poll result" }).waitFor(PATIENCE);
      expect(await page.locator(".pj-poll .n").allTextContents()).toEqual(["3 · 60%", "1 · 20%", "1 · 20%", "0 · 0%"]);
      for (const c of [host, ...students]) c.close();
      await ctx.close();
    });
  }

  // About 355 characters: a question the teacher pins so the class can read it while answering.
  const LONG_PIN =
    "Before the next exercise, think about this: when two students send a message at the same moment, " +
    "the room gives each one a number in the order it received them, and every phone shows them in that " +
    "order. What happens if one phone loses its connection for a few seconds and then comes back? " +
    "Which messages does it ask for, and how does it know none are missing?";

  for (const screen of SCREENS) {
    it(`at ${screen.width}×${screen.height}: a long pinned message shows whole, and the latest messages give way to it`, async () => {
      expect(LONG_PIN.length).toBeGreaterThanOrEqual(350);
      const r = room();
      const key = await claim(r);
      const host = await client(`${r}/Teacher?host=${key}`);
      const students = [];
      for (const name of ["Sara", "Omid", "Nima"]) students.push(await client(`${r}/${name}`));
      const { ctx, page } = await projector(r, key, screen);
      // The long one first (seq 1), then more than fits, spread over the students (each has a rate limit).
      students[0]!.send({ type: "message", text: LONG_PIN });
      for (let i = 0; i < 12; i++)
        students[i % 3]!.send({ type: "message", text: i % 2 === 0 ? `Short ${i}` : `Line one of ${i}\nline two` });
      await expect.poll(() => page.locator(".pj-msg").count(), PATIENCE).toBe(13);
      host.send({ type: "pin", seq: 1 });
      const pinned = page.locator(".projector-pinned");
      await pinned.filter({ hasText: "none are missing?" }).waitFor(PATIENCE);

      // Whole: its text box holds all of it (no scrolling, no cut), with no line clamp (no ellipsis).
      const text = pinned.locator(".text");
      expect(await text.textContent()).toBe(LONG_PIN);
      expect(await text.evaluate((n) => n.scrollHeight <= n.clientHeight + 1), "the pinned text is not cut").toBe(true);
      expect(await text.evaluate((n) => getComputedStyle(n).webkitLineClamp), "no ellipsis").toBe("none");
      // Inside the column and on screen.
      const right = await box(page.locator(".pj-feed"));
      const pin = await box(pinned);
      expect(pin.y).toBeGreaterThanOrEqual(right.y - 0.5);
      expect(pin.y + pin.height, "the pin ends inside the column").toBeLessThanOrEqual(right.y + right.height + 0.5);
      expect(pin.y + pin.height).toBeLessThanOrEqual(screen.height);

      // Below it, the latest messages that still fit, whole: the older ones gave way.
      const shown = page.locator(".pj-msg:not([hidden])");
      const visible = await shown.count();
      const list = visible === 0 ? { y: pin.y + pin.height, height: 0 } : await box(page.locator(".pj-messages"));
      expect(pin.y + pin.height).toBeLessThanOrEqual(list.y + 0.5);
      expect(visible, "some gave way").toBeLessThan(13);
      // At 1920×1080 some still show below it, and the pin keeps its large type; at 1280×720 beside
      // the warning it takes the column (their heading goes too) in smaller type, 24 px at least.
      const msgSize = await fontSize(page.locator(".pj-msg .text").first());
      if (screen.width === 1920) {
        expect(visible).toBeGreaterThan(0);
        expect(await fontSize(text)).toBeGreaterThan(msgSize);
      } else {
        expect(await fontSize(text)).toBeGreaterThanOrEqual(24);
      }
      if (visible === 0) {
        expect(await page.locator(".pj-feed h2").isHidden(), "no heading over nothing").toBe(true);
        expect(await page.locator(".pj-messages").isHidden()).toBe(true);
      }
      for (let i = 0; i < visible; i++) {
        const m = await box(shown.nth(i));
        expect(m.y, `message ${i} starts below the pin`).toBeGreaterThanOrEqual(list.y - 0.5);
        expect(m.y + m.height, `message ${i} ends inside the column`).toBeLessThanOrEqual(list.y + list.height + 0.5);
        const t = shown.nth(i).locator(".text");
        expect(await t.evaluate((n) => n.scrollHeight <= n.clientHeight + 1), `message ${i} is not cut`).toBe(true);
      }
      const all = await page.locator(".pj-msg .text").allTextContents();
      expect(await shown.locator(".text").allTextContents(), "the newest").toEqual(all.slice(13 - visible));
      for (const c of [host, ...students]) c.close();
      await ctx.close();
    });
  }

  it("at 1280×720: a pin taller than the column alone is cut at a line with an ellipsis; a short pin gives the messages back", async () => {
    const r = room();
    const key = await claim(r);
    const host = await client(`${r}/Teacher?host=${key}`);
    const sara = await client(`${r}/Sara`);
    const { ctx, page } = await projector(r, key, SCREENS[1]!);
    // As long as a message may be: more than the column holds even in the pin's smallest type.
    const huge = `${LONG_PIN} `.repeat(6).slice(0, LIMITS.textMaxChars);
    sara.send({ type: "message", text: huge });
    sara.send({ type: "message", text: "Short one" });
    await expect.poll(() => page.locator(".pj-msg").count(), PATIENCE).toBe(2);
    host.send({ type: "pin", seq: 1 });
    const pinned = page.locator(".projector-pinned");
    const text = pinned.locator(".text");
    await expect.poll(() => text.evaluate((n) => getComputedStyle(n).webkitLineClamp), PATIENCE).not.toBe("none");
    const right = await box(page.locator(".pj-feed"));
    const pin = await box(pinned);
    expect(pin.y + pin.height, "cut inside the column").toBeLessThanOrEqual(right.y + right.height + 0.5);
    expect(await fontSize(text), "in the smallest type first").toBe(24);
    // Cut at a line (a whole number of lines in the box), nothing to scroll.
    const lines = await text.evaluate((n) => n.clientHeight / Number.parseFloat(getComputedStyle(n).lineHeight));
    expect(Math.abs(lines - Math.round(lines))).toBeLessThan(0.05);
    expect(await text.evaluate((n) => getComputedStyle(n).overflowY)).toBe("hidden");
    expect(await page.locator(".pj-msg:not([hidden])").count()).toBe(0);

    // A short pin in its place: its own type, whole, and the latest messages back below it.
    host.send({ type: "pin", seq: 2 });
    await pinned.filter({ hasText: "Short one" }).waitFor(PATIENCE);
    await expect.poll(() => page.locator(".pj-msg:not([hidden])").count(), PATIENCE).toBeGreaterThan(0);
    expect(await text.evaluate((n) => getComputedStyle(n).webkitLineClamp)).toBe("none");
    expect(await fontSize(text)).toBe(36);
    expect(await page.locator(".pj-feed h2").isVisible()).toBe(true);
    for (const c of [host, sara]) c.close();
    await ctx.close();
  });

  it("full screen: the button enters it and leaves it, and is hidden where the browser has none", async () => {
    const r = room();
    const key = await claim(r);
    const ctx = await newContext({ viewport: SCREENS[1] });
    const page = await ctx.newPage();
    await page.goto(`${h.url}/?room=${r}&view=projector#host=${key}`);
    const button = page.getByRole("button", { name: "Full screen" });
    await button.click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName ?? null), PATIENCE).toBe("HTML");
    await page.getByRole("button", { name: "Exit full screen" }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement), PATIENCE).toBeNull();
    await button.waitFor(PATIENCE);

    // The same tab loaded again where the browser has no Fullscreen API: no second tab needed.
    // By way of about:blank, as the key left the address bar (a reload would drop it, and a
    // goto differing only in the fragment would not load the page again).
    await page.addInitScript(() =>
      Object.defineProperty(Document.prototype, "fullscreenEnabled", { get: () => false }),
    );
    await page.goto("about:blank");
    await page.goto(`${h.url}/?room=${r}&view=projector#host=${key}`);
    await page.locator(".pj-count").waitFor(PATIENCE);
    expect(await page.locator(".pj-fullscreen").isHidden()).toBe(true);
    await ctx.close();
  });
});
