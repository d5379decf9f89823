/**
 * @module
 * The project's real `wrangler dev` (the two-process local demo), for tests and the benchmark
 * that must talk to it over a real TCP socket.
 */
import { type LocalServer, type ServerOptions, startLocalServer } from "./local-server";

export { ROOT, stopProcessTree } from "./local-server";
export type WranglerDev = LocalServer;

export async function startWranglerDev(options: ServerOptions = {}): Promise<WranglerDev> {
  const args = [
    "wrangler",
    "dev",
    // 0: the OS picks, as for --port (nothing reads the inspector here).
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
    // info, not warn: the "Ready on <url>" line tells which port the OS gave.
    "--log-level",
    "info",
  ];
  return startLocalServer(
    "wrangler dev",
    args,
    { startTimeoutMs: 60_000, ...options },
    /Ready on (http:\/\/[\d.]+:\d+)/,
  );
}
