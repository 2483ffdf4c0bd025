#!/usr/bin/env node
// Entry point installed as `pitcrew`: runs the compiled CLI, building it first when `dist/` is
// missing (e.g. right after `npm ci` in a checkout).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist", "cli", "main.js");
if (!existsSync(entry)) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  process.stderr.write("pitcrew: building (first run)…\n");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
}
const { main } = await import(entry);
await main(process.argv);
