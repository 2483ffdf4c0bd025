/**
 * Bundles the compiled CLI (`dist/cli/main.js`, from `tsc -p tsconfig.build.json`) into one
 * CommonJS file, `dist/bundle/main.cjs`, with kysely, zod, yaml and commander inlined. Node 20
 * pays per ES module it loads (resolve, read, compile, link) and has no compile cache for ES
 * modules; a single CommonJS file is compiled by `bin/run-bundle.js` through `vm.Script` with a
 * V8 code cache, so a start-up after the first one deserializes compiled code instead of parsing
 * and compiling the JavaScript again. main.ts's lazy `import()` of each command stays lazy (the
 * command's code runs only when named; only its compilation is shared). Every other dependency
 * stays external, loaded with `require` from node_modules (CommonJS, native, ES modules through
 * Node ≥ 20.19's `require` of ES modules, or packages that find files of their own at run time).
 * In a checkout `bin/pitcrew.js` runs the bundle only when it is newer than `dist/cli/main.js`,
 * so a later `tsc`-only build is never shadowed by a stale bundle. The bundle's SHA-256 goes beside it
 * (`main.cjs.sha256`): the code cache's key, computed here so a start-up does not hash 3 MB. Usage: node scripts/bundle-cli.mjs
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import ts from "typescript";

const ROOT = join(import.meta.dirname, "..");
/** Libraries with no files of their own to find at run time: safe to inline. */
const INLINED = new Set(["kysely", "zod", "yaml", "commander"]);

const { dependencies } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const external = Object.keys(dependencies)
  .filter((name) => !INLINED.has(name))
  .flatMap((name) => [name, `${name}/*`]);
const outdir = join(ROOT, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(ROOT, "dist", "cli", "main.js")],
  outfile: join(outdir, "main.cjs"),
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external,
  // No `import()` left in the output (an external's becomes `require`): a function compiled by
  // `vm.Script` and deserialized from a code cache loses the dynamic-import callback in Node 20.
  supported: { "dynamic-import": false },
  // The ES modules' `import.meta` as the bundle's own location (dist/bundle/ is as deep as
  // dist/<area>/, so their relative paths to the package's files still hold).
  define: { "import.meta.url": "__pitcrewImportMetaUrl", "import.meta.dirname": "__dirname" },
  banner: { js: 'const __pitcrewImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Non-ASCII characters escaped where that keeps the meaning; asciiOnly() handles the rest.
  charset: "ascii",
  logLevel: "warning",
});
const bundle = join(outdir, "main.cjs");
writeFileSync(bundle, asciiOnly(readFileSync(bundle, "utf8"), bundle));
writeFileSync(`${bundle}.sha256`, `${createHash("sha256").update(readFileSync(bundle)).digest("hex")}\n`);

/**
 * `text` with every non-ASCII character written `\uXXXX`, so the bundle is read as a one-byte
 * string without UTF-8 decoding. esbuild's `charset: "ascii"` already escaped strings, untagged
 * templates and names; what it leaves is comments, regular expressions and tagged templates. In
 * the first two `\uXXXX` means the same character (a surrogate pair in a `u` expression too),
 * unless a backslash precedes it (`/\é/` is an identity escape); a tagged template's raw text
 * (`String.raw`, a tag reading `.raw`) would change. The build fails on those two instead.
 */
function asciiOnly(text, file) {
  const escaped = /\\[^\x00-\x7f]/.exec(text);
  if (escaped) throw new Error(`${where(text, escaped.index, file)}: a backslash before a non-ASCII character`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node)) {
      const inside = text.slice(node.template.getStart(source), node.template.end).search(/[^\x00-\x7f]/);
      if (inside >= 0) {
        throw new Error(`${where(text, node.template.getStart(source) + inside, file)}: a non-ASCII character in a tagged template`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `file:line` of the offset `index` in `text`. */
function where(text, index, file) {
  return `${file}:${text.slice(0, index).split("\n").length}`;
}
