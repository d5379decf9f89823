/**
 * @module
 * `npm run serve`: the Worker as production runs it, locally. It builds the bundle that
 * `wrangler deploy --dry-run` makes and serves it on Miniflare (the version that matches
 * wrangler's workerd), configured from wrangler.toml: no dev proxy, no live reload, one workerd.
 *
 *   npm run serve -- [--port 8787] [--ip 127.0.0.1] [--persist-to .wrangler/state] [--var NAME:VALUE]…
 *                    [--inspector-port N] [--public-url https://class.example.org] [--entry <file>]
 *
 * Ready when `GET /` answers (it prints the URL then); SIGTERM or SIGINT stops it. Port 0, for
 * either port, lets the OS pick a free one as it binds; the printed URLs say which. Bound beyond
 * this machine (`--ip 0.0.0.0`), it prints the addresses the class's phones can open, and hands
 * them to the Worker as `LAN_ADDRESSES` (the projector shows them); `--public-url` sets
 * `PUBLIC_URL`, the origin of every join link (a tunnel's). `--entry` builds another Worker entry
 * with the same wrangler.toml (the bench's naive room, bench/naive/worker.ts), into its own folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { httpOrigin } from "../src/config";
import { lanAddressLines, lanAddresses, origin } from "./lan-addresses";
import { lanWarning } from "./lan-warning";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    ip: { type: "string", default: "127.0.0.1" },
    "persist-to": { type: "string", default: join(ROOT, ".wrangler/state") },
    var: { type: "string", multiple: true, default: [] },
    "inspector-port": { type: "string" },
    "public-url": { type: "string" },
    entry: { type: "string" },
  },
});
const entry = values.entry;
const OUT = join(ROOT, entry === undefined ? ".wrangler/serve" : `.wrangler/serve-${entry.replace(/[^\w]+/g, "-")}`);

const vars: Record<string, string> = {};
for (const pair of values.var) {
  const at = pair.indexOf(":");
  if (at < 1) throw new Error(`--var expects NAME:VALUE, got ${pair}`);
  vars[pair.slice(0, at)] = pair.slice(at + 1);
}
if (values["public-url"] !== undefined) vars.PUBLIC_URL = values["public-url"];
// Refused here, before anything starts: a wrong one would send the whole class astray.
if ((vars.PUBLIC_URL ?? "").trim() !== "" && httpOrigin(vars.PUBLIC_URL ?? "") === null) {
  console.error(
    `--public-url (PUBLIC_URL) must be an http(s) origin such as https://class.example.org, not ${JSON.stringify(vars.PUBLIC_URL)}`,
  );
  process.exit(2);
}

// The same build and bundle as a deploy (wrangler.toml's [build] runs first). The package's own
// bin where there is one (not on Windows, a .cmd there): `npx` would start a Node of its own
// first, to find it (half a second of CPU on the 2-core machine, each start).
const bin = join(ROOT, "node_modules", ".bin", "wrangler");
const direct = process.platform !== "win32" && existsSync(bin);
const build = ["deploy", "--dry-run", "--outdir", OUT, ...(entry === undefined ? [] : [entry])];
execFileSync(direct ? bin : "npx", direct ? build : ["wrangler", ...build], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "warn" },
});
const bundle = readdirSync(OUT).find((f) => f.endsWith(".js"));
if (bundle === undefined || !existsSync(join(OUT, bundle))) throw new Error(`no bundle in ${OUT}`);

const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
const persist = resolve(values["persist-to"]);
const port = Number(values.port);
const options = (lan: string[]) => ({
  ...workerOptions,
  name: "roomcast",
  modules: [{ type: "ESModule" as const, path: join(OUT, bundle) }],
  // LAN_ADDRESSES only from here: a deploy knows no LAN, so its projector lists none.
  bindings: { ...workerOptions.bindings, ...vars, LAN_ADDRESSES: lan.join(",") },
  host: values.ip,
  port,
  ...(values["inspector-port"] !== undefined && { inspectorPort: Number(values["inspector-port"]) }),
  // The same layout as `wrangler dev --persist-to`, so either can reopen the other's rooms.
  durableObjectsPersist: join(persist, "v3/do"),
  log: new Log(LogLevel.WARN),
  // No request to Cloudflare for `request.cf`: this machine may be offline, and nothing reads it.
  cf: false,
});
const mf = new Miniflare(options(port === 0 ? [] : lanAddresses(values.ip, port, networkInterfaces())));

let url = await mf.ready;
const addresses = lanAddresses(values.ip, Number(url.port), networkInterfaces());
// Port 0: the addresses are known once the OS gave the port; the runtime restarts on that same port.
if (port === 0 && addresses.length > 0) {
  await mf.setOptions(options(addresses));
  url = await mf.ready;
}
const res = await fetch(new URL("/", url));
if (!res.ok) throw new Error(`GET / answered ${res.status}`);
// Before the line below: once that is printed, both are known (test/support/serve.ts).
if (values["inspector-port"] !== undefined) console.log(`The runtime's inspector at ${await mf.getInspectorURL()}`);
// Bound to every address, this machine's own is the loopback one (0.0.0.0 is no address to open).
const here = values.ip === "0.0.0.0" || values.ip === "::" ? "127.0.0.1" : values.ip.replace(/^\[|\]$/g, "");
console.log(`Roomcast is serving the built Worker at ${origin(here, Number(url.port))}/ (Ctrl+C to stop)`);
const lan = lanAddressLines(addresses);
if (lan !== null) console.log(lan);
if (vars.PUBLIC_URL !== undefined && vars.PUBLIC_URL.trim() !== "") {
  console.log(`Join links and QR codes point at ${httpOrigin(vars.PUBLIC_URL)}/ (PUBLIC_URL).`);
}
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
