/**
 * @module
 * Starts `npm run serve` (the built Worker on Miniflare, as production runs it) on a free
 * loopback port, for tests and the benchmark. Always pair `startServe` with `stop()`.
 */
import { spawn } from "node:child_process";
import { ROOT, freePort, stopProcessTree } from "./wrangler-dev";

export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The process group leader: `tsx scripts/serve.ts`. */
  pid: number;
  stop: () => Promise<void>;
}

export interface ServeOptions {
  persistTo?: string;
  vars?: Record<string, string | number>;
  port?: number;
  inspectorPort?: number;
  startTimeoutMs?: number;
}

export async function startServe(options: ServeOptions = {}): Promise<Served> {
  const port = options.port ?? (await freePort());
  const args = ["tsx", "scripts/serve.ts", "--ip", "127.0.0.1", "--port", String(port)];
  if (options.persistTo !== undefined) args.push("--persist-to", options.persistTo);
  if (options.inspectorPort !== undefined) args.push("--inspector-port", String(options.inspectorPort));
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const child = spawn("npx", args, {
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
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", () => log.includes("is serving") && resolve());
    child.once("exit", (code) => reject(new Error(`npm run serve exited (${code}) before it was ready:\n${log}`)));
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`npm run serve did not get ready in time:\n${log}`)),
      options.startTimeoutMs ?? 90_000,
    ).unref(),
  );
  try {
    await Promise.race([ready, timeout]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, pid: child.pid!, stop };
}
