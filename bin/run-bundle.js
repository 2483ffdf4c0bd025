/**
 * Runs the CommonJS bundle of the CLI (`dist/bundle/main.cjs`, scripts/bundle-cli.mjs) with a V8
 * code cache: the bundle is compiled through `vm.Script` with the cached data of an earlier run,
 * so V8 deserializes compiled code instead of parsing and compiling ~3 MB of JavaScript (Node 20
 * has no module compile cache). One cache file per bundle (the SHA-256 the build wrote beside it
 * in `main.cjs.sha256`, with the bundle's size and mtime, so a bundle changed after the build
 * never meets an old cache), Node version, CPU architecture and command word, in
 * `$XDG_CACHE_HOME/pitcrew/v8` (default `~/.cache/pitcrew/v8`): each command caches the functions
 * it compiled. V8 checks only a cache's length against the source and runs the code it holds, so
 * a cache is read or written only when it and its folder are this user's own (see
 * {@link ownCacheDir}, {@link readOwnFile}); anything else is ignored, never repaired. A cache that
 * is missing or rejected (other flags) is written after the command returns, atomically (temporary
 * file, rename; `--help` and `--version` runs under a key of their own, so a command's cache is never
 * the thin one of its help); an accepted one is only touched (serializing the compiled code again costs 10–15 ms, more than the cache saves
 * a command that has one). The folder then keeps its newest
 * {@link KEPT_FILES} caches (other bundles' too: a checkout and an installed package may
 * alternate) and no temporary file older than {@link STALE_TMP_MS}. Any failure to read or write
 * the cache only costs the speed.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/** Cache files kept (≈ 1–2 MB each): a few commands of a few installations. */
const KEPT_FILES = 24;
/** Age past which a temporary file is a crashed writer's leftover (a write takes milliseconds). */
const STALE_TMP_MS = 60_000;
/** Arguments that only print (help, version): such a run compiles little, so it gets a cache of its own. */
const PRINT_ONLY = new Set(["-h", "--help", "-V", "--version"]);

/** Runs `main(argv)` of the bundle at `file`. */
export async function runBundle(file, argv) {
  const source = readFileSync(file, "latin1"); // ASCII only (scripts/bundle-cli.mjs)
  const bundleKey = cacheKey(file);
  const args = argv.slice(2);
  const word = args.find((a) => !a.startsWith("-")) ?? "";
  // help and version compile next to nothing: their cache is their own, never the command's
  const printOnly = args.some((a) => PRINT_ONLY.has(a));
  const command = `${/^[a-z][a-z-]{0,30}$/.test(word) ? word : "none"}${printOnly ? "-print" : ""}`;
  const dir = bundleKey && ownCacheDir(false);
  const name = `${bundleKey}-${process.version}-${process.arch}-${command}.bin`;
  const cachedData = dir ? readOwnFile(join(dir, name)) : undefined;
  // Node's own CommonJS wrapper, so the bundle sees what a required file sees.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const accepted = cachedData !== undefined && !script.cachedDataRejected;
  if (accepted) touch(join(dir, name));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  await module.exports.main(argv);
  if (accepted || !bundleKey) return;
  const writable = dir ?? ownCacheDir(true);
  if (writable) writeCache(writable, name, script.createCachedData());
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

/**
 * The cache folder (made first when `create`), or undefined unless it is a real folder (not a
 * symbolic link) owned by this user that no one else may write: another account able to write
 * there could plant code this CLI would run. `mkdirSync`'s mode never fixes an existing folder.
 */
function ownCacheDir(create) {
  if (typeof process.getuid !== "function") return undefined;
  const base = process.env.XDG_CACHE_HOME || (homedir() && join(homedir(), ".cache"));
  if (!base) return undefined;
  const dir = join(base, "pitcrew", "v8");
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    return stat.isDirectory() && isOwn(stat) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The content of `path` when it is a regular file (not followed if a link) of this user's own. */
function readOwnFile(path) {
  let fd;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    const stat = fstatSync(fd);
    return stat.isFile() && isOwn(stat) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Owned by this process's user, and writable by no group or other account. */
function isOwn(stat) {
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

/** Marks an accepted cache as used now, so pruning keeps it (never through a link). */
function touch(path) {
  try {
    const now = new Date();
    lutimesSync(path, now, now);
  } catch {}
}

/** Writes `data` as the cache `name` in the checked folder `dir`, then prunes the folder. */
function writeCache(dir, name, data) {
  try {
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data, {
      mode: 0o600,
      flag: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    });
    renameSync(tmp, join(dir, name));
    prune(dir);
  } catch {}
}

/** Keeps the newest {@link KEPT_FILES} caches, and temporary files younger than {@link STALE_TMP_MS}. */
function prune(dir) {
  const files = readdirSync(dir)
    .filter((entry) => entry.endsWith(".bin") || entry.endsWith(".tmp"))
    .map((entry) => ({ entry, path: join(dir, entry), mtime: lstatSync(join(dir, entry)).mtimeMs }));
  const caches = files.filter((f) => f.entry.endsWith(".bin")).sort((a, b) => b.mtime - a.mtime);
  const stale = files.filter((f) => f.entry.endsWith(".tmp") && Date.now() - f.mtime > STALE_TMP_MS);
  for (const old of [...caches.slice(KEPT_FILES), ...stale]) rmSync(old.path, { force: true });
}
