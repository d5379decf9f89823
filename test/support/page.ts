/**
 * @module
 * What the browser tests (and `npm run screenshots`) do to the page in a tab: join a room, say
 * something, wait for the server's acknowledgement, read the log. Plain playwright-core, no vitest.
 */
import type { Page } from "playwright-core";

export const WAIT = { timeout: 15_000 };

/**
 * Opens the page at `url` in `page`, fills in the join form and waits until it is online. By id,
 * not by label: the form speaks English or Persian, after the browser's language.
 */
export async function enterRoom(page: Page, url: string, roomName: string, name: string): Promise<Page> {
  await page.goto(`${url}/?room=${encodeURIComponent(roomName)}`);
  await page.locator("#name").fill(name);
  await page.locator("#join button[type=submit]").click();
  await online(page);
  return page;
}

export const online = (page: Page) => page.locator('#status[data-state="online"]').waitFor(WAIT);

/** Waits until no message in the tab is pending any more: each one sent has been acknowledged. */
export const settled = (page: Page) =>
  log(page)
    .locator(".pending")
    .waitFor({ state: "detached", ...WAIT });

export const log = (page: Page) => page.getByRole("log");
export const users = (page: Page) => page.getByRole("list", { name: "Online users" }).locator("li");

export async function say(page: Page, text: string): Promise<void> {
  // By id: the label is "Message" in English and "پیام" in Persian.
  await page.locator("#message").fill(text);
  await page.locator("#message").press("Enter");
}

/** Texts of the messages in a tab's log, pending ones included. */
export const texts = (page: Page) => log(page).locator(".msg .text").allTextContents();

/** True the first time `text` is seen in a message frame, false after. */
export function once(text: string): (m: string) => boolean {
  let done = false;
  return (m: string) => {
    if (done || !m.includes(`"text":"${text}"`) || m.includes('"type":"welcome"')) return false;
    done = true;
    return true;
  };
}
