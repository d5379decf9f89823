/**
 * The node project's globalSetup: finds (and on Linux, unpacks) the browser once per run, before
 * any test file starts, and hands it to the test files: `inject("browserLookup")`.
 */
import type { TestProject } from "vitest/node";
import { findBrowser } from "./browser";

export default async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const lookup = await findBrowser();
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(lookup.found ? `Browser tests: ${lookup.browser.what} (${took})` : `Browser tests: ${lookup.why}`);
  project.provide("browserLookup", lookup);
}
