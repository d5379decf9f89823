/**
 * Screenshots of the joined page for the README: desktop and 390 px, English and Persian
 * (plus the teaching panel, and dark mode), the host's view (a pinned question, a knock at the
 * locked room), and the projector view with the host's key. Run with `npm run screenshots`: it uses the same browser
 * as the browser tests (see test/support/browser.ts). Last, a class of 300 (protocol members,
 * bench/class-room.ts) as the host's laptop and a student's phone see it. And "Compare
 * transports" (race.png): `npm run screenshots -- --race` takes that one alone. And a poll (issue
 * 20) with the class's questions, on a student's phone and on the projector at 1920×1080
 * (poll-phone.png, poll-projector.png): `npm run screenshots -- --poll` takes those alone.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import type { HostClaim } from "../src/protocol";
import { classNames, classText, fillRoom } from "../bench/class-room";
import { findBrowser, launchBrowser } from "../test/support/browser";
import { NodeClient } from "../test/support/node-client";
import { enterRoom, allConfirmed } from "../test/support/page";
import { ROOT, startWranglerDev } from "../test/support/wrangler-dev";

const OUT = join(ROOT, "docs/screenshots");
const DESKTOP = { width: 1280, height: 760 };
const PHONE = { width: 390, height: 844 };

async function open(
  browser: Browser,
  url: string,
  name: string,
  opts: { lang: "en" | "fa"; phone?: boolean; dark?: boolean; room?: string },
): Promise<Page> {
  const ctx = await browser.newContext({
    locale: opts.lang === "fa" ? "fa-IR" : "en-US",
    viewport: opts.phone ? PHONE : DESKTOP,
    deviceScaleFactor: opts.phone ? 2 : 1,
    isMobile: opts.phone === true,
    hasTouch: opts.phone === true,
    colorScheme: opts.dark ? "dark" : "light",
  });
  return enterRoom(await ctx.newPage(), url, opts.room ?? "demo", name);
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator("#message").fill(text);
  await page.locator("#message").press("Enter");
  await allConfirmed(page);
}

/**
 * The race: a host's laptop opens Compare transports for a room of its own while a student
 * writes now and then; taken once every lane has the student's messages.
 */
async function raceShot(browser: Browser, url: string): Promise<void> {
  const claim = await fetch(`${url}/api/rooms/race/host`, { method: "POST" });
  const { hostKey } = (await claim.json()) as HostClaim;
  const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1920, height: 1080 } });
  const teacher = await ctx.newPage();
  await teacher.goto(`${url}/?room=race#host=${hostKey}`);
  await teacher.locator("#name").fill("Teacher");
  await teacher.locator("#join button[type=submit]").click();
  await teacher.locator('#status[data-state="online"]').waitFor();
  const race = await ctx.newPage();
  await race.goto(`${url}/?room=race&view=race`);
  await race.waitForFunction(() =>
    [...document.querySelectorAll(".race-state")].every((s) => s.textContent === "" && s.closest("[data-lane]")),
  );
  const student = await open(browser, url, "Sara", { lang: "en", room: "race" });
  const lines = ["Is polling slower?", "Watch the dots", "Long polling answers at once", "One more", "And the last"];
  for (const [i, text] of lines.entries()) {
    await say(student, text);
    await new Promise((r) => setTimeout(r, 700 + 450 * i));
  }
  await race.waitForFunction(
    (n) => [...document.querySelectorAll<HTMLElement>("[data-lane]")].every((l) => Number(l.dataset.messages) >= n),
    lines.length,
  );
  await race.screenshot({ path: join(OUT, "race.png"), fullPage: true });
  await student.context().close();
  await ctx.close();
}

/**
 * A poll in a lesson: protocol students ask questions and upvote them, the host opens a poll and
 * the class votes, a student on a phone too (a tap); taken on the phone and on the projector.
 */
