// Bundles the page (src/client/main.ts) into public/app.js, the race (src/client/race.ts,
// "Compare transports") into public/race.js, and the projector view
// (src/client/projector.ts, with its QR code library) into public/projector.js beside it: a
// separate ES module that app.js imports only when the page is opened as `?view=projector`, so
// the library never weighs on the chat page. Run by `npm run build`, and by wrangler's [build]
// before `wrangler dev` and `wrangler deploy`, and by `npm test`.
// `node scripts/build-client.mjs <outfile>` writes app.js there and projector.js beside it (the
// size test does). Each file is replaced atomically, so a server reading it never sees half a bundle.
// ROOMCAST_PAGE_BUILT=1 (set by test/support/local-server.ts under `npm test`, whose pretest
// built the page) makes it leave a built page be: the servers that tests start run wrangler.toml's
// [build] too, and would bundle the page again each and rewrite it under the servers running.
import { build } from "esbuild";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = resolve(root, process.argv[2] ?? "public/app.js");
const projector = join(dirname(outfile), "projector.js");
// "Compare transports" (`?view=race`), a module of its own like the projector's.
const race = join(dirname(outfile), "race.js");
if (process.env.ROOMCAST_PAGE_BUILT === "1" && existsSync(outfile) && existsSync(projector) && existsSync(race))
  process.exit(0);

const common = {
  absWorkingDir: root,
  write: false,
  bundle: true,
  minify: true,
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
};

const results = await Promise.all([
  build({ ...common, entryPoints: ["src/client/main.ts"], outfile, format: "iife" }),
  build({
    ...common,
    entryPoints: ["src/client/projector.ts"],
    outfile: projector,
    format: "esm",
  }),
  build({ ...common, entryPoints: ["src/client/race.ts"], outfile: race, format: "esm" }),
]);
for (const file of results.flatMap((r) => r.outputFiles)) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
