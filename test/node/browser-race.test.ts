/**
 * "Compare transports" in Chromium: the host opens it from the host's tools (a new tab, no key in
 * its address), and one tab follows the room over every lane (WebSocket, SSE, long polling,
 * polling) while the teacher writes in another:
 * every lane delivers the same messages in the same order, polling's worst delay is above long
 * polling's, and no counter ever goes back. And a student's own transport switch keeps each
 * transport's counters.
 */
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { PATIENCE, allConfirmed, haveChromium, hostRoom, say, usePageHarness } from "../support/page-harness";

/** Polling asks this often here (2 s in class): long enough to tell from long polling, short to wait. */
const POLL_EVERY_MS = 800;
const LANES = ["websocket", "sse", "long", "poll"] as const;

describe.skipIf(!haveChromium)("Compare transports in Chromium", () => {
  const h = usePageHarness();

  async function hosted(ctx: BrowserContext, r: string): Promise<Page> {
    const page = await ctx.newPage();
    page.on("dialog", (d) => void d.accept());
    return hostRoom(page, h.url, r, "Teacher");
  }

  type Lane = {
    requests: number;
    frames: number;
    up: number;
    down: number;
    messages: number;
    max: number;
    seqs: string;
  };
  const lanes = (race: Page) =>
    race.locator("[data-lane]").evaluateAll((sections) =>
      Object.fromEntries(
        sections.map((s) => {
          const d = (s as HTMLElement).dataset;
          return [
            d.lane!,
            {
              requests: Number(d.requests),
              frames: Number(d.frames),
              up: Number(d.up),
              down: Number(d.down),
              messages: Number(d.messages),
              max: Number(d.max),
              seqs: d.seqs ?? "",
            },
          ];
        }),
      ),
    ) as Promise<Record<(typeof LANES)[number], Lane>>;

  it("runs every lane side by side: the same messages in order, polling's worst delay above long polling's, counters that never go back", async () => {
    const r = h.room();
    const ctx = await h.newContext({ timings: { pollEveryMs: POLL_EVERY_MS } });
    const teacher = await hosted(ctx, r);
    await teacher.evaluate(() => {
      window.open = (url?: string | URL) => {
        (window as { opened?: string }).opened = String(url);
        return null;
      };
    });
    await teacher
      .getByRole("region", { name: "Host tools" })
      .getByRole("button", { name: "Compare transports" })
      .click();
    const opened = await teacher.evaluate(() => (window as { opened?: string }).opened);
    expect(opened).toBe(`${h.url}/?room=${r}&view=race`);
    const race = await ctx.newPage();
    await race.goto(opened!);
    await race.getByRole("heading", { name: `Compare transports · ${r}` }).waitFor(PATIENCE);
    // Every lane welcomed (its "Connecting…" gone) before the first message.
    await expect.poll(() => race.locator(".race-state").allTextContents(), PATIENCE).toEqual(["", "", "", ""]);

    // The watchers are no one in the room.
    const snapshot = (await (await fetch(`${h.url}/api/rooms/${r}`)).json()) as { users: { name: string }[] };
    expect(snapshot.users.map((u) => u.name)).toEqual(["Teacher"]);

    const sent: string[] = [];
    /** Sends just after a plain poll was answered: polling waits nearly its whole interval for it. */
    const sendAfterPoll = async (text: string) => {
      await race.waitForResponse((res) => res.url().includes("/~watch?") && res.url().includes("wait=0"), PATIENCE);
      sent.push(text);
      await say(teacher, text);
      await allConfirmed(teacher);
    };
    for (const text of ["one", "two", "three"]) await sendAfterPoll(text);
    await expect
      .poll(async () => Object.values(await lanes(race)).map((l) => l.messages), PATIENCE)
      .toEqual([3, 3, 3, 3]);
    const first = await lanes(race);
    // The same seqs, in the same order, on every lane.
    expect(first.websocket.seqs.split(",")).toHaveLength(3);
    expect(first.sse.seqs).toBe(first.websocket.seqs);
    expect(first.long.seqs).toBe(first.websocket.seqs);
    expect(first.poll.seqs).toBe(first.websocket.seqs);
    await expect
      .poll(() => race.locator(".race-order").textContent(), PATIENCE)
      .toBe("Same messages, same order on every lane so far: 3.");
    // Polling's worst case is most of its interval; long polling answers within a flush.
    expect(first.poll.max).toBeGreaterThan(first.long.max);
    expect(first.poll.max).toBeGreaterThan(POLL_EVERY_MS / 2);
    expect(first.websocket.requests).toBe(1);
    expect(first.sse.requests).toBe(1);
    for (const kind of LANES) {
      expect(first[kind].up, kind).toBeGreaterThan(0);
      expect(first[kind].down, kind).toBeGreaterThan(0);
    }
    // Each lane's cost for an hour, beside the free plan's day.
    const cost = race.locator('[data-lane="poll"] [data-stat="worker"]');
    await expect.poll(() => cost.textContent(), PATIENCE).toMatch(/^[\d,]+ \(free plan: 100,000 a day\)$/);

    await sendAfterPoll("four");
    await expect
      .poll(async () => Object.values(await lanes(race)).map((l) => l.messages), PATIENCE)
      .toEqual([4, 4, 4, 4]);
    const later = await lanes(race);
    for (const kind of LANES) {
      for (const k of ["requests", "frames", "up", "down", "max"] as const)
        expect(later[kind][k], `${kind} ${k}`).toBeGreaterThanOrEqual(first[kind][k]);
      expect(later[kind].seqs.startsWith(first[kind].seqs), kind).toBe(true);
    }
    expect(later.sse.seqs).toBe(later.websocket.seqs);
    expect(later.long.seqs).toBe(later.websocket.seqs);
    expect(later.poll.seqs).toBe(later.websocket.seqs);
    expect(teacher.url()).toBe(`${h.url}/?room=${r}`);
  });

  it("a lane that breaks says so on its strip, the others go on, and it comes back with what it missed, counts kept", async () => {
    const r = h.room();
    const ctx = await h.newContext({ timings: { pollEveryMs: POLL_EVERY_MS } });
    const teacher = await hosted(ctx, r);
    const race = await ctx.newPage();
    await race.goto(`${h.url}/?room=${r}&view=race`);
    await expect.poll(() => race.locator(".race-state").allTextContents(), PATIENCE).toEqual(["", "", "", ""]);
    // The network drops every new HTTP watch request: polling breaks at its next poll.
    const cut = /\/poll\/[^/]+\/~watch/;
    await race.route(cut, (route) => route.abort("connectionreset"));
    await race
      .locator('[data-lane="poll"].broken .race-state', { hasText: "Broken: the network failed. Trying again…" })
      .waitFor(PATIENCE);
    await say(teacher, "while polling is down");
    await allConfirmed(teacher);
    await expect.poll(async () => (await lanes(race)).websocket.messages, PATIENCE).toBe(1);
    expect((await lanes(race)).sse.messages).toBe(1);
    expect(await race.locator('[data-lane="websocket"]').getAttribute("class")).not.toContain("broken");
    const broken = await lanes(race);
    expect(broken.poll.messages).toBe(0);
    // Back: the cursor it kept brings the message it missed; nothing it counted went back to zero.
    await race.unroute(cut);
    await expect.poll(async () => (await lanes(race)).poll.messages, PATIENCE).toBe(1);
    const back = await lanes(race);
    expect(back.poll.seqs).toBe(back.websocket.seqs);
    expect(back.poll.requests).toBeGreaterThan(broken.poll.requests);
    expect(back.poll.up).toBeGreaterThan(broken.poll.up);
    await expect.poll(() => race.locator('[data-lane="poll"]').getAttribute("class"), PATIENCE).toBe("race-lane");
  });

  it("without a kept host key says so and watches nothing", async () => {
    const race = await (await h.newContext()).newPage();
    await race.goto(`${h.url}/?room=${h.room()}&view=race`);
    await race.getByRole("alert").filter({ hasText: "keeps no host key" }).waitFor(PATIENCE);
    expect(await race.locator("[data-lane]").count()).toBe(0);
  });

  it("a student's switch keeps each transport's counters: back on one, its counts are where they were", async () => {
    const r = h.room();
    const sara = await h.joined(await h.newContext({ timings: { pollEveryMs: 200 } }), r, "Sara");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    const requests = async () => Number(await sara.locator('[data-stat="statRequests"]').textContent());
    await sara.getByRole("radio", { name: "Polling (every 2 s)" }).check();
    await sara.locator("#status", { hasText: "Online over polling" }).waitFor(PATIENCE);
    await expect.poll(requests, PATIENCE).toBeGreaterThanOrEqual(3);
    await sara.getByRole("radio", { name: "WebSocket" }).check();
    await expect.poll(() => sara.locator('#status[data-state="online"]').textContent(), PATIENCE).toBe("Online");
    const onSocket = await requests();
    await sara.getByRole("radio", { name: "Polling (every 2 s)" }).check();
    // At once, before any new poll could be counted: polling's own count, not zero, not the socket's.
    const back = await requests();
    expect(back).toBeGreaterThanOrEqual(3);
    expect(back).not.toBe(onSocket);
    await say(sara, "still here");
    await allConfirmed(sara);
  });
});
