import { describe, expect, it } from "vitest";
import { haveChromium, hostRoom, say, allConfirmed, texts, usePageHarness, PATIENCE } from "../support/page-harness";

describe.skipIf(!haveChromium)("the page over HTTP", () => {
  // (A 10 s server restart, which must never bring the fallback: ./restart.test.ts.)
  const h = usePageHarness();

  it("falls back to long polling where WebSockets are refused, says so, and still sends and receives", async () => {
    const room = h.room();
    // Retries 50 ms apart: the three failed attempts before the fallback come at once.
    const blocked = await (await h.newContext({ timings: { reconnectBaseMs: 50 } })).newPage();
    // A proxy that breaks the upgrade: every WebSocket closes at once.
    await blocked.routeWebSocket(/\/ws/, (ws) => void ws.close({ code: 1006, reason: "" }));
    await h.enter(blocked, room, "Sara");
    await blocked.locator("#status", { hasText: "Online over long polling" }).waitFor(PATIENCE);
    const ali = await h.joined(await h.newContext(), room, "Ali");
    await say(ali, "hello over the socket");
    await allConfirmed(ali);
    await expect.poll(() => texts(blocked), PATIENCE).toEqual(["hello over the socket"]);
    await say(blocked, "hello over HTTP");
    await allConfirmed(blocked);
    await expect.poll(() => texts(ali), PATIENCE).toEqual(["hello over the socket", "hello over HTTP"]);
    // Both see each other online.
    await expect.poll(() => ali.getByRole("list", { name: "Online users" }).locator("li").count(), PATIENCE).toBe(2);
    await blocked.getByRole("button", { name: "Under the hood" }).click();
    expect(await blocked.getByRole("radio", { name: "Long polling" }).isChecked()).toBe(true);
    await blocked.locator("#hood", { hasText: "switched to long polling by itself" }).waitFor(PATIENCE);
  });

  it("switches a tab to polling and back without losing a message, counting what HTTP costs", async () => {
    const room = h.room();
    // Polls every 200 ms instead of every 2 s, so the test does not wait out the interval.
    const sara = await h.joined(await h.newContext({ timings: { pollEveryMs: 200 } }), room, "Sara");
    const ali = await h.joined(await h.newContext(), room, "Ali");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    // Laid out as radios: one a line, each radio beside its label, not stretched to the box's width.
    const rows = await sara.locator(".transport label").evaluateAll((labels) =>
      labels.map((l) => {
        const box = l.getBoundingClientRect();
        const radio = l.querySelector("input")!.getBoundingClientRect();
        return { top: box.top, bottom: box.bottom, radioMid: (radio.top + radio.bottom) / 2, radioWidth: radio.width };
      }),
    );
    expect(rows).toHaveLength(4);
    rows.forEach((r, i) => {
      expect(r.radioMid).toBeGreaterThan(r.top);
      expect(r.radioMid).toBeLessThan(r.bottom);
      expect(r.radioWidth).toBeLessThan(40);
      if (i > 0) expect(r.top).toBeGreaterThanOrEqual(rows[i - 1]!.bottom);
    });
    const sent: string[] = [];
    const send = async (text: string) => {
      sent.push(text);
      await say(ali, text);
      await allConfirmed(ali);
    };
    await send("before");
    await sara.getByRole("radio", { name: "Polling (every 2 s)" }).check();
    await send("while switching");
    await sara.locator("#status", { hasText: "Online over polling" }).waitFor(PATIENCE);
    await send("over polling");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(sent);
    const requests = Number(await sara.locator('[data-stat="statRequests"]').textContent());
    expect(requests).toBeGreaterThanOrEqual(2);
    await sara.getByRole("radio", { name: "WebSocket" }).check();
    await send("back on the socket");
    await expect.poll(() => sara.locator('#status[data-state="online"]').textContent(), PATIENCE).toBe("Online");
    await send("after");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(sent);
    // Nobody left or joined on the way: Ali's log has no presence lines about Sara after joining.
    expect(await ali.locator(".system", { hasText: "Sara left" }).count()).toBe(0);
  });

  it("switches a tab to Server-Sent Events (an EventSource, sending by POST): it sends and receives with a WebSocket tab", async () => {
    const room = h.room();
    const sara = await h.joined(await h.newContext(), room, "Sara");
    const ali = await h.joined(await h.newContext(), room, "Ali");
    const streams: string[] = [];
    sara.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/sse/")) streams.push(r.resourceType());
    });
    await sara.getByRole("button", { name: "Under the hood" }).click();
    await sara.getByRole("radio", { name: "Server-Sent Events" }).check();
    await sara.locator("#status", { hasText: "Online over Server-Sent Events" }).waitFor(PATIENCE);
    expect(streams).toEqual(["eventsource"]);
    // The hood shows the stream's opening as the latest exchange (an EventSource reads no header).
    const request = sara.locator("#hood-exchange pre.request");
    await expect.poll(() => request.textContent(), PATIENCE).toMatch(/^GET \/sse\/t-[a-z0-9]+\/Sara\?session=…/);
    expect(await sara.locator("#hood-exchange pre.response").textContent()).toMatch(/^200 OK/);
    await say(ali, "to the stream");
    await allConfirmed(ali);
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["to the stream"]);
    await say(sara, "from the stream's tab");
    await allConfirmed(sara);
    await expect.poll(() => texts(ali), PATIENCE).toEqual(["to the stream", "from the stream's tab"]);
    // One stream for all of it, and nobody left or joined on the way.
    expect(streams).toEqual(["eventsource"]);
    expect(await ali.locator(".system", { hasText: "Sara left" }).count()).toBe(0);
    expect(Number(await sara.locator('[data-stat="statMessages"]').textContent())).toBeGreaterThanOrEqual(1);
  });

  it("a host's tab on Server-Sent Events reads with fetch (its key in Authorization), stays host, and removes a member on a stream", async () => {
    const room = h.room();
    const teacher = await hostRoom(await (await h.newContext()).newPage(), h.url, room, "Teacher");
    const kinds: string[] = [];
    teacher.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/sse/"))
        kinds.push(`${r.resourceType()} ${r.headers().authorization ? "key" : "no key"}`);
    });
    await teacher.getByRole("button", { name: "Under the hood" }).click();
    await teacher.getByRole("radio", { name: "Server-Sent Events" }).check();
    await teacher.locator("#status", { hasText: "Online over Server-Sent Events" }).waitFor(PATIENCE);
    expect(kinds).toEqual(["fetch key"]);
    const sara = await h.joined(await h.newContext(), room, "Sara");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    await sara.getByRole("radio", { name: "Server-Sent Events" }).check();
    await sara.locator("#status", { hasText: "Online over Server-Sent Events" }).waitFor(PATIENCE);
    await teacher.getByRole("button", { name: "Remove Sara" }).click();
    await teacher.getByRole("dialog").getByRole("button", { name: "Remove Sara" }).click();
    await expect
      .poll(() => sara.getByRole("alert").textContent(), PATIENCE)
      .toBe("The host removed you from this room.");
    expect(await sara.locator("#status").getAttribute("data-state")).toBe("left");
  });
});
