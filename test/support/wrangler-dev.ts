/**
 * @module
 * The project's real `wrangler dev` (the two-process local demo), for tests and the benchmark
 * that must talk to it over a real TCP socket.
 */
import { freePort, type LocalServer, type ServerOptions, startLocalServer } from "./local-server";

export { ROOT, freePort, stopProcessTree } from "./local-server";
export type WranglerDev = LocalServer;

export async function startWranglerDev(options: ServerOptions = {}): Promise<WranglerDev> {
  const args = [
    "wrangler",
    "dev",
    "--inspector-port",
    String(await freePort()),
    "--show-interactive-dev-session=false",
  ];
  return startLocalServer("wrangler dev", [...args, "--log-level", "warn"], { startTimeoutMs: 60_000, ...options });
}
