/**
 * @module
 * The order test files start in. Vitest's own order (longest first by the last run's timings,
 * else largest first) runs one project after the other: `node`, then `workers`. So the Miniflare
 * files, which keep a core busy, waited until every browser file had started, while the browser
 * files, which mostly wait (on a page, a server, a timer), left the cores idle. Here the two
 * projects take turns, each in vitest's order.
 */
import type { TestSpecification } from "vitest/node";
import { BaseSequencer } from "vitest/node";

export default class InterleavedSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byProject = new Map<string, TestSpecification[]>();
    for (const spec of await super.sort(files)) {
      const list = byProject.get(spec.project.name) ?? [];
      list.push(spec);
      byProject.set(spec.project.name, list);
    }
    const lists = [...byProject.values()];
    const out: TestSpecification[] = [];
    for (let i = 0; out.length < files.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
    return out;
  }
}
