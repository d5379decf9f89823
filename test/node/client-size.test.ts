/** The whole page stays small and self-contained (classroom Wi-Fi, no internet). */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/wrangler-dev";

const FILES = ["index.html", "style.css", "app.js"];
const read = (f: string) => readFileSync(join(ROOT, "public", f), "utf8");

describe("the built page", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, "scripts/build-client.mjs")], { stdio: "inherit" });
  });

  it("is under 60 KB uncompressed, HTML + CSS + JS", () => {
    const sizes = Object.fromEntries(FILES.map((f) => [f, statSync(join(ROOT, "public", f)).size]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify(sizes)).toBeLessThan(60 * 1024);
  });

  it("makes no external request (no CDN, no web font)", () => {
    for (const f of FILES) {
      expect(read(f), f).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
      expect(read(f), f).not.toMatch(/@import|@font-face/);
    }
    expect(read("index.html")).toMatch(/<script src="\/app\.js" defer><\/script>/);
  });

  it("never writes user data with innerHTML", () => {
    expect(read("app.js")).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
