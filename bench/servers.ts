/**
 * @module
 * The servers a bench run compares, each started fresh on 127.0.0.1 and stopped with its whole
 * process group: the project on `npm run serve` (as production runs it) and on `wrangler dev`,
 * and the bare Node `ws` baseline; for the vote storm, `npm run serve` of bench/naive's entry
 * (the same wrangler.toml and build, the room broadcasting every vote).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalServer } from "../test/support/local-server";
import { startServe } from "../test/support/serve";
import { ROOT, startWranglerDev, stopProcessTree } from "../test/support/wrangler-dev";
import type { Target } from "./options";

export interface Server {
  target: Target;
  url: string;
  /** The process group leader: CPU and memory are read over its whole tree. */
  pid: number;
  /** The runtime's inspector (`serve` only), for the JS heap. */
  inspectorPort?: number;
  stop: () => Promise<void>;
}

/**
 * Limits raised so the load generator's clients are not rate-limited or refused (hundreds of them
 * join in a second: the join limit too); the backlog
 * bound lowered to 256 KiB so the slow-reader workload reaches it within its phase (its clients
 * ack every 64 KiB, as the page does, so the others never come near it).
 */
export const BENCH_VARS = {
  RATE_LIMIT_PER_SECOND: 1000,
  RATE_LIMIT_BURST: 1000,
  MAX_USERS_PER_ROOM: 2000,
  JOIN_BURST: 100_000,
  JOIN_PER_SECOND: 100_000,
  MAX_UNACKED_BYTES: 256 * 1024,
};

/** bench/naive's Worker entry: the project's Worker with the naive room bound as `ROOMS`. */
const NAIVE_ENTRY = "bench/naive/worker.ts";

export async function startServer(
  target: Target,
  persistBase: string,
  compression = false,
  naive = false,
): Promise<Server> {
  if (target === "baseline") return startBaseline();
  if (naive && target !== "serve") throw new Error("the naive room runs on serve only");
  const vars = { ...BENCH_VARS, WEBSOCKET_COMPRESSION: compression ? "on" : "off" };
  const persistTo = mkdtempSync(join(persistBase, "roomcast-bench-"));
  const cleanUp = () => rmSync(persistTo, { recursive: true, force: true });
  try {
    if (naive) {
      const s = await startLocalServer(
        "npm run serve (naive room)",
        ["tsx", "scripts/serve.ts", "--entry", NAIVE_ENTRY],
        { persistTo, vars },
        /serving the built Worker at (http:\/\/[\d.]+:\d+)/,
      );
      const stop = async () => {
        await s.stop();
        cleanUp();
      };
      return { target, url: s.url, pid: s.child.pid!, stop };
    }
    if (target === "serve") {
      const s = await startServe({ persistTo, vars, inspector: true });
      const stop = async () => {
        await s.stop();
        cleanUp();
      };
      return { target, url: s.url, pid: s.pid, inspectorPort: s.inspectorPort, stop };
    }
    const dev = await startWranglerDev({ persistTo, vars });
    const stop = async () => {
      await dev.stop();
      cleanUp();
    };
    return { target, url: dev.url, pid: dev.child.pid!, stop };
  } catch (e) {
    cleanUp();
    throw e;
  }
}

async function startBaseline(): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./baseline-server.ts", import.meta.url)), "0"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("baseline did not start in 20 s")), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`baseline exited (${code})`)));
  });
  return { target: "baseline", url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopProcessTree(child) };
}

export const serverName = (t: Target) =>
  t === "serve" ? "npm run serve" : t === "dev" ? "wrangler dev" : "bare ws baseline";
