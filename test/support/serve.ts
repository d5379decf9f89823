/**
 * @module
 * `npm run serve` (the built Worker on Miniflare, as production runs it), for tests and the
 * benchmark; `inspector` opens the runtime's inspector on a port the OS picks (the bench reads the
 * heap there).
 */
import { type LocalServer, type ServerOptions, startLocalServer } from "./local-server";

export type Served = LocalServer & { pid: number; inspectorPort?: number };

export async function startServe(options: ServerOptions & { inspector?: boolean } = {}): Promise<Served> {
  const args = ["tsx", "scripts/serve.ts"];
  if (options.inspector === true) args.push("--inspector-port", "0");
  const s = await startLocalServer("npm run serve", args, options, /serving the built Worker at (http:\/\/[\d.]+:\d+)/);
  // scripts/serve.ts prints the inspector's URL before the line above.
  const inspector = /inspector at ws:\/\/[\d.]+:(\d+)/.exec(s.output())?.[1];
  if (options.inspector === true && inspector === undefined) {
    await s.stop();
    throw new Error(`npm run serve printed no inspector URL:\n${s.output()}`);
  }
  return { ...s, pid: s.child.pid!, ...(inspector !== undefined && { inspectorPort: Number(inspector) }) };
}
