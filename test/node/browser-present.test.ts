/**
 * Under the hood on a projector (presentation mode: its type, the chosen frame's contrast, a
 * frame whole) and telling the truth on every transport (the HTTP exchange under long polling,
 * the edge's figures only when deployed), measured in Chromium.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { allConfirmed, haveChromium, say, texts, usePageHarness, PATIENCE } from "../support/page-harness";

/** Every visible element with text of its own whose computed font size is under `px`. */
const smallerThan = (page: Page, px: number) =>
  page.evaluate(
    (min) =>
      [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((e) => [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ""))
        .filter((e) => e.checkVisibility() && e.getClientRects().length > 0)
        .map((e) => ({
          what: `${e.tagName}.${e.className}: ${e.textContent!.slice(0, 30)}`,
          px: parseFloat(getComputedStyle(e).fontSize),
        }))
        .filter((x) => x.px < min),
    px,
  );

/** The lowest WCAG contrast ratio of any text inside `selector`, from computed colours. */
const lowestContrast = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const rgba = (c: string) => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.fillStyle = c;
      ctx.fillRect(0, 0, 1, 1);
      return [...ctx.getImageData(0, 0, 1, 1).data];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (e: Element | null): number[] => {
      for (; e !== null; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3] === 255) return c;
      }
      return [255, 255, 255, 255];
    };
    const root = document.querySelector(sel)!;
    return Math.min(
      ...[root, ...root.querySelectorAll("*")]
        .filter((e) => e.textContent!.trim() !== "" && e.children.length === 0)
        .map((e) => {
          const [a, b] = [lum(rgba(getComputedStyle(e).color)), lum(background(e))];
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }),
    );
  }, selector);

