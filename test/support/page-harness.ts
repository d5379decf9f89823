/**
 * The page in a real headless Chromium against the real `wrangler dev` (which builds the page
 * first through wrangler.toml's [build], unless `npm test`'s pretest did), and the helpers the
 * browser tests share. The browser is the one the node project's globalSetup found (see
 * ./browser.ts), launched once per test process and shared by the files that process runs one
 * after another (a launch cost about 1.5 s of a 2-core machine's CPU, 23 times a run); each file
 * works in browser contexts of its own, closed when the test that opened them ends. If there is
 * none, a plain `npm test` warns loudly and skips the browser tests; under CI=true, or when
 * `CHROMIUM` names a browser that does not launch, they fail.
 *
 * The server is shared: `usePageHarness(vars)` gets the run's one `wrangler dev` for that set of
 * `--var` overrides (./shared-server.ts), which other files use at the same time, so every test
 * takes rooms of its own (`h.room()`) and leaves the server running. A file that stops or
 * restarts the server (`h.dev`, `h.restartDev()`) asks for one of its own:
 * `usePageHarness(vars, { ownServer: true })`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import type { Timings } from "../../src/client/timings";
import { type BrowserChoice, type BrowserLookup, findBrowser, launchBrowser } from "./browser";
import { NodeClient } from "./node-client";
import { enterRoom } from "./page";
import { type SharedServer, sharedServer } from "./shared-server";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev";

// Provided by test/support/chromium-setup.ts; looked up here only if that did not run.
const lookup: BrowserLookup = inject("browserLookup") ?? (await findBrowser());

export * from "./page";
export const haveChromium = lookup.found;

/**
 * The `[vars]` of a server set up for a class: a public URL (what a tunnel or a deploy sets, so
 * join links point there), a class's pace (one protocol client posting hundreds of messages at
 * once) and a removal time other than the default (so the page is seen to read it). One set for
 * the files that need any of it, so that they share one server instead of starting one each.
 */
export const CLASS_VARS = {
  PUBLIC_URL: "https://class.example.org/",
  RATE_LIMIT_PER_SECOND: 1000,
  RATE_LIMIT_BURST: 1000,
  REMOVE_MINUTES: 12,
};

/**
 * The `[vars]` of a server with limits that the files on other servers must not meet: a teacher
 * passphrase (hosting asks for it) and a small bound on unacknowledged bytes, with a rate a single
 * sender can fill it at. Above the 64 KiB a page may receive between two acks, so a page that acks
 * never meets it. One set for the files that need either, one server.
 */
export const GUARDED_VARS = {
  TEACHER_PASSPHRASE: "correct-horse-battery-staple",
  MAX_UNACKED_BYTES: 128 * 1024,
  RATE_LIMIT_BURST: 200,
  RATE_LIMIT_PER_SECOND: 200,
};

if (!lookup.found) {
  const why = `no browser for the browser tests: ${lookup.why}`;
  if (lookup.required) throw new Error(why);
  if (/^(1|true)$/i.test(process.env.CI ?? "")) throw new Error(`${why}. They cannot be skipped under CI.`);
  console.warn(`\n${"!".repeat(78)}\n!! SKIPPING THE BROWSER TESTS: ${why}.\n${"!".repeat(78)}\n`);
}

/** A browser context's options, and the page timers (`src/client/timings.ts`) its tabs run with. */
export type ContextOptions = NonNullable<Parameters<Browser["newContext"]>[0]> & { timings?: Partial<Timings> };

type Drop = { toServer?: (m: string) => boolean; toPage?: (m: string) => boolean; edit?: (m: string) => string };

export interface HarnessOptions {
  /** A `wrangler dev` for this file alone, which its tests may stop and restart (`dev`, `restartDev`). */
  ownServer?: boolean;
}

export class PageHarness {
  /**
   * @param vars `--var` overrides for the server (small limits a test must reach).
   */
  constructor(
    private readonly vars: Record<string, string | number> = {},
    private readonly options: HarnessOptions = {},
  ) {}

  private browser!: Browser;
  /**
   * The contexts open now: closed when the test that opened them ends (see `closeContexts`), and
   * at the latest when the file ends, since the browser outlives the file.
   */
  private contexts = new Set<BrowserContext>();
  /** The protocol clients tests joined (`member`): closed with the contexts. */
  private members = new Set<NodeClient>();
  /** Exceptions thrown in any tab since the last check: each one fails the test that caused it. */
  private pageErrors: string[] = [];
  private persistTo = "";
  private own: WranglerDev | undefined;
  private shared: SharedServer | undefined;

  get url(): string {
    const server = this.own ?? this.shared;
    if (server === undefined) throw new Error("the harness has not started");
    return server.url;
  }

  /** This file's own server (`usePageHarness(vars, { ownServer: true })`): a test may stop it. */
  get dev(): WranglerDev {
    if (this.own === undefined) throw new Error("a shared server is not the file's to stop: use { ownServer: true }");
    return this.own;
  }

  async start(): Promise<void> {
    if (!lookup.found) throw new Error(lookup.why);
    const server = async () => {
      if (this.options.ownServer !== true) this.shared = await sharedServer("wrangler dev", this.vars);
      else {
        this.persistTo = mkdtempSync(join(tmpdir(), "roomcast-page-"));
        this.own = await startWranglerDev({ persistTo: this.persistTo, vars: this.vars });
      }
    };
    [, this.browser] = await Promise.all([server(), processBrowser(lookup.browser)]);
  }

