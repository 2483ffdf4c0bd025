import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { arch as osArch, platform } from "node:os";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { type Clock, systemClock } from "../common/clock.js";
import { ValidationError } from "../common/errors.js";
import { matchWorkspaceFiles } from "../reports/index.js";

/** What a cache key template can refer to. */
export interface CacheKeyContext {
  /** Workspace the `hashFiles` globs are matched in (and confined to). */
  workspace: string;
  /** Variables: `{{ name }}` reads a string, `{{ matrix.node }}` reads `vars.matrix.node`. */
  vars?: Record<string, string | Record<string, string>>;
  /** Value of `{{ os }}`; defaults to the platform (`linux`, `darwin`, `win32`). */
  os?: string;
  /** Value of `{{ arch }}`; defaults to the CPU architecture (`x64`, `arm64`). */
  arch?: string;
}

/**
 * Renders a cache key template such as `deps-{{ os }}-{{ hashFiles('package-lock.json') }}`.
 * `hashFiles(...)` is the SHA-256 over the sorted matched files' paths and contents (empty when
 * nothing matches, as on GitHub Actions). Unknown placeholders are a ValidationError.
 */
export async function renderCacheKey(template: string, ctx: CacheKeyContext): Promise<string> {
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{\{\s*(.*?)\s*\}\}/gs)) {
    parts.push(template.slice(last, m.index), await evaluate(m[1]!, template, ctx));
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  const key = parts.join("");
  if (key.includes("{{") || key.includes("}}"))
    throw new ValidationError(`cache key '${template}' has an unclosed placeholder`);
  assertValidKey(key);
  return key;
}

async function evaluate(expr: string, template: string, ctx: CacheKeyContext): Promise<string> {
  if (expr === "os") return ctx.os ?? platform();
  if (expr === "arch") return ctx.arch ?? osArch();
  const call = /^hashFiles\((.*)\)$/s.exec(expr);
  if (call) return hashFiles(ctx.workspace, parseStringArgs(call[1]!, template));
  if (/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)?$/.test(expr)) {
    const [head, tail] = expr.split(".") as [string, string | undefined];
    const v = ctx.vars?.[head];
    const value = tail === undefined ? v : typeof v === "object" ? v[tail] : undefined;
    if (typeof value === "string") return value;
  }
  throw new ValidationError(
    `cache key '${template}' has an unknown placeholder '{{ ${expr} }}'; use hashFiles('glob', …), os, arch, matrix.<name> or a variable`,
  );
}

function parseStringArgs(src: string, template: string): string[] {
  const args: string[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)")\s*(,|$)/y;
  while (re.lastIndex < src.length) {
    const m = re.exec(src);
    if (!m) break;
    args.push(m[1] ?? m[2]!);
    if (m[3] === "") return args;
  }
  if (args.length > 0 && re.lastIndex === src.length) return args;
  throw new ValidationError(`cache key '${template}': hashFiles takes one or more quoted glob patterns`);
}

/** SHA-256 (hex) over each matched file's path and content hash, in path order; "" when none match. */
export async function hashFiles(workspace: string, patterns: readonly string[]): Promise<string> {
  const { files } = await matchWorkspaceFiles(workspace, patterns);
  if (files.length === 0) return "";
  const outer = createHash("sha256");
  for (const f of files) {
    const inner = createHash("sha256");
    for await (const chunk of createReadStream(f.absPath)) inner.update(chunk as Buffer);
    outer.update(`${f.path}\0${inner.digest("hex")}\n`);
  }
  return outer.digest("hex");
}

function assertValidKey(key: string): void {
  if (key === "" || key.length > 512 || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new ValidationError(`cache key ${JSON.stringify(key.slice(0, 80))} must be 1–512 printable characters`);
  }
}

/** Index of one saved cache entry, stored as `<sha256(key)>.json` beside its archive. */
export interface CacheEntry {
  key: string;
  /** Epoch ms of the save. */
  created: number;
  /** Archive size in bytes. */
  size: number;
  /** Epoch ms of the last restore (or the save). */
  lastUsed: number;
  /** File name of the tar.gz archive in the cache directory. */
  archive: string;
  /** Saved by a run of a protected branch (only such entries are restored on protected branches). */
  protected?: boolean;
}