async function pollShots(browser: Browser, url: string): Promise<void> {
  const claim = await fetch(`${url}/api/rooms/lesson/host`, { method: "POST" });
  const { hostKey } = (await claim.json()) as HostClaim;
  const ws = (name: string, query = "") =>
    NodeClient.open(`${url.replace("http", "ws")}/ws/lesson/${encodeURIComponent(name)}${query}`);
  const host = await ws("Teacher", `?host=${hostKey}`);
  await host.next("welcome");
  const names = ["Omid", "مریم", "Nima", "سارا", "Reza", "Parisa", "Kian", "یاسمن", "Arash", "Emma", "علی", "Leo"];
  const students: NodeClient[] = [];
  for (const name of names) {
    const c = await ws(name);
    await c.next("welcome");
    students.push(c);
  }
  const questions = [
    "Why does the server aggregate the votes instead of sending each one?",
    "چرا وب‌سوکت از long polling سریع‌تر است؟",
    "What happens to my vote if my phone loses the connection?",
    "Can a poll have more than six options?",
  ];
  for (const [i, text] of questions.entries()) {
    students[i]!.send({ type: "message", text, question: true });
    await students[i]!.skipTo("message");
  }
  // Upvotes: 9, 7, 4 and 2 (seqs 1–4), from different students.
  for (const [seq, n] of [
    [1, 9],
    [2, 7],
    [3, 4],
    [4, 2],
  ] as const)
    for (let i = 0; i < n; i++) students[(i + seq) % students.length]!.send({ type: "vote", seq, up: true });
  host.send({
    type: "survey_open",
    question: "Which transport would you pick for a class of 300?",
    options: ["WebSocket", "Server-Sent Events", "Long polling", "Polling every 2 s"],
  });
  const { id } = await host.skipTo("survey");
  for (const [i, c] of students.entries())
    c.send({ type: "survey_vote", survey: id, option: [0, 0, 1, 0, 2, 0, 1, 0, 0, 3, 1, 0][i] });

  const phone = await open(browser, url, "Dara", { lang: "en", phone: true, room: "lesson" });
  await phone.locator("#survey .survey-option").nth(1).click();
  await phone.locator("#survey .survey-voted", { hasText: "13 voted" }).waitFor();
  await phone.screenshot({ path: join(OUT, "poll-phone.png") });
  const projector = await (
    await browser.newContext({ locale: "en-US", viewport: { width: 1920, height: 1080 } })
  ).newPage();
  // As in a classroom: the server has an address the phones reach (no loopback warning).
  await projector.route("**/api/join-origin", (route) =>
    route.fulfill({ json: { publicUrl: "http://192.168.1.20:8787", addresses: [] } }),
  );
  await projector.goto(`${url}/?room=lesson&view=projector#host=${hostKey}`);
  await projector.locator(".pj-voted", { hasText: "13 voted" }).waitFor();
  await projector.locator(".pj-question").nth(2).waitFor();
  await projector.screenshot({ path: join(OUT, "poll-projector.png") });
  for (const c of [host, ...students]) c.close();
  await phone.context().close();
  await projector.context().close();
}

