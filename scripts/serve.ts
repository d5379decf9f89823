/**
 * @module
 * `npm run serve`: the Worker as production runs it, locally. It builds the bundle that
 * `wrangler deploy --dry-run` makes and serves it on Miniflare (the version that matches
 * wrangler's workerd), configured from wrangler.toml: no dev proxy, no live reload, one workerd.
 *
 *   npm run serve -- [--port 8787] [--ip 127.0.0.1] [--persist-to .wrangler/state] [--var NAME:VALUE]…
 *                    [--inspector-port N]
 *
 * Ready when `GET /` answers (it prints the URL then); SIGTERM or SIGINT stops it. Port 0, for
 * either port, lets the OS pick a free one as it binds; the printed URLs say which.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { lanWarning } from "./lan-warning";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, ".wrangler/serve");

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    ip: { type: "string", default: "127.0.0.1" },
    "persist-to": { type: "string", default: join(ROOT, ".wrangler/state") },
    var: { type: "string", multiple: true, default: [] },
    "inspector-port": { type: "string" },
  },
});

const vars: Record<string, string> = {};
for (const pair of values.var) {
  const at = pair.indexOf(":");
  if (at < 1) throw new Error(`--var expects NAME:VALUE, got ${pair}`);
  vars[pair.slice(0, at)] = pair.slice(at + 1);
}

// The same build and bundle as a deploy (wrangler.toml's [build] runs first).
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", OUT], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "warn" },
});
const bundle = readdirSync(OUT).find((f) => f.endsWith(".js"));
if (bundle === undefined || !existsSync(join(OUT, bundle))) throw new Error(`no bundle in ${OUT}`);

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
const persist = resolve(values["persist-to"]);
const mf = new Miniflare({
  ...workerOptions,
  name: "roomcast",
  modules: [{ type: "ESModule", path: join(OUT, bundle) }],
  bindings: { ...workerOptions.bindings, ...vars },
  host: values.ip,
  port: Number(values.port),
  ...(values["inspector-port"] !== undefined && { inspectorPort: Number(values["inspector-port"]) }),
  // The same layout as `wrangler dev --persist-to`, so either can reopen the other's rooms.
  durableObjectsPersist: join(persist, "v3/do"),
  log: new Log(LogLevel.WARN),
  // No request to Cloudflare for `request.cf`: this machine may be offline, and nothing reads it.
  cf: false,
});

const url = await mf.ready;
const res = await fetch(new URL("/", url));
if (!res.ok) throw new Error(`GET / answered ${res.status}`);
// Before the line below: once that is printed, both are known (test/support/serve.ts).
if (values["inspector-port"] !== undefined) console.log(`The runtime's inspector at ${await mf.getInspectorURL()}`);
console.log(`Roomcast is serving the built Worker at http://${values.ip}:${url.port}/ (Ctrl+C to stop)`);
// Plain http on a shared network: said where the teacher sees it (null on this machine only).
const warning = lanWarning(values.ip);
if (warning !== null) console.log(warning);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await mf.dispose();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