/** Outcome of a restore: exact key, newest entry matching a restore-key prefix, or nothing. */
export interface CacheRestoreResult {
  hit: "exact" | "prefix" | "miss";
  /** The key of the entry restored. */
  key?: string;
}

/**
 * A directory of cache entries (one scope: see runner/trust.ts). Saves are atomic and, unless
 * `overwrite` is set, first-writer-wins: an entry becomes visible only when its index file is
 * hard-linked into place, which fails if the key exists. An overwriting save renames its index
 * over the old one (atomic too) and then deletes the old archive. Readers never see half an archive.
 */
export interface CacheStore {
  /**
   * Extracts the best entry into the workspace: the exact key, else per restore key (in order) the
   * newest with that prefix; with `protectedOnly`, entries not saved by protected runs are ignored.
   */
  restore(req: {
    key: string;
    restoreKeys?: readonly string[];
    workspace: string;
    protectedOnly?: boolean;
  }): Promise<CacheRestoreResult>;
  /**
   * Archives workspace-relative paths under `key`, marked `protected` when a protected run saves;
   * `saved: false` when the key exists (and `overwrite` is not set) or nothing exists to save.
   */
  save(req: {
    key: string;
    paths: readonly string[];
    workspace: string;
    overwrite?: boolean;
    protected?: boolean;
  }): Promise<{ saved: boolean; size: number }>;
}

/** Options of {@link createCacheStore}. */
export interface CacheStoreOptions {
  clock?: Clock;
  /** Largest archive kept, in bytes (default 2 GiB); bigger saves are dropped (`saved: false`). */
  maxEntryBytes?: number;
}

