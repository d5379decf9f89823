import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import ProjectBlockSequencer from "./test/support/sequencer";
import { TEST_VARS } from "./test/support/test-vars";

// Two projects: the Worker and its rooms on Miniflare (workerd), and tests that must spawn
// processes (`wrangler dev`, Chromium) in Node.
export default defineConfig({
  test: {
    // Four files at once even on 2 cores: the node tests mostly wait on a browser, a server or a
    // timer (vitest's default, cores − 1, would run them one after another). On the 2-core
    // machine, 2026-12-01, 84 files: 2 → 195 s, 3 → 169 s, 4 → 154 s. Set here for both
    // projects: vitest refuses projects with different maxWorkers in one group.
    maxWorkers: 4,
    // The Miniflare files run beside the two longest node files, then the node files one
    // process after another (see the sequencer).
    sequence: { sequencer: ProjectBlockSequencer },
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Small limits so the tests can reach them; the defaults themselves are checked
            // against wrangler.toml and a real `wrangler dev` in the node project.
            miniflare: {
              bindings: TEST_VARS,
            },
          }),
        ],
        // Isolated (one workerd per file, vitest's default): with `isolate: false` the pool of
        // 0.23 wraps its module runner once more for every file a workerd runs, and a run of
        // 29 files in one workerd slowed until 51 tests timed out (fixed only in its successor,
        // @cloudflare/vitest-plugin 1.4.5, which needs a newer wrangler).
        test: { name: "workers", include: ["test/workers/**/*.test.ts"] },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          // One process per worker for all its files, not one per file: a file's start (a
          // process, playwright-core and the support modules loaded again) cost about a second of
          // a 2-core machine, 49 times. Files keep their state to themselves: fake timers and
          // stubbed globals are undone in afterEach, servers and browsers stopped in afterAll.
          isolate: false,
          // Finds the browser for the browser tests once per run (and unpacks it, on Linux); hands
          // out the servers files share (one per set of --var overrides, started on first use).
          globalSetup: ["test/support/chromium-setup.ts", "test/support/shared-servers-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
