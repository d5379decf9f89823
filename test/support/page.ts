/**
 * @module
 * What the browser tests (and `npm run screenshots`) do to the page in a tab: join a room, say
 * something, wait for the room to confirm it, read the log. Plain playwright-core, no vitest.
 */
import type { BrowserContext, Page } from "playwright-core";

/** How long a test waits for a state of the page before it fails. */
export const PATIENCE = { timeout: 15_000 };

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

/**
 * Opens the page at `url` and hosts `roomName` as `name`: "I'm the teacher", then "Host this
 * room" (by id: the form may speak Persian), and waits until it is online.
 */
export async function hostRoom(page: Page, url: string, roomName: string, name: string): Promise<Page> {
  await page.goto(`${url}/?room=${encodeURIComponent(roomName)}`);
  await page.locator("#name").fill(name);
  await page.locator("#teacher").click();
  await page.locator("#host-join").click();
  await online(page);
  return page;
}

export const online = (page: Page) => page.locator('#status[data-state="online"]').waitFor(PATIENCE);

/**
 * Waits until no message in the tab is pending any more: each one sent has been confirmed by the
 * room. Count-based, so it holds for any number of pending lines (a locator's `waitFor` is strict
 * and throws when two match).
 */
export async function allConfirmed(page: Page): Promise<void> {
  try {
    await page.waitForFunction(() => document.querySelectorAll("[role=log] .pending").length === 0, null, PATIENCE);
  } catch (e) {
    const left = await pendingTexts(page).catch(() => []);
    throw new Error(`messages still pending after ${PATIENCE.timeout} ms: ${JSON.stringify(left)}`, { cause: e });
  }
}

export const log = (page: Page) => page.getByRole("log");
export const users = (page: Page) => page.getByRole("list", { name: "Online users" }).locator("li");

export async function say(page: Page, text: string): Promise<void> {
  // By id: the label is "Message" in English and "پیام" in Persian.
  await page.locator("#message").fill(text);
  await page.locator("#message").press("Enter");
}

/** Texts of the messages the room confirmed, in the tab's log order (pending lines left out). */
export const texts = (page: Page) => log(page).locator(".msg:not(.pending) .text").allTextContents();

/** Texts of the tab's own messages that the room has not confirmed yet. */
export const pendingTexts = (page: Page) => log(page).locator(".msg.pending .text").allTextContents();

/** True the first time `text` is seen in a message frame, false after. */
export function once(text: string): (m: string) => boolean {
  let done = false;
  return (m: string) => {
    if (done || !m.includes(`"text":"${text}"`) || m.includes('"type":"welcome"')) return false;
    done = true;
    return true;
  };
}

type SocketCount = { opened: number; closed: number };

/**
 * Counts, inside the page, the WebSockets each tab of `ctx` opens and the closes it has seen. The
 * count's own close listener runs before the page's `onclose` (it is registered first).
 */
export const countSockets = (ctx: BrowserContext) =>
  ctx.addInitScript(() => {
    const count: SocketCount = { opened: 0, closed: 0 };
    (globalThis as { roomcastSockets?: SocketCount }).roomcastSockets = count;
    const Native = globalThis.WebSocket;
    globalThis.WebSocket = class extends Native {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        count.opened++;
        this.addEventListener("close", () => count.closed++);
      }
    };
  });

/**
 * A barrier for "never reconnects": waits until every socket of the tab has closed, then until a
 * timer set now has fired (so a retry due at once, set by the page's close handler, has run), and
 * returns how many sockets the tab opened. Run the tab with `reconnectBaseMs: 0` so that a retry,
 * if the page made one, would be due at once.
 */
export async function socketsOpenedAfterClose(page: Page): Promise<number> {
  await page.waitForFunction(
    () => {
      const c = (globalThis as { roomcastSockets?: SocketCount }).roomcastSockets;
      return c !== undefined && c.closed === c.opened;
    },
    null,
    PATIENCE,
  );
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        setTimeout(() => resolve((globalThis as { roomcastSockets?: SocketCount }).roomcastSockets?.opened ?? -1), 0),
      ),
  );
}