describe.skipIf(!haveChromium)("Under the hood on a projector, and on every transport", () => {
  const h = usePageHarness();

  it("presents full width in large type (24 px at 1920×1080, nothing under 18 px at 1280×720); Escape leaves", async () => {
    const ctx = await h.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await h.joined(ctx, h.room(), "Sara");
    await say(page, "hello class");
    await allConfirmed(page);
    await page.getByRole("button", { name: "Under the hood" }).click();
    const hood = page.locator("#hood");
    await hood.locator(".frame").first().click();
    const present = hood.getByRole("button", { name: "Present" });
    await present.click();
    await expect.poll(() => present.getAttribute("aria-pressed")).toBe("true");
    // The chat is out of the way, the panel takes the width.
    expect(await page.getByRole("log").isVisible()).toBe(false);
    expect(await page.locator("header.bar").isVisible()).toBe(false);
    expect((await hood.boundingBox())!.width).toBeGreaterThan(1900);
    const sizes = await hood.evaluate((e) =>
      [".label", "pre", ".frame time", ".transport label", ".stack td", "dd"].map((s) =>
        parseFloat(getComputedStyle(e.querySelector(s)!).fontSize),
      ),
    );
    for (const px of sizes) expect(px).toBeGreaterThanOrEqual(24);
    await page.setViewportSize({ width: 1280, height: 720 });
    expect(await smallerThan(page, 18)).toEqual([]);
    // It scales with the screen: smaller here than on 1920, still large.
    expect(
      await hood
        .locator(".label")
        .first()
        .evaluate((e) => parseFloat(getComputedStyle(e).fontSize)),
    ).toBeLessThan(sizes[0]!);

    // Focus on the body (a click on the text, say): Escape still leaves.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press("Escape");
    await expect.poll(() => present.getAttribute("aria-pressed")).toBe("false");
    expect(await hood.isVisible()).toBe(true);
    expect(await page.getByRole("log").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("present");
  });

  it("keeps the chosen frame readable in light and in dark (at least 4.5:1)", async () => {
    // One tab for both: the colours are the stylesheet's alone (prefers-color-scheme, no script
    // reads it), and emulateMedia switches them in place.
    const page = await h.joined(await h.newContext({ colorScheme: "light" }), h.room(), "Sara");
    await say(page, "hi");
    await allConfirmed(page);
    await page.getByRole("button", { name: "Under the hood" }).click();
    const present = page.getByRole("button", { name: "Present" });
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      for (const dir of ["out", "in"]) {
        await page
          .locator(".frame", { hasText: '"text":"hi"' })
          .filter({ has: page.locator(`.dir.${dir}`) })
          .click();
        expect(await lowestContrast(page, ".frame.chosen"), `${colorScheme}, ${dir}`).toBeGreaterThanOrEqual(4.5);
      }
      await present.click();
      expect(await lowestContrast(page, ".frame.chosen"), `${colorScheme}, presenting`).toBeGreaterThanOrEqual(4.5);
      // Out of the presentation again: the next scheme starts where a fresh tab would.
      await present.click();
      await expect.poll(() => present.getAttribute("aria-pressed")).toBe("false");
    }
  });

  it("opens a frame whole: pretty-printed, its size in bytes and its WebSocket header bytes", async () => {
    const page = await h.joined(await h.newContext(), h.room(), "Sara");
    const text = `long line ${"x".repeat(200)} end`;
    await say(page, text);
    await allConfirmed(page);
    await page.getByRole("button", { name: "Under the hood" }).click();
    await page
      .locator(".frame", { hasText: "long line" })
      .filter({ has: page.locator(".dir.out") })
      .click();
    const payload = (await page.locator(".stack .payload").textContent())!;
    const frame = JSON.parse(payload) as { type: string; text: string };
    expect(frame).toMatchObject({ type: "message", text });
    expect(payload).toBe(JSON.stringify(frame, null, 2));
    // Over 125 B: a 2-byte extended length, and the browser's 4-byte mask.
    const bytes = Buffer.byteLength(JSON.stringify(frame));
    expect(await page.locator(".stack .frame-size").textContent()).toBe(
      `${bytes} B of JSON, 8 B of WebSocket frame header`,
    );
    expect(await page.locator(".stack").innerText()).toMatch(
      new RegExp(
        `Header bytes: 81 fe ${(bytes >> 8).toString(16).padStart(2, "0")} ${(bytes & 0xff).toString(16).padStart(2, "0")}( [0-9a-f]{2}){4}\\n`,
      ),
    );
  });

  it("under long polling shows the latest HTTP exchange and lists HTTP bodies, not the 101", async () => {
    const room = h.room();
    const sara = await h.joined(await h.newContext(), room, "Sara");
    // Ali only sends: a protocol client, its echo the barrier that the room has the message. In
    // the room to the end of the test (the harness closes it): his leaving would be the latest
    // exchange.
    const ali = await h.member(room, "Ali");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    await sara.getByRole("radio", { name: "Long polling" }).check();
    await sara.locator("#status", { hasText: "Online over long polling" }).waitFor(PATIENCE);
    await ali.say("hello over HTTP");
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["hello over HTTP"]);
    const hood = sara.locator("#hood");
    const response = hood.locator("#hood-exchange pre.response");
    await expect.poll(() => response.textContent(), PATIENCE).toContain('"text":"hello over HTTP"');
    const request = (await hood.locator("#hood-exchange pre.request").textContent())!;
    expect(request).toMatch(/^GET \/poll\/t-[a-z0-9]+\/Sara\?session=…&cursor=[^&\s]+&wait=\d+$/);
    expect(await response.textContent()).toMatch(/^200 OK\n(.+\n)*Content-Type: application\/json\n/);
    const shown = await hood.innerText();
    expect(shown).toContain("The latest HTTP exchange");
    expect(shown).toContain("HTTP bodies, sent and received");
    expect(shown).not.toContain("101 Switching Protocols");
    expect(shown).not.toContain("Frames on this socket");
    expect(shown).not.toContain("Sec-WebSocket");
    // A body opens whole, under its HTTP headers (estimated), not a WebSocket frame's.
    await hood.locator(".frame", { hasText: "hello over HTTP" }).first().click();
    expect(await hood.locator(".stack .frame-size").textContent()).toMatch(
      /^\d+ B of body, about \d+ B of HTTP headers \(estimated\)$/,
    );
    expect(await hood.locator(".stack").innerText()).not.toContain("WebSocket");
  });

  it("says locally that the data centre and the edge's round trip appear when deployed, beside the page's HTTP version", async () => {
    const page = await h.joined(await h.newContext(), h.room(), "Sara");
    await page.getByRole("button", { name: "Under the hood" }).click();
    const edge = page.locator("#hood-edge");
    await edge.getByText("appear when deployed on Cloudflare").waitFor(PATIENCE);
    expect(await edge.locator("[data-edge]").evaluateAll((d) => d.map((e) => e.getAttribute("data-edge")))).toEqual([
      "pageProtocol",
    ]);
    expect(await edge.locator('[data-edge="pageProtocol"]').textContent()).toBe("http/1.1");
  });

  it("shows the data centre and the edge's round trip when the welcome carries them (deployed)", async () => {
    // What a deployed room sends (the workers tests check the server's side): edited into the welcome.
    const edit = (m: string) =>
      m.includes('"type":"welcome"')
        ? m.replace('{"type":"welcome"', '{"type":"welcome","edge":{"colo":"FRA","clientTcpRtt":23}')
        : m;
    const page = await h.joinedThrough(await h.newContext(), h.room(), "Sara", { edit });
    await page.getByRole("button", { name: "Under the hood" }).click();
    const edge = page.locator("#hood-edge");
    await edge.locator('[data-edge="edgeColo"]').waitFor(PATIENCE);
    expect(await edge.locator("dd").allTextContents()).toEqual(["FRA", "23 ms", "http/1.1"]);
    expect(await edge.innerText()).not.toContain("appear when deployed");
  });
});
