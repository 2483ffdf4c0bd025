#!/usr/bin/env node
// Entry point installed as `pitcrew`: runs the compiled CLI, bundled (`dist/bundle/main.cjs`, made
// by `npm run build`: one file, compiled with a V8 code cache by run-bundle.js) when there is one,
// else `dist/cli/main.js` itself. In a checkout (sources and tsconfig.build.json present) it builds
// `dist/` first when missing (e.g. right after `npm ci`), and runs the bundle only when it is at
// least as new as the compiled modules (a later `tsc`-only build is not shadowed); an installed
// package ships `dist/` as one build, whose files' mtimes npm does not keep, and never builds.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
const tsconfig = join(root, "tsconfig.build.json");
const checkout = existsSync(tsconfig);
if (!existsSync(entry)) {
  if (!checkout) {
    process.stderr.write(`pitcrew: ${entry} is missing: this installation is incomplete; reinstall the package\n`);
    process.exit(2);
  }
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  process.stderr.write("pitcrew: building (first run)…\n");
  execFileSync(process.execPath, [tsc, "-p", tsconfig], { stdio: "inherit" });
}
const bundle = join(root, "dist", "bundle", "main.cjs");
const bundled = statSync(bundle, { throwIfNoEntry: false });
if (bundled && (!checkout || bundled.mtimeMs >= statSync(entry).mtimeMs)) {
  const { runBundle } = await import("./run-bundle.js");
  await runBundle(bundle, process.argv);
} else {
  const { main } = await import(entry);
  await main(process.argv);
}
