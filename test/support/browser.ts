/**
 * @module
 * Which Chromium the browser tests and `npm run screenshots` drive through playwright-core (whose
 * own browser download is not used), found in this order:
 *
 * 1. `CHROMIUM`, if set: a path to a Chromium-based browser, a command looked up in PATH, or a
 *    playwright channel name (`chrome`, `msedge`, `chrome-beta`, …). If it does not launch, that is
 *    an error, never a skip.
 * 2. Linux: a system Chromium or Chrome in PATH (`chromium`, `chromium-browser`, `google-chrome`…).
 * 3. Linux x64: the headless Chromium that the npm package `@sparticuz/chromium` ships inside its
 *    package, unpacked once into `<tmpdir>/roomcast-chromium-<version>-<uid>` (about 220 MB) with
 *    the NSS libraries it comes with, so that the machine needs no system packages at all.
 * 4. macOS and Windows: an installed Chrome, then Edge (playwright's `chrome` and `msedge` channels).
 *
 * Every candidate is launched once before it is chosen. `findBrowser()` runs once per vitest run,
 * in the node project's globalSetup (test/support/chromium-setup.ts), which hands its answer to
 * the test files through `provide`/`inject`.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir, userInfo } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { chromium, type Browser, type LaunchOptions } from "playwright-core";

/** How to launch the chosen browser; plain data, so that vitest can `provide` it to test files. */
export interface BrowserChoice {
  /** For people: what was chosen and why. */
  what: string;
  executablePath?: string;
  channel?: string;
  /** Directory of shared libraries that come with the browser (prepended to LD_LIBRARY_PATH). */
  libraryPath?: string;
}

export type BrowserLookup =
  | { found: true; browser: BrowserChoice }
  /** `required`: `CHROMIUM` named a browser that does not work, so this is an error even without CI. */
  | { found: false; why: string; required: boolean };

declare module "vitest" {
  export interface ProvidedContext {
    browserLookup: BrowserLookup;
  }
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** playwright-core's channels for installed browsers. */
const CHANNELS = new Set(["chrome", "msedge"].flatMap((c) => [c, `${c}-beta`, `${c}-dev`, `${c}-canary`]));

const SYSTEM_CHROMIUMS = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];

export function launchBrowser(b: BrowserChoice, options: LaunchOptions = {}): Promise<Browser> {
  const env =
    b.libraryPath === undefined
      ? undefined
      : {
          ...process.env,
          LD_LIBRARY_PATH: [b.libraryPath, process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter),
        };
  return chromium.launch({
    executablePath: b.executablePath,
    channel: b.channel,
    env,
    args: FLAGS,
    timeout: 60_000,
    ...options,
  });
}

/** Launches `b` once and closes it again: undefined if it works, else why not. */
async function tryLaunch(b: BrowserChoice): Promise<string | undefined> {
  try {
    const browser = await launchBrowser(b, { timeout: 30_000 });
    await browser.close();
    return undefined;
  } catch (e) {
    return `${b.what}: ${String(e instanceof Error ? e.message : e).split("\n")[0]}`;
  }
}

function inPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

export async function findBrowser(): Promise<BrowserLookup> {
  const wanted = process.env.CHROMIUM;
  if (wanted !== undefined && wanted !== "") {
    let browser: BrowserChoice;
    if (CHANNELS.has(wanted)) browser = { what: `CHROMIUM=${wanted} (playwright channel)`, channel: wanted };
    else {
      const file = isAbsolute(wanted) || wanted.includes("/") ? resolve(wanted) : (inPath(wanted) ?? wanted);
      if (!existsSync(file)) return { found: false, why: `CHROMIUM=${wanted}: no such file`, required: true };
      browser = { what: `CHROMIUM=${wanted} (${file})`, executablePath: file };
    }
    const why = await tryLaunch(browser);
    return why === undefined ? { found: true, browser } : { found: false, why, required: true };
  }

  const failures: string[] = [];
  const candidates: (() => BrowserChoice | string)[] = [];
  if (process.platform === "linux") {
    for (const name of SYSTEM_CHROMIUMS) {
      candidates.push(() => {
        const file = inPath(name) ?? (existsSync(`/usr/bin/${name}`) ? `/usr/bin/${name}` : undefined);
        return file === undefined ? "" : { what: `system ${name} (${file})`, executablePath: file };
      });
    }
    candidates.push(unpackSparticuzChromium);
  } else {
    candidates.push(() => ({ what: "installed Chrome (channel chrome)", channel: "chrome" }));
    candidates.push(() => ({ what: "installed Edge (channel msedge)", channel: "msedge" }));
  }
  const seen = new Set<string>();
  for (const candidate of candidates) {
    let browser: BrowserChoice | string;
    try {
      browser = candidate();
    } catch (e) {
      browser = String(e instanceof Error ? e.message : e);
    }
    if (typeof browser === "string") {
      if (browser !== "") failures.push(browser);
      continue;
    }
    const key = browser.executablePath ?? browser.channel ?? "";
    if (seen.has(key)) continue;
    seen.add(key);
    const why = await tryLaunch(browser);
    if (why === undefined) {
      if (failures.length > 0) browser.what += ` (passed over: ${failures.join("; ")})`;
      return { found: true, browser };
    }
    failures.push(why);
  }
  const tried = process.platform === "linux" ? "Chromium in PATH or from @sparticuz/chromium" : "Chrome or Edge";
  return { found: false, why: [`no ${tried}`, ...failures].join("; "), required: false };
}

/**
 * Unpacks the Chromium inside the `@sparticuz/chromium` package, once per machine and version.
 * Its own `executablePath()` inflates into a fixed `<tmpdir>/chromium` and reuses whatever it
 * finds there, even half written: so it runs in a child process whose TMPDIR is a fresh staging
 * directory, which is then renamed into place in one step. Runs started at the same time both
 * unpack, and the second rename loses harmlessly.
 */
export function unpackSparticuzChromium(): BrowserChoice | string {
  if (process.arch !== "x64") return `@sparticuz/chromium: ships x64 Linux only (this is ${process.arch})`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve("@sparticuz/chromium");
  } catch {
    return "@sparticuz/chromium: not installed (run npm install)";
  }
  const pkg = join(dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string };
  const dir = join(tmpdir(), `roomcast-chromium-${version}-${userInfo().uid}`);
  const what = `@sparticuz/chromium ${version} (${dir})`;
  const browser = { what, executablePath: join(dir, "chromium"), libraryPath: join(dir, "al2023", "lib") };
  // A temp-directory cleaner may have taken some of it: then unpack it all again.
  const complete = () =>
    [browser.executablePath, join(browser.libraryPath, "libnss3.so"), join(dir, "libGLESv2.so")].every(existsSync);
  if (complete()) return browser;
  rmSync(dir, { recursive: true, force: true });

  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    // The binary, its fonts.conf and SwiftShader (what `executablePath()` unpacks), and the NSS
    // libraries it links against (its al2023 archive, which it unpacks only on Amazon Linux).
    const script = `
      import Chromium, { inflate } from ${JSON.stringify(entry)};
      await Chromium.executablePath();
      await inflate(${JSON.stringify(join(pkg, "bin", "al2023.tar.br"))});`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, TMPDIR: staging },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      renameSync(staging, dir);
    } catch (e) {
      if (!complete()) throw e; // else another run got there first
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return browser;
}
