import { cloudflareTest } from "@cloudflare/vitest-plugin";
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
        // Not isolated: each vitest worker runs its files one after another in one workerd, not a
        // workerd per file (2026-12-01, the 29 files alone: 37 s and 46 CPU-s isolated, 19 s and
        // 23 CPU-s not). Files cannot meet: every test opens rooms of its own (uniqueRoom), and
        // the Worker keeps no state outside its rooms. (The pool before this plugin,
        // @cloudflare/vitest-pool-workers 0.23, wrapped its module runner once more per file and
        // slowed to a stop this way.)
        test: { name: "workers", include: ["test/workers/**/*.test.ts"], isolate: false },
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
          // expect.poll asks every 150 ms, not vitest's 50: each ask of a page is a round trip
          // through Chromium, and the suite is CPU-bound (2026-12-02, six browser files, two runs
          // each: 9 % less CPU and 2.5 s less wall time). Still well under a person's notice.
          expect: { poll: { interval: 150 } },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
