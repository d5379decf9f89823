import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects: the Worker and its rooms on Miniflare (workerd), and tests that must spawn
// processes (`wrangler dev`, Chromium) in Node.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            // Small limits so the tests can reach them; the defaults themselves are checked
            // against wrangler.toml and a real `wrangler dev` in the node project.
            miniflare: {
              bindings: {
                HISTORY_ON_JOIN: "5",
                HISTORY_LIMIT: "30",
                MAX_USERS_PER_ROOM: "6",
                ALLOWED_ORIGINS: "https://teacher.example, https://mirror.example/",
              },
            },
          }),
        ],
        test: { name: "workers", include: ["test/workers/**/*.test.ts"] },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          // Finds the browser for the browser tests once per run (and unpacks it, on Linux).
          globalSetup: ["test/support/chromium-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
