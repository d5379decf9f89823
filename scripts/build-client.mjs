// Bundles the page (src/client/main.ts) into public/app.js. Run by `npm run build`, which
// wrangler's [build] runs before `wrangler dev` and `wrangler deploy`, and by `npm test`.
// `node scripts/build-client.mjs <outfile>` writes elsewhere (the size test does).
// The file is replaced atomically, so a server reading it never sees half a bundle.
import { build } from "esbuild";
import { renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = resolve(root, process.argv[2] ?? "public/app.js");

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/client/main.ts"],
  outfile,
  write: false,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});
for (const file of result.outputFiles) {
  const tmp = `${file.path}.${process.pid}.tmp`;
  writeFileSync(tmp, file.contents);
  renameSync(tmp, file.path);
}
