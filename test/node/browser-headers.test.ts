/**
 * @module
 * The page's security headers (`public/_headers`) as the local servers really send them, on the
 * page and its bundles, and the page at work under its Content Security Policy in Chromium: a
 * member, a host, the projector and a tab on polling, with no violation of the policy.
 */
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { HostClaim } from "../../src/protocol";
import { PAGE_HEADERS } from "../support/page-headers";
import { PATIENCE, allConfirmed, haveChromium, say, texts, usePageHarness } from "../support/page-harness";
import { type SharedServer, SERVE_VARS, sharedServer } from "../support/shared-server";

describe.skipIf(!haveChromium)("the page's security headers", () => {
  const h = usePageHarness();
  let serve: SharedServer;
  beforeAll(async () => {
    serve = await sharedServer("npm run serve", SERVE_VARS);
  }, 120_000);

  it.each([
    ["wrangler dev", () => h.url],
    ["npm run serve", () => serve.url],
  ])("%s sends them with the page and its bundles", async (_, base) => {
    for (const path of ["/", "/?room=demo", "/app.js", "/projector.js", "/style.css", "/projector.css"]) {
      const res = await fetch(`${base()}${path}`);
      expect(res.status, path).toBe(200);
      for (const [name, value] of Object.entries(PAGE_HEADERS))
        expect(res.headers.get(name), `${path} ${name}`).toBe(value);
      await res.body?.cancel();
    }
    // On this machine only, serve says nothing of a network (test/node/lan-warning.test.ts).
    if (base() === serve.url) expect(await serve.output()).not.toMatch(/plain http on the network/);
    // The Worker's own answers say nosniff too.
    const api = await fetch(`${base()}/api/rooms/demo`);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
  });

  /** A context whose tabs record every violation of the page's CSP (and the console's CSP errors). */
  async function watched(): Promise<{ ctx: BrowserContext; violations: (pages: Page[]) => Promise<string[]> }> {
    const ctx = await h.newContext();
    const logged: string[] = [];
    ctx.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) logged.push(m.text());
    });
    await ctx.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as { cspViolations?: string[] }).cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const violations = async (pages: Page[]) => {
      const inPages = await Promise.all(
        pages.map((p) => p.evaluate(() => (globalThis as { cspViolations?: string[] }).cspViolations ?? [])),
      );
      return [...inPages.flat(), ...logged];
    };
    return { ctx, violations };
  }

  it("lets the page work under its CSP: a member, the host, the projector and polling, with no violation", async () => {
    const r = h.room();
    const { ctx, violations } = await watched();
    const sara = await h.joined(ctx, r, "Sara");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    await say(sara, "hello");
    await allConfirmed(sara);

    // The host, with a key claimed as a teacher's tool would (no Origin: not a browser).
    const claim = await fetch(`${h.url}/api/rooms/${encodeURIComponent(r)}/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const teacher = await ctx.newPage();
    await teacher.goto(`${h.url}/?room=${encodeURIComponent(r)}#host=${hostKey}`);
    await teacher.locator("#name").fill("Teacher");
    await teacher.locator("#join button[type=submit]").click();
    await teacher.locator("#host-tools").waitFor(PATIENCE);

    // The projector: a bundle loaded by import(), its stylesheet, the QR code drawn as SVG, a watcher socket.
    const projector = await ctx.newPage();
    await projector.goto(`${h.url}/?room=${encodeURIComponent(r)}&view=projector#host=${hostKey}`);
    await projector.getByRole("img", { name: "Join link QR code" }).waitFor(PATIENCE);
    await projector.getByText("hello").first().waitFor(PATIENCE);

    // Polling: the page's own fetches, its POSTs with their Origin (the Referrer-Policy keeps it).
    await sara.getByRole("radio", { name: "Polling (every 2 s)" }).check();
    await sara.locator("#status", { hasText: "Online over polling" }).waitFor(PATIENCE);
    await say(sara, "over polling");
    await allConfirmed(sara);
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["hello", "over polling"]);

    expect(await violations([sara, teacher, projector])).toEqual([]);
  });
});