const lookup = await findBrowser();
if (!lookup.found) throw new Error(`No browser for the screenshots: ${lookup.why}`);
const persistTo = mkdtempSync(join(tmpdir(), "roomcast-shots-"));
const dev = await startWranglerDev({ persistTo });
const browser = await launchBrowser(lookup.browser);
try {
  mkdirSync(OUT, { recursive: true });
  const only = process.argv.includes("--race") ? "race" : process.argv.includes("--poll") ? "poll" : null;
  if (only !== "poll") await raceShot(browser, dev.url);
  if (only !== "race") await pollShots(browser, dev.url);
  // `-- --race` or `-- --poll`: those shots alone.
  if (only === null) {
    const omid = await open(browser, dev.url, "Omid", { lang: "en" });
    const sara = await open(browser, dev.url, "سارا", { lang: "fa" });
    await say(omid, "Hi all! Is the demo working on your side?");
    await say(sara, "سلام! بله، پیام‌ها بدون رفرش می‌رسند.");
    await say(omid, "Great. Now watch the online list when someone leaves.");
    const guest = await open(browser, dev.url, "Guest", { lang: "en" });
    // A word from the guest between the join and the leave: two presence lines, not one that
    // comes to nothing (joined and left within one run).
    await say(guest, "Hello, just passing through.");
    await guest.context().close();
    await sara.locator(".presence", { hasText: "Guest" }).nth(1).waitFor();
    await sara.locator("#message").pressSequentially("دارم می‌نویسم", { delay: 250 });
    await omid.locator("#typing").filter({ hasText: "typing" }).waitFor();

    const shots: [string, Page][] = [
      ["desktop-en", omid],
      ["desktop-fa", sara],
    ];
    for (const [file, page] of shots) await page.screenshot({ path: join(OUT, `${file}.png`) });

    const phoneEn = await open(browser, dev.url, "Nima", { lang: "en", phone: true });
    await phoneEn.screenshot({ path: join(OUT, "phone-en.png") });
    const phoneFa = await open(browser, dev.url, "مریم", { lang: "fa", phone: true, dark: true });
    await phoneFa.screenshot({ path: join(OUT, "phone-fa-dark.png") });

    // The projector: the host's key claimed as a teacher's tool would, in the fragment.
    const claim = await fetch(`${dev.url}/api/rooms/demo/host`, { method: "POST" });
    const { hostKey } = (await claim.json()) as HostClaim;
    const projector = await (
      await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 800 } })
    ).newPage();
    await projector.goto(`${dev.url}/?room=demo&view=projector#host=${hostKey}`);
    await projector.locator(".pj-msg", { hasText: "Great. Now" }).waitFor();
    await projector.locator(".pj-count", { hasText: "online" }).waitFor();

    // The host's view: the teacher opens the host link on a laptop and joins with the kept key.
    const teacher = await (await browser.newContext({ locale: "en-US", viewport: DESKTOP })).newPage();
    await teacher.goto(`${dev.url}/?room=demo#host=${hostKey}`);
    await teacher.locator("#name").fill("Teacher");
    await teacher.locator("#join button[type=submit]").click();
    await teacher.locator('#status[data-state="online"]').waitFor();
    await teacher.getByRole("button", { name: "Clear room" }).waitFor();
    // A question pinned: above the log in every tab, and in large type on the projector.
    await teacher.getByRole("button", { name: "Pin the message from Omid above the conversation" }).first().click();
    await teacher.locator("#pinned").waitFor();
    // Someone at the door: the room locked, a late student's tab waits, and the host sees the knock.
    await teacher.locator("#lock-room").click();
    await teacher.locator("#lock-room.on").waitFor();
    const late = await (await browser.newContext({ locale: "en-US", viewport: PHONE })).newPage();
    await late.goto(`${dev.url}/?room=demo`);
    await late.locator("#name").fill("Arash");
    await late.locator("#join button[type=submit]").click();
    await teacher.locator("#knocks li", { hasText: "Arash" }).waitFor();
    await teacher.screenshot({ path: join(OUT, "host-view.png") });
    await projector.locator(".projector-pinned").waitFor();
    await projector.screenshot({ path: join(OUT, "projector.png") });

    await omid.getByRole("button", { name: "Under the hood" }).click();
    await omid
      .locator(".frame", { hasText: "Great. Now" })
      .filter({ has: omid.locator(".dir.out") })
      .click();
    await omid.locator(".stack").scrollIntoViewIfNeeded();
    await omid.screenshot({ path: join(OUT, "under-the-hood.png") });

    // A class of 300: the teacher hosts from a laptop, a student is on a phone, and 300 protocol
    // members join (within the room's join burst, 320 by default) and say a few things.
    const classClaim = await fetch(`${dev.url}/api/rooms/class/host`, { method: "POST" });
    const classKey = ((await classClaim.json()) as HostClaim).hostKey;
    const host = await (await browser.newContext({ locale: "en-US", viewport: DESKTOP })).newPage();
    await host.goto(`${dev.url}/?room=class#host=${classKey}`);
    await host.locator("#name").fill("Teacher");
    await host.locator("#join button[type=submit]").click();
    await host.locator('#status[data-state="online"]').waitFor();
    const student = await open(browser, dev.url, "نیلوفر", { lang: "fa", phone: true, room: "class" });
    const klass = await fillRoom({ url: dev.url, room: "class", names: classNames(300), withinMs: 3000 });
    if (klass.failures.length > 0) throw new Error(`joins failed: ${klass.failures.slice(0, 3).join("; ")}`);
    await say(host, "Welcome! Open the link on the board, then say hi.");
    const said = [0, 1, 2, 5, 3, 9].map((t, i) => {
      klass.say(i * 37 + 11, classText(t));
      return classText(t);
    });
    for (const page of [host, student]) {
      for (const text of said) await page.locator("[role=log] .msg .text", { hasText: text }).first().waitFor();
    }
    await host.screenshot({ path: join(OUT, "class-300-host.png") });
    await student.screenshot({ path: join(OUT, "class-300-phone.png") });
    await klass.close();
  }
  console.log(`Screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await dev.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
