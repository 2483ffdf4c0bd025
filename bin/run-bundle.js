/**
 * Runs the CommonJS bundle of the CLI (`dist/bundle/main.cjs`, scripts/bundle-cli.mjs) with a V8
 * code cache: the bundle is compiled through `vm.Script` with the cached data of an earlier run,
 * so V8 deserializes compiled code instead of parsing and compiling ~3 MB of JavaScript (Node 20
 * has no module compile cache). One cache file per bundle (the SHA-256 the build wrote beside it
 * in `main.cjs.sha256`, with the bundle's size and mtime, so a bundle changed after the build
 * never meets an old cache), Node version, CPU architecture and command word, in `$XDG_CACHE_HOME/pitcrew/v8` (default `~/.cache/pitcrew/v8`):
 * each command caches the functions it compiled. A cache V8 rejects (other flags) or that is
 * missing is written again after the command returns, atomically (temporary file, rename); the
 * folder then keeps its newest {@link KEPT_FILES} files (other bundles' too: a checkout and an
 * installed package may alternate). Any failure to read or write the cache only costs the speed.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** Cache files kept (≈ 1–2 MB each): a few commands of a few installations. */
const KEPT_FILES = 24;

/** Runs `main(argv)` of the bundle at `file`. */
export async function runBundle(file, argv) {
  const source = readFileSync(file, "latin1"); // ASCII only (scripts/bundle-cli.mjs)
  const bundleKey = cacheKey(file);
  const word = argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
  const command = /^[a-z][a-z-]{0,30}$/.test(word) ? word : "none";
  const dir = cacheDir();
  const cacheFile = dir && bundleKey && join(dir, `${bundleKey}-${process.version}-${process.arch}-${command}.bin`);
  let cachedData;
  try {
    cachedData = cacheFile ? readFileSync(cacheFile) : undefined;
  } catch {}
  // Node's own CommonJS wrapper, so the bundle sees what a required file sees.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  await module.exports.main(argv);
  if (cacheFile && (!cachedData || script.cachedDataRejected)) writeCache(cacheFile, script);
}

/** The build's SHA-256 of the bundle with its size and mtime; undefined without the hash file. */
function cacheKey(file) {
  try {
    const sha = readFileSync(`${file}.sha256`, "utf8").trim();
    const { size, mtimeMs } = statSync(file);
    return /^[0-9a-f]{64}$/.test(sha) ? `${sha.slice(0, 32)}-${size}-${Math.floor(mtimeMs)}` : undefined;
  } catch {
    return undefined;
  }
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || (homedir() && join(homedir(), ".cache"));
  return base ? join(base, "pitcrew", "v8") : undefined;
}

/** Writes the code compiled so far (the command's functions included), then prunes the folder. */
function writeCache(cacheFile, script) {
  try {
    const dir = dirname(cacheFile);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
    renameSync(tmp, cacheFile);
    const files = readdirSync(dir)
      .filter((name) => name.endsWith(".bin"))
      .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of files.slice(KEPT_FILES)) rmSync(old.path, { force: true });
  } catch {}
}