  /**
   * Closes every context (and protocol member) a test opened, when it ends. A tab left open goes
   * on running: a locked room's waiting page knocks every 100 ms, a polling tab polls, each one a
   * renderer's and the server's CPU until the file ends (2026-12-02: the run had about 20 such
   * tabs at a time).
   */
  async closeContexts(): Promise<void> {
    for (const c of this.members) c.close();
    this.members.clear();
    await Promise.all([...this.contexts].map((ctx) => ctx.close()));
  }

  async stop(): Promise<void> {
    await this.closeContexts();
    await this.own?.stop();
    if (this.persistTo !== "") rmSync(this.persistTo, { recursive: true, force: true });
  }

  /**
   * Starts this file's own `wrangler dev` again on the same port with the same `--persist-to`, and
   * with `vars` over the file's own `--var` overrides.
   */
  async restartDev(vars: Record<string, string | number> = {}): Promise<void> {
    this.own = await startWranglerDev({
      persistTo: this.persistTo,
      port: this.dev.port,
      vars: { ...this.vars, ...vars },
    });
  }

  room = () => `t-${Math.random().toString(36).slice(2, 10)}`;

  /**
   * A new browser context (its own storage: another browser, as far as the page can tell). With
   * `timings`, its tabs run the page's timers that fast, so a test never waits out a real one.
   */
  newContext = async ({ timings, ...options }: ContextOptions = {}): Promise<BrowserContext> => {
    const ctx = await this.browser.newContext({ locale: "en-US", ...options });
    this.contexts.add(ctx);
    ctx.on("close", () => this.contexts.delete(ctx));
    ctx.on("weberror", (e) => this.pageErrors.push(`${e.page()?.url() ?? "?"}: ${e.error().stack ?? e.error()}`));
    if (timings !== undefined) {
      await ctx.addInitScript((t) => {
        (globalThis as { roomcastTimings?: unknown }).roomcastTimings = t;
      }, timings);
    }
    return ctx;
  };

  /** Throws (failing the current test) if a tab threw since the last call. */
  checkPageErrors(): void {
    const errors = this.pageErrors;
    this.pageErrors = [];
    if (errors.length > 0) throw new Error(`the page threw:\n${errors.join("\n")}`);
  }

  /**
   * Someone in `roomName` whose own page no check reads, played by a protocol client (a tab costs a
   * renderer): joined and welcomed, closed when the test ends. `member.say(text)` sends and waits.
   */
  member = async (roomName: string, name: string): Promise<NodeClient> => {
    const c = await NodeClient.join(this.url, roomName, name);
    this.members.add(c);
    return c;
  };

  /** Opens the page in a new tab of `ctx` and joins `room` as `name`. */
  joined = async (ctx: BrowserContext, roomName: string, name: string, before?: (p: Page) => void): Promise<Page> => {
    const page = await ctx.newPage();
    before?.(page);
    return this.enter(page, roomName, name);
  };

  /** Joins through a proxy that lets the test drop or edit frames in either direction. */
  joinedThrough = async (ctx: BrowserContext, roomName: string, name: string, drop: Drop): Promise<Page> => {
    const page = await ctx.newPage();
    await page.routeWebSocket(/\/ws\//, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (typeof m === "string" && drop.toServer?.(m)) return;
        server.send(m);
      });
      server.onMessage((m) => {
        if (typeof m === "string" && drop.toPage?.(m)) return;
        ws.send(typeof m === "string" && drop.edit ? drop.edit(m) : m);
      });
    });
    return this.enter(page, roomName, name);
  };

  /** Fills in the form on `page` and joins `room` as `name`. */
  enter = (page: Page, roomName: string, name: string): Promise<Page> => enterRoom(page, this.url, roomName, name);
}

const PROCESS_BROWSER = Symbol.for("roomcast.processBrowser");

/**
 * This test process's browser, launched on first use. On globalThis, not in a module variable:
 * the process runs many files one after another (the node project's `isolate: false`), and a
 * module may be loaded again for each. A browser that crashed or failed to launch is launched
 * again by the next file.
 */
function processBrowser(choice: BrowserChoice): Promise<Browser> {
  const g = globalThis as { [PROCESS_BROWSER]?: Promise<Browser> };
  let browser = g[PROCESS_BROWSER];
  if (browser === undefined) {
    const launched = launchBrowser(choice);
    const forget = () => {
      if (g[PROCESS_BROWSER] === launched) delete g[PROCESS_BROWSER];
    };
    launched.then((b) => b.on("disconnected", forget), forget);
    g[PROCESS_BROWSER] = browser = launched;
  }
  return browser;
}

/**
 * A browser for the calling test file, and the run's shared `wrangler dev` for `vars` (or, with
 * `ownServer`, one of the file's own).
 */
export function usePageHarness(vars: Record<string, string | number> = {}, options: HarnessOptions = {}): PageHarness {
  const h = new PageHarness(vars, options);
  beforeAll(() => h.start(), 90_000);
  afterEach(async () => {
    try {
      h.checkPageErrors();
    } finally {
      await h.closeContexts();
    }
  });
  afterAll(() => h.stop());
  return h;
}
