/**
 * The transcript on the page in Chromium: Download transcript saves the room's kept messages as a
 * Markdown file (fetched with the key in a header, never in a URL, in the browser's time zone),
 * and Clear room asks in a dialog, offering to download first: that path saves the file, then
 * clears; a failed download clears nothing; Cancel changes nothing.
 */
import { readFile } from "node:fs/promises";
import type { BrowserContext, Download, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { PATIENCE, haveChromium, hostRoom, log, say, texts, usePageHarness } from "../support/page-harness";

describe.skipIf(!haveChromium)("the transcript on the page in Chromium", () => {
  const h = usePageHarness();
  const { room, newContext, joined } = h;

  /** As the teacher: I'm the teacher, then Host this room as `name` (by id: the page may speak Persian). */
  async function hosted(ctx: BrowserContext, r: string, name: string): Promise<Page> {
    return hostRoom(await ctx.newPage(), h.url, r, name);
  }

  const content = async (d: Download) => readFile((await d.path())!, "utf8");
  const dialog = (page: Page) => page.getByRole("dialog", { name: "Clear the room?" });

  it("Download transcript saves the kept messages as Markdown, in the browser's time zone, the key in no URL", async () => {
    const r = room();
    const teacher = await hosted(await newContext({ timezoneId: "Asia/Tehran" }), r, "Teacher");
    // Sara only sends, and is read back from the teacher's file: a protocol client. Her echo
    // before the teacher speaks: the room has hers first, as the file's order expects.
    const sara = await h.member(r, "Sara");
    await sara.say("# not a heading");
    await say(teacher, "<b>plain</b>");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["# not a heading", "<b>plain</b>"]);
    const key = await teacher.evaluate((r) => JSON.parse(localStorage.getItem("roomcast.hosts") ?? "{}")[r], r);
    const asked: { url: string; auth: string | undefined }[] = [];
    teacher.on("request", (req) => {
      if (req.url().includes("/transcript")) asked.push({ url: req.url(), auth: req.headers().authorization });
    });

    const [download] = await Promise.all([
      teacher.waitForEvent("download", PATIENCE),
      teacher.getByRole("button", { name: "Download transcript" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^roomcast-${r}-\\d{4}-\\d\\d-\\d\\d\\.md$`));
    const md = await content(download);
    expect(md.split("\n")[0]).toBe(`# Transcript of ${r}`);
    expect(md).toContain("(Asia/Tehran) · 2 messages");
    expect(md).toMatch(/\*\*\d\d:\d\d\*\* · \*\*Sara\*\*\\\n\\# not a heading\n/);
    expect(md).toMatch(/\*\*\d\d:\d\d\*\* · \*\*Teacher\*\* \(host\)\\\n\\<b\\>plain\\<\/b\\>\n/);
    expect(await teacher.locator("#host-note").textContent()).toBe("Transcript downloaded.");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.url).not.toContain(key);
    expect(new URL(asked[0]!.url).searchParams.get("tz")).toBe("Asia/Tehran");
    expect(asked[0]!.auth).toBe(`Bearer ${key}`);
  });

  it("in Persian: the file speaks Persian, with the Persian calendar and digits", async () => {
    const r = room();
    const teacher = await hosted(await newContext({ locale: "fa-IR", timezoneId: "Asia/Tehran" }), r, "Teacher");
    await say(teacher, "سلام");
    const [download] = await Promise.all([
      teacher.waitForEvent("download", PATIENCE),
      teacher.getByRole("button", { name: "دریافت گزارش گفت‌وگو" }).click(),
    ]);
    const md = await content(download);
    expect(md.split("\n")[0]).toBe(`# گزارش گفت‌وگوی ${r}`);
    expect(md).toMatch(/\*\*[۰-۹]{2}:[۰-۹]{2}\*\* · \*\*Teacher\*\* \(میزبان\)\\\nسلام\n/);
    expect(md).toMatch(/^## .+ ۱۴[۰-۹]{2}$/m);
  });

  it("Clear room asks in a dialog; Download transcript first saves the file, then clears; Cancel keeps all", async () => {
    const r = room();
    const teacher = await hosted(await newContext(), r, "Teacher");
    const sara = await joined(await newContext(), r, "Sara");
    await say(sara, "keep me");
    await expect.poll(() => texts(teacher), PATIENCE).toEqual(["keep me"]);
    const clear = teacher.getByRole("button", { name: "Clear room" });

    // Cancel: nothing happens.
    await clear.click();
    await expect
      .poll(() => dialog(teacher).getByRole("button").allTextContents(), PATIENCE)
      .toEqual(["Cancel", "Download transcript first", "Clear without saving"]);
    expect(await dialog(teacher).locator("p bdi").textContent()).toBe(r);
    await dialog(teacher).getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog(teacher).count(), PATIENCE).toBe(0);
    expect(await texts(sara)).toEqual(["keep me"]);

    // A download that fails clears nothing, and says so.
    await teacher.route("**/transcript?*", (route) => route.fulfill({ status: 500, body: "{}" }));
    await clear.click();
    await dialog(teacher).getByRole("button", { name: "Download transcript first" }).click();
    await expect
      .poll(() => teacher.locator("#host-note").textContent(), PATIENCE)
      .toBe("The transcript could not be downloaded, so the room was not cleared.");
    expect(await texts(teacher)).toEqual(["keep me"]);
    await teacher.unroute("**/transcript?*");

    // Download first: the file holds the messages, then the room is empty everywhere.
    await clear.click();
    const [download] = await Promise.all([
      teacher.waitForEvent("download", PATIENCE),
      dialog(teacher).getByRole("button", { name: "Download transcript first" }).click(),
    ]);
    expect(await content(download)).toMatch(/\*\*Sara\*\*\\\nkeep me\n/);
    for (const page of [teacher, sara]) {
      await expect.poll(() => texts(page), PATIENCE).toEqual([]);
      await log(page).getByText("The host cleared the room.").waitFor(PATIENCE);
    }
  });
});
