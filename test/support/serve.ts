/**
 * @module
 * `npm run serve` (the built Worker on Miniflare, as production runs it), for tests and the
 * benchmark; `inspectorPort` opens the runtime's inspector (the bench reads the heap there).
 */
import { type LocalServer, type ServerOptions, startLocalServer } from "./local-server";

export type Served = LocalServer & { pid: number };

export async function startServe(options: ServerOptions & { inspectorPort?: number } = {}): Promise<Served> {
  const args = ["tsx", "scripts/serve.ts"];
  if (options.inspectorPort !== undefined) args.push("--inspector-port", String(options.inspectorPort));
  const s = await startLocalServer("npm run serve", args, options);
  return { ...s, pid: s.child.pid! };
}
