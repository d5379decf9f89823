// Bundles the page (src/client/main.ts) into public/app.js. Run by `npm run build`, which
// wrangler's [build] runs before `wrangler dev` and `wrangler deploy`, and by `npm test`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ["src/client/main.ts"],
  outfile: "public/app.js",
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2022",
  platform: "browser",
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});
