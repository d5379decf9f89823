/** The whole page stays small and self-contained (classroom Wi-Fi, no internet). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/wrangler-dev";

const FILES = ["index.html", "style.css", "app.js"];
/** The projector view's own files: loaded only by `?view=projector`, so not in the 60 KB. */
const PROJECTOR = ["projector.js", "projector.css"];
/** "Compare transports" (`?view=race`): its own files too, loaded only by that view. */
const RACE = ["race.js", "race.css"];
const BUILT = new Set(["app.js", "projector.js", "race.js"]);
// Built fresh into a temporary folder: public/ may be served by a wrangler dev meanwhile.
const out = mkdtempSync(join(tmpdir(), "roomcast-build-"));
const path = (f: string) => (BUILT.has(f) ? join(out, f) : join(ROOT, "public", f));
const read = (f: string) => readFileSync(path(f), "utf8");

describe("the built page", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, "scripts/build-client.mjs"), join(out, "app.js")], { stdio: "inherit" });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  // 60 KB until the host's tools (issue 9): their code and their strings in two languages (Persian
  // is two bytes a letter in UTF-8) took the page to about 67 KB. 80 KB since the hardening
  // (issue 16): host powers that end, one-time host links, the passphrase, join_busy, the host
  // mark and the name rules' sentences took it to about 76 KB (about 21 KB of app.js gzipped).
  // 96 KB since the page for a class (issue 17): the presence run, the searchable online list,
  // the line cap, the phone layout, direction by content, the join origin and the tab census
  // took it to about 93 KB (about 25 KB of app.js gzipped), all of it in two languages.
  // 120 KB since the teacher's control (issue 18): the waiting room, the removed list, delete
  // with undo, the pinned message, the transcript download and the dialogs that ask once took it
  // to about 112 KB. 136 KB since the lesson on the projector (issue 19): presentation mode, the
  // HTTP exchange and the edge in Under the hood, the fourth transport (SSE) and the race's door
  // took it to about 123 KB (about 31 KB of app.js gzipped); the race itself is race.js, outside.
  // 140 KB with polls (issue 20): the open poll above the log, the host's New poll form with its
  // checks, a closed poll's result in the log and their strings in two languages add about 14.7 KB
  // (10.4 KB of app.js, 4.1 KB of style.css), to about 138 KB; the projector's board is in projector.js.
  // 152 KB with questions (issue 20): Ask as a question, a question's mark and upvote bar in the
  // log, the Questions view and their strings in two languages add about 12.4 KB (9.2 KB of
  // app.js, 2.3 KB of style.css, 0.9 KB of index.html), to about 151 KB.
  it("is under 152 KB uncompressed, HTML + CSS + JS", () => {
    const sizes = Object.fromEntries(FILES.map((f) => [f, statSync(path(f)).size]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify(sizes)).toBeLessThan(152 * 1024);
  });

  it("leaves the QR code library to the projector's module", () => {
    // Strings of qrcode-generator: its error messages and mode names.
    expect(read("projector.js")).toMatch(/bad maskPattern/);
    expect(read("app.js")).not.toMatch(/bad maskPattern|Kanji/);
    expect(read("app.js")).toMatch(/projector\.js/);
  });

  it("leaves the race to its own module", () => {
    expect(read("race.js")).toMatch(/~watch/);
    expect(read("app.js")).not.toMatch(/~watch|GB-s/);
    expect(read("app.js")).toMatch(/race\.js/);
  });

  it("leaves the confusables table on the server (the room's name key)", () => {
    // Source characters of confusables.txt that no page string has (Lisu O, mathematical a,
    // Cherokee A), raw or escaped as a bundler may write them.
    for (const f of BUILT) {
      for (const ch of ["\uA4F3", "\u{1D41A}", "\u13AA"]) {
        const units = ch.split("").map((c) => `\\u${c.charCodeAt(0).toString(16)}`);
        const text = read(f).toLowerCase();
        expect(text, f).not.toContain(ch.toLowerCase());
        expect(text, f).not.toContain(units.join(""));
        expect(text, f).not.toContain(`\\u{${ch.codePointAt(0)!.toString(16)}}`);
      }
    }
  });

  it("makes no external request (no CDN, no web font)", () => {
    for (const f of [...FILES, ...PROJECTOR, ...RACE]) {
      // The SVG namespace is a name, never fetched.
      const text = read(f).replaceAll("http://www.w3.org/2000/svg", "");
      expect(text, f).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
      expect(text, f).not.toMatch(/@import|@font-face/);
    }
    expect(read("index.html")).toMatch(/<script src="\/app\.js" defer><\/script>/);
  });

  it("never writes user data with innerHTML", () => {
    for (const f of BUILT) expect(read(f), f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
