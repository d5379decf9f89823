/**
 * @module
 * The order test files start in: the node files whose time is real time first, then every
 * Miniflare file, then the other node files.
 *
 * - The first two are long for reasons their size does not show (two 10 s join storms, a 10 s
 *   server restart), so on a fresh clone (no timings yet) vitest's order, largest first, started them
 *   last and they ran alone at the end. Started first, they wait while the Miniflare files keep
 *   the cores busy beside them.
 * - The rest run project by project because vitest keeps a worker process that does not isolate
 *   its files (the node project's) only while the next file in the queue is of the same project.
 *   When the projects took turns, nearly every node file started a new process, and with it a new
 *   Chromium (./page-harness.ts): 18 processes for 56 files, against 6 in this order (2026-12-01,
 *   two runs each on the 2-core machine: 156–157 s against 158–178 s).
 */
import type { TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

/** Longest first, as measured on 2026-12-01 (seconds of wall time with four files at once). */
const REAL_TIME_FIRST = [
  "test/node/join-limit.test.ts", // 24: two storms of 10 s
  "test/node/restart.test.ts", // 16: a 10 s server restart
];
const rank = (spec: TestSpecification): number => {
  const i = REAL_TIME_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
  return i === -1 ? REAL_TIME_FIRST.length : i;
};

export default class ProjectBlockSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // vitest's order within each project; a stable sort keeps it for the rest.
    const sorted = await super.sort(files);
    const node = sorted.filter((spec) => spec.project.name === "node").sort((a, b) => rank(a) - rank(b));
    const first = node.filter((spec) => rank(spec) < REAL_TIME_FIRST.length);
    const others = sorted.filter((spec) => spec.project.name !== "node");
    return [...first, ...others, ...node.slice(first.length)];
  }
}
