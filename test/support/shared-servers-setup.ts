/**
 * @module
 * The node project's globalSetup that lets test files share servers: one `wrangler dev` or
 * `npm run serve` per distinct set of `--var` overrides for the whole run, started when the first
 * file asks for it (./shared-server.ts) and stopped when the run ends. Starting one costs a few
 * seconds of a 2-core machine; a run used to start one per file. Files reach it over a small HTTP
 * server on 127.0.0.1 in vitest's own process (`inject("serverBroker")`), since test files run in
 * worker processes of their own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { LocalServer } from "./local-server";
import { startServe } from "./serve";
import type { SharedKind } from "./shared-server";
import { startWranglerDev } from "./wrangler-dev";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the broker that hands out shared servers. */
    serverBroker: string;
  }
}

const start: Record<SharedKind, (persistTo: string, vars: Record<string, string>) => Promise<LocalServer>> = {
  "wrangler dev": (persistTo, vars) => startWranglerDev({ persistTo, vars }),
  "npm run serve": (persistTo, vars) => startServe({ persistTo, vars }),
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<string, Promise<LocalServer>>();
  const started = new Set<LocalServer>();
  const dirs: string[] = [];

  const serverFor = (kind: SharedKind, vars: Record<string, string>): Promise<LocalServer> => {
    const key = JSON.stringify([kind, vars]);
    let server = servers.get(key);
    if (server === undefined) {
      const persistTo = mkdtempSync(join(tmpdir(), "roomcast-shared-"));
      dirs.push(persistTo);
      server = start[kind](persistTo, vars).then((s) => {
        started.add(s);
        return s;
      });
      // A start that failed is tried again by the next file that asks, not handed out broken.
      server.catch(() => servers.delete(key));
      servers.set(key, server);
    }
    return server;
  };

  const reply = (res: ServerResponse, status: number, body: string, type = "text/plain") => {
    res.writeHead(status, { "content-type": type }).end(body);
  };
  const broker = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://broker");
    const kind = url.searchParams.get("kind") as SharedKind;
    let vars: Record<string, string>;
    try {
      vars = JSON.parse(url.searchParams.get("vars") ?? "{}");
    } catch {
      return reply(res, 400, "vars: not JSON");
    }
    if (!Object.hasOwn(start, kind)) return reply(res, 400, `kind: one of ${Object.keys(start).join(", ")}`);
    serverFor(kind, vars).then(
      (s) => {
        if (url.pathname === "/output") return reply(res, 200, s.output());
        reply(res, 200, JSON.stringify({ url: s.url, port: s.port }), "application/json");
      },
      (e: unknown) => reply(res, 500, String(e instanceof Error ? e.message : e)),
    );
  });
  // Files wait as long as a start takes (up to a minute on a loaded machine).
  broker.requestTimeout = 0;
  await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
  const address = broker.address();
  if (address === null || typeof address === "string") throw new Error("the server broker has no port");
  project.provide("serverBroker", `http://127.0.0.1:${address.port}`);

  // Servers run in process groups of their own: if vitest dies without its teardown, take them
  // along rather than leave them running.
  const killAll = () => {
    for (const s of started) {
      try {
        if (s.child.pid !== undefined && s.child.exitCode === null) process.kill(-s.child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", killAll);

  return async () => {
    broker.close();
    await Promise.all([...servers.values()].map((p) => p.then((s) => s.stop()).catch(() => {})));
    process.off("exit", killAll);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
}
