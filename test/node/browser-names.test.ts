/**
 * The page in Chromium: a name is a person (issue 16). The host's messages carry a "host" mark
 * (a word, in the reader's language) in a member's tab and on the projector, and a member's do
 * not; the join form refuses a name that mixes alphabets with a sentence that says so.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { HostClaim } from "../../src/protocol";
import { NodeClient } from "../support/node-client";
import { PATIENCE, allConfirmed, haveChromium, log, online, say, texts, usePageHarness } from "../support/page-harness";

describe.skipIf(!haveChromium)("the page in Chromium: names and the host's mark", () => {
  const h = usePageHarness();
  const { room, newContext, joined } = h;

  async function claim(r: string): Promise<string> {
    const res = await fetch(`${h.url}/api/rooms/${encodeURIComponent(r)}/host`, { method: "POST" });
    expect(res.status).toBe(201);
    return ((await res.json()) as HostClaim).hostKey;
  }

  /** Each message of the log as "from [mark]: text". */
  const lines = (page: Page, item: string) =>
    page.locator(item).evaluateAll((items) =>
      items.map((m) => {
        const mark = m.querySelector(".role")?.textContent;
        return `${m.querySelector(".from")?.textContent}${mark ? ` [${mark}]` : ""}: ${m.querySelector(".text")?.textContent}`;
      }),
    );

  it("marks the teacher's messages as the host's in a member's tab and on the projector, in either language", async () => {
    const r = room();
    const key = await claim(r);
    const sara = await joined(await newContext(), r, "Sara");
    const teacher = await NodeClient.open(`${h.url.replace("http", "ws")}/ws/${r}/Teacher?host=${key}`);
    teacher.send({ type: "message", text: "Open your books" });
    await expect.poll(() => texts(sara), PATIENCE).toEqual(["Open your books"]);
    await say(sara, "Which page?");
    await allConfirmed(sara);
    expect(await lines(sara, ".msg:not(.pending)")).toEqual(["Teacher [host]: Open your books", "Sara: Which page?"]);

    const projector = await (await newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await projector.goto(`${h.url}/?room=${encodeURIComponent(r)}&view=projector#host=${key}`);
    await online(projector);
    await expect
      .poll(() => lines(projector, ".pj-msg"), PATIENCE)
      .toEqual(["Teacher [host]: Open your books", "Sara: Which page?"]);
    // A Persian line on an English projector reads from the right, its name where its text starts.
    teacher.send({ type: "message", text: "صفحهٔ ۱۲ را باز کنید" });
    const persian = projector.locator(".pj-msg", { hasText: "صفحهٔ" });
    await persian.waitFor(PATIENCE);
    expect(await persian.locator(".pj-who").evaluate((n) => getComputedStyle(n).direction)).toBe("rtl");
    expect(
      await projector
        .locator(".pj-msg")
        .first()
        .evaluate((n) => getComputedStyle(n).direction),
    ).toBe("ltr");

    // The mark is a word in the reader's language: the toggle relabels it in both views.
    await sara.locator("#lang").click();
    await expect.poll(() => log(sara).locator(".role").allTextContents(), PATIENCE).toEqual(["میزبان", "میزبان"]);
    await projector.locator("#lang").click();
    await expect
      .poll(() => projector.locator(".pj-msg .role").allTextContents(), PATIENCE)
      .toEqual(["میزبان", "میزبان"]);
    teacher.close();
  });

  it("marks the host's own messages in the host's tab, and in the history a late member gets", async () => {
    const r = room();
    const teacher = await (await newContext()).newPage();
    teacher.on("dialog", (d) => void d.accept());
    await teacher.goto(`${h.url}/?room=${encodeURIComponent(r)}`);
    await teacher.locator("#name").fill("Teacher");
    await teacher.getByRole("button", { name: "I'm the teacher" }).click();
    await teacher.getByRole("button", { name: "Host this room" }).click();
    await online(teacher);
    await say(teacher, "Welcome");
    await allConfirmed(teacher);
    expect(await lines(teacher, ".msg:not(.pending)")).toEqual(["Teacher [host]: Welcome"]);
    const sara = await joined(await newContext(), r, "Sara");
    await expect.poll(() => lines(sara, ".msg:not(.pending)"), PATIENCE).toEqual(["Teacher [host]: Welcome"]);
  });

  it("refuses a name that mixes Latin and Cyrillic letters, saying why", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/?room=${room()}`);
    await page.locator("#name").fill("Sаrа");
    await page.locator("#join button[type=submit]").click();
    await expect
      .poll(() => page.getByRole("alert").textContent(), PATIENCE)
      .toBe("That name mixes Latin, Cyrillic or Greek letters, which can pass for someone else's: use one alphabet.");
  });

  it("refuses a name with an emoji in a sentence of its own, in either language", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${h.url}/?room=${room()}`);
    for (const name of ["Sara 😀", "🇮🇷 Omid"]) {
      await page.locator("#name").fill(name);
      await page.locator("#join button[type=submit]").click();
      await expect
        .poll(() => page.getByRole("alert").textContent(), PATIENCE)
        .toBe("Names cannot contain emoji: use letters and digits only.");
      await page.locator("#join-alert").evaluate((n) => {
        n.textContent = "";
      });
    }
    await page.locator("#lang").click();
    await page.locator("#join button[type=submit]").click();
    await expect
      .poll(() => page.getByRole("alert").textContent(), PATIENCE)
      .toBe("نام نمی‌تواند ایموجی داشته باشد: فقط از حرف و رقم استفاده کنید.");
  });

  it("shows the handshake with the redacted session as …, and says why a Persian name is percent-encoded", async () => {
    const r = room();
    const handshake = (p: Page) => p.locator("#hood pre").first().textContent();
    const note = (p: Page) => p.locator("#hood .note", { hasText: "percent-encoding" });
    const sara = await joined(await newContext(), r, "Sara");
    await sara.getByRole("button", { name: "Under the hood" }).click();
    await expect
      .poll(() => handshake(sara), PATIENCE)
      .toMatch(new RegExp(`^GET /ws/${r}/Sara\\?session=… HTTP/1\\.1\n`));
    expect(await note(sara).count()).toBe(0);

    const maryam = await joined(await newContext(), r, "مریم");
    await maryam.getByRole("button", { name: "Under the hood" }).click();
    const path = `/ws/${r}/${encodeURIComponent("مریم")}?session=…`;
    await expect.poll(() => handshake(maryam), PATIENCE).toContain(`GET ${path} HTTP/1.1`);
    expect(await handshake(maryam)).not.toContain("%E2%80%A6");
    await note(maryam).waitFor(PATIENCE);
  });
});
