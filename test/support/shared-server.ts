/**
 * @module
 * A server shared by the node project's test files: the one `wrangler dev` (or `npm run serve`)
 * of this run for a given set of `--var` overrides, started by the first file that asks
 * (test/support/shared-servers-setup.ts). Every test of every file that asks for the same vars
 * talks to the same server, at the same time as other files: a test uses rooms of its own (a
 * random name) and never stops, restarts or relies on the server's storage being empty. A test
 * that must do any of that starts a server of its own (./wrangler-dev.ts, ./serve.ts).
 */
import { inject } from "vitest";

export type SharedKind = "wrangler dev" | "npm run serve";

/**
 * The `--var` overrides of the run's one shared `npm run serve`, which every file on it asks for:
 * rooms of up to 2,000 (from 500), for join-limit's storm of 2,000 joins. Nothing else there
 * comes near 500 in a room, and one set means one start (about 5 s of CPU on the 2-core machine).
 */
export const SERVE_VARS = { MAX_USERS_PER_ROOM: 2000 };

export interface SharedServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The end of what the server printed since it started, every file's share of it. */
  output: () => Promise<string>;
}

export async function sharedServer(
  kind: SharedKind,
  vars: Record<string, string | number> = {},
): Promise<SharedServer> {
  const broker = inject("serverBroker");
  if (broker === undefined)
    throw new Error("no server broker: test/support/shared-servers-setup.ts is not a globalSetup");
  // One key per set of values, whatever their order or type: { A: 1 } is { A: "1" }.
  const sorted = Object.fromEntries(
    Object.entries(vars)
      .map(([name, value]) => [name, String(value)])
      .sort(([a], [b]) => (a! < b! ? -1 : 1)),
  );
  const query = new URLSearchParams({ kind, vars: JSON.stringify(sorted) });
  const res = await fetch(`${broker}/server?${query}`);
  if (!res.ok) throw new Error(`shared ${kind} did not start: ${await res.text()}`);
  const { url, port } = (await res.json()) as { url: string; port: number };
  return { url, port, output: async () => (await fetch(`${broker}/output?${query}`)).text() };
}
