/**
 * @module
 * A local server of the project in its own process group on 127.0.0.1 (or `ip`): the one way tests and the
 * bench start `wrangler dev` (./wrangler-dev.ts) or `npm run serve` (./serve.ts). The server is
 * told `--port 0`, so the OS gives it a free port as it binds, and the port is read back from the
 * line it prints once it listens: no probe first, so nothing can take the port in between.
 * Ready when the Worker answers over HTTP; always pair with `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  child: ChildProcess;
  /** The end of what the server printed (its last 64 KiB). */
  output: () => string;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  persistTo?: string;
  vars?: Record<string, string | number>;
  /**
   * A port the clients already know (a restart on it). It may still be held for a moment (by the
   * server just stopped, or anyone): the start is tried again until the timeout. By default the
   * OS picks a free one.
   */
  port?: number;
  startTimeoutMs?: number;
  /** The address to bind (`--ip`): 127.0.0.1 unless a test needs the LAN's (`0.0.0.0`). */
  ip?: string;
  /** The checkout whose server runs (its scripts, wrangler.toml and page); by default this one. */
  root?: string;
}

const LOG_TAIL = 64 * 1024;
const BUSY = /EADDRINUSE|address already in use/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class PortBusy extends Error {}

/**
 * Runs `npx <args> --ip <ip|127.0.0.1> --port <port|0> [--persist-to] [--var]…` and waits until the
 * Worker answers; `listening` finds the server's URL (its first group) in what it prints.
 */
export async function startLocalServer(
  what: string,
  args: string[],
  options: ServerOptions,
  listening: RegExp,
): Promise<LocalServer> {
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    try {
      return await startOnce(what, args, options, listening, deadline);
    } catch (e) {
      if (!(e instanceof PortBusy) || options.port === undefined || Date.now() + 1000 > deadline) throw e;
      await sleep(500);
    }
  }
}

async function startOnce(
  what: string,
  args: string[],
  options: ServerOptions,
  listening: RegExp,
  deadline: number,
): Promise<LocalServer> {
  const all = [...args, "--ip", options.ip ?? "127.0.0.1", "--port", String(options.port ?? 0)];
  if (options.persistTo !== undefined) all.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) all.push("--var", `${name}:${value}`);
  const root = options.root ?? ROOT;
  // The package's own bin when there is one (not on Windows, where it is a .cmd): `npx` first
  // starts a Node of its own to find it, half a second of CPU for every server a run starts.
  const bin = join(root, "node_modules", ".bin", all[0]!);
  const direct = process.platform !== "win32" && existsSync(bin);
  const child = spawn(direct ? bin : "npx", direct ? all.slice(1) : all, {
    cwd: root,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
      FORCE_COLOR: "0",
      // Under `npm test`, pretest has built the page: wrangler.toml's [build] (run by `wrangler
      // dev` and by serve's `wrangler deploy --dry-run`) leaves it be (scripts/build-client.mjs).
      ...(process.env.npm_lifecycle_event === "test" && { ROOMCAST_PAGE_BUILT: "1" }),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  let url: string | undefined;
  const append = (d: Buffer) => {
    // Bounded: a bench run's server prints for as long as it runs.
    log = (log + d.toString()).slice(-LOG_TAIL);
    url ??= listening.exec(log)?.[1];
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const stop = () => stopProcessTree(child);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      if (BUSY.test(log)) throw new PortBusy(`${what}: its port is taken:\n${log}`);
      throw new Error(`${what} exited early:\n${log}`);
    }
    if (url !== undefined) {
      try {
        const res = await fetch(`${url}/api/rooms/ready-check`);
        if (res.ok) return { url, port: Number(new URL(url).port), child, output: () => log, stop };
      } catch {
        // Not answering yet.
      }
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`${what} did not answer${url === undefined ? "" : ` on ${url}`} in time:\n${log}`);
}

/** Ends the server (its whole process group) and waits for the exit. */
export async function stopProcessTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}
