/**
 * Bundles the compiled CLI (`dist/cli/main.js`, from `tsc -p tsconfig.build.json`) into
 * `dist/bundle/`: one chunk per command (main.ts's lazy `import()`s become split points) plus the
 * chunks they share, with kysely and zod inlined. Node 20 pays per ES module it loads (resolve,
 * read, compile, link); `pitcrew run` loads ~600 of them unbundled, a few dozen bundled, which
 * halves the CPU its start-up costs. Every other dependency stays external (loaded from
 * node_modules as before): they are CommonJS, native, or find files of their own at run time.
 * `bin/pitcrew.js` runs the bundle only when it is newer than `dist/cli/main.js`, so a later
 * `tsc`-only build is never shadowed by a stale bundle. Usage: node scripts/bundle-cli.mjs
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const ROOT = join(import.meta.dirname, "..");
/**
 * Libraries with no files of their own to find at run time: safe to inline. yaml and commander
 * are CommonJS; their `require`s of Node's built-in modules go through the `require` the banner
 * defines (esbuild's ESM output has none of its own).
 */
const INLINED = new Set(["kysely", "zod", "yaml", "commander"]);

const { dependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const external = Object.keys(dependencies)
  .filter((name) => !INLINED.has(name))
  .flatMap((name) => [name, `${name}/*`]);
const outdir = join(ROOT, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(ROOT, "dist", "cli", "main.js")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  banner: { js: 'import { createRequire as __pitcrewRequire } from "node:module"; const require = __pitcrewRequire(import.meta.url);' },
  logLevel: "warning",
});