/** Opens (creating on first save) a cache store in `dir`. */
export function createCacheStore(dir: string, opts: CacheStoreOptions = {}): CacheStore {
  const clock = opts.clock ?? systemClock;
  const maxEntryBytes = opts.maxEntryBytes ?? 2 * 1024 * 1024 * 1024;
  const indexPath = (key: string) => join(dir, `${keyHash(key)}.json`);

  const readEntry = async (file: string): Promise<CacheEntry | undefined> => {
    try {
      const e = JSON.parse(await readFile(file, "utf8")) as CacheEntry;
      return typeof e.key === "string" && typeof e.archive === "string" && /^[0-9a-f-]+\.tar\.gz$/.test(e.archive)
        ? e
        : undefined;
    } catch {
      return undefined;
    }
  };

  const allEntries = async (): Promise<CacheEntry[]> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    const entries = await Promise.all(
      names.filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).map((n) => readEntry(join(dir, n))),
    );
    return entries.filter((e): e is CacheEntry => e !== undefined);
  };

  /** Extracts an entry and records its use; a corrupt or missing archive is dropped and reported as false. */
  const use = async (entry: CacheEntry, root: string): Promise<boolean> => {
    try {
      await extractInto(join(dir, entry.archive), root);
    } catch (err) {
      if (!BROKEN_ARCHIVE.has(String((err as NodeJS.ErrnoException).code))) throw err;
      // An overwriting save may have replaced the entry meanwhile: drop the index only if it is still this one.
      if ((await readEntry(indexPath(entry.key)))?.archive === entry.archive)
        await rm(indexPath(entry.key), { force: true });
      await rm(join(dir, entry.archive), { force: true });
      return false;
    }
    const tmp = join(dir, `.tmp-${randomBytes(8).toString("hex")}.json`);
    await writeFile(tmp, JSON.stringify({ ...entry, lastUsed: clock.now() }));
    await rename(tmp, indexPath(entry.key));
    return true;
  };

  return {
    async restore({ key, restoreKeys = [], workspace, protectedOnly = false }) {
      const root = await realpath(workspace);
      const allowed = (e: CacheEntry | undefined) => e !== undefined && (!protectedOnly || e.protected === true);
      const exact = await readEntry(indexPath(key));
      if (exact?.key === key && allowed(exact) && (await use(exact, root))) return { hit: "exact", key };
      if (restoreKeys.length === 0) return { hit: "miss" };
      const entries = (await allEntries()).filter(allowed);
      for (const prefix of restoreKeys) {
        const candidates = entries.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.created - a.created);
        for (const e of candidates) if (await use(e, root)) return { hit: "prefix", key: e.key };
      }
      return { hit: "miss" };
    },

    async save({ key, paths, workspace, overwrite = false, protected: isProtected = false }) {
      assertValidKey(key);
      const root = await realpath(workspace);
      const present = await existingPaths(root, paths);
      const existing = await readEntry(indexPath(key));
      if (existing !== undefined && !overwrite) return { saved: false, size: existing.size };
      if (present.length === 0) return { saved: false, size: 0 };
      await mkdir(dir, { recursive: true });
      const nonce = randomBytes(8).toString("hex");
      const archive = `${keyHash(key)}-${nonce}.tar.gz`;
      const tmpArchive = join(dir, `.tmp-${nonce}.tar.gz`);
      const tmpIndex = join(dir, `.tmp-${nonce}.json`);
      try {
        const tar = await import("tar"); // loaded when a cache is used: most runs never need it
        await tar.c({ gzip: true, file: tmpArchive, cwd: root, portable: true, follow: false }, present);
        const { size } = await stat(tmpArchive);
        if (size > maxEntryBytes) return { saved: false, size };
        await rename(tmpArchive, join(dir, archive));
        const now = clock.now();
        const entry: CacheEntry = { key, created: now, size, lastUsed: now, archive, protected: isProtected };
        await writeFile(tmpIndex, JSON.stringify(entry));
        if (overwrite) {
          const previous = await readEntry(indexPath(key));
          await rename(tmpIndex, indexPath(key));
          if (previous && previous.archive !== archive) await rm(join(dir, previous.archive), { force: true });
          return { saved: true, size };
        }
        try {
          await link(tmpIndex, indexPath(key));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
          await rm(join(dir, archive), { force: true });
          return { saved: false, size: (await readEntry(indexPath(key)))?.size ?? 0 };
        }
        return { saved: true, size };
      } finally {
        await rm(tmpArchive, { force: true });
        await rm(tmpIndex, { force: true });
      }
    },
  };
}

function keyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The given paths that exist, after checking each is relative and stays inside the workspace. */
async function existingPaths(root: string, paths: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const p of paths) {
    const rel = p
      .replace(/\\/g, "/")
      .replace(/^(\.\/)+/, "")
      .replace(/\/+$/, "");
    if (rel === "" || isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.split("/").includes("..")) {
      throw new ValidationError(`cache path '${p}' must be relative and stay inside the workspace`);
    }
    if ((await lstat(join(root, rel)).catch(() => undefined)) === undefined) continue;
    if (!inside(root, await realpath(join(root, rel)).catch(() => root))) {
      throw new ValidationError(`cache path '${p}' leads outside the workspace`);
    }
    present.push(rel);
  }
  return present;
}

/** Error codes meaning the archive itself is unusable (truncated, corrupt, deleted). */
const BROKEN_ARCHIVE = new Set([
  "ENOENT",
  "TAR_BAD_ARCHIVE",
  "TAR_ABORT",
  "TAR_ENTRY_INVALID",
  "Z_DATA_ERROR",
  "Z_BUF_ERROR",
]);

/** Extracts an archive into the (real) workspace root, refusing links whose target would leave it. */
async function extractInto(file: string, root: string): Promise<void> {
  const tar = await import("tar");
  await tar.x({
    file,
    cwd: root,
    strict: true,
    filter: (path, entry) => {
      const target = resolve(root, path);
      if (!inside(root, target)) return false;
      if (!("type" in entry) || (entry.type !== "SymbolicLink" && entry.type !== "Link")) return true;
      const linkpath = entry.linkpath ?? "";
      const base = entry.type === "Link" ? root : dirname(target);
      return !isAbsolute(linkpath) && inside(root, resolve(base, linkpath));
    },
  });
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}
