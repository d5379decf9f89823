/**
 * @module
 * A local server of the project in its own process group, on a free loopback port: the one way
 * tests and the bench start `wrangler dev` (./wrangler-dev.ts) or `npm run serve` (./serve.ts).
 * Ready when the Worker answers over HTTP; always pair with `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  persistTo?: string;
  vars?: Record<string, string | number>;
  port?: number;
  startTimeoutMs?: number;
}

/** A port the OS says is free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs `npx <args> --port <port> [--persist-to] [--var]…` and waits until the Worker answers. */
export async function startLocalServer(what: string, args: string[], options: ServerOptions): Promise<LocalServer> {
  const port = options.port ?? (await freePort());
  const all = [...args, "--ip", "127.0.0.1", "--port", String(port)];
  if (options.persistTo !== undefined) all.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) all.push("--var", `${name}:${value}`);
  const child = spawn("npx", all, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcessTree(child);
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/api/rooms/ready-check`);
      if (res.ok) return { url, port, child, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${what} did not answer on ${url} in time:\n${log}`);
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
