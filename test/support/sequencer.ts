/**
 * @module
 * The order test files start in. Vitest's own order (longest first by the last run's timings,
 * else largest first) runs one project after the other: `node`, then `workers`. So the Miniflare
 * files, which keep a core busy, waited until every browser file had started, while the browser
 * files, which mostly wait (on a page, a server, a timer), left the cores idle. Here the two
 * projects take turns, each in vitest's order, except that the files below start first: their
 * time is real time (two 10 s join storms, a 10 s outage) that their size does not show, so on a fresh clone (no timings yet) they started last and ran alone at
 * the end (a fresh CI run: 152 s, join-limit ending it 36 s after it began).
 */
import type { TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

/** Longest first, as measured on 2026-12-01 (seconds of wall time with four files at once). */
const REAL_TIME_FIRST = [
  "test/node/join-limit.test.ts", // 24: two storms of 10 s
  "test/node/browser-transports.test.ts", // 24: a 10 s server restart
];
const rank = (spec: TestSpecification): number => {
  const i = REAL_TIME_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
  return i === -1 ? REAL_TIME_FIRST.length : i;
};

export default class InterleavedSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byProject = new Map<string, TestSpecification[]>();
    for (const spec of await super.sort(files)) {
      const list = byProject.get(spec.project.name) ?? [];
      list.push(spec);
      byProject.set(spec.project.name, list);
    }
    // A stable sort: the rest keep vitest's order.
    const lists = [...byProject.values()].map((list) => list.sort((a, b) => rank(a) - rank(b)));
    const out: TestSpecification[] = [];
    for (let i = 0; out.length < files.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
    return out;
  }
}
