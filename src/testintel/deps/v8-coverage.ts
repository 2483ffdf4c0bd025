import { lstat, readdir } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "../../common/errors.js";
import { readBoundedAsync } from "./read-bounded.js";

/** Most coverage files read from one directory. */
export const MAX_COVERAGE_FILES = 20_000;
/** Largest single coverage file read, in bytes (a process that loaded a huge bundle). */
export const MAX_COVERAGE_FILE_BYTES = 256 * 1024 * 1024;

/** What one V8 coverage directory says: the repository files each test file's process executed. */
export interface CoverageDeps {
  /** Test file → repository files with at least one executed range (the test file itself excluded). */
  deps: Map<string, Set<string>>;
  /** Coverage files not used, with why (too big, not JSON, no test file among its scripts). */
  skipped: string[];
}

interface V8Range {
  count: number;
}
interface V8Script {
  url: string;
  functions?: { ranges?: V8Range[] }[];
}

/**
 * Reads a `NODE_V8_COVERAGE` directory (one `coverage-*.json` per process) and maps each process
 * to the test file(s) among its scripts (`isTestFile`), each with the repository files that had
 * an executed range (count > 0). Scripts under `node_modules`, outside `repoDir` or not files
 * (`node:` built-ins, eval) are ignored. A process running several test files gives each of them
 * all its files: coarser, never missing a dependency. The job wrote the directory: it is refused
 * when it is a symlink (to a directory elsewhere) or not a directory, and each file is read
 * without following a symlink, within {@link MAX_COVERAGE_FILE_BYTES}.
 */
export async function readV8Coverage(
  repoDir: string,
  coverageDir: string,
  isTestFile: (repoPath: string) => boolean,
): Promise<CoverageDeps> {
  let names: string[];
  try {
    const st = await lstat(coverageDir);
    if (st.isSymbolicLink() || !st.isDirectory())
      throw new ValidationError(`coverage directory '${coverageDir}' is a symlink or not a directory, not read`);
    names = (await readdir(coverageDir)).filter((n) => n.endsWith(".json")).sort();
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError(
      `coverage directory '${coverageDir}' cannot be read (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  if (names.length > MAX_COVERAGE_FILES) {
    throw new ValidationError(
      `coverage directory '${coverageDir}' holds ${names.length} files, over the limit of ${MAX_COVERAGE_FILES}`,
    );
  }
  const deps = new Map<string, Set<string>>();
  const skipped: string[] = [];
  for (const name of names) {
    const path = join(coverageDir, name);
    const scripts = await readScripts(path);
    if (typeof scripts === "string") {
      skipped.push(`${name}: ${scripts}`);
      continue;
    }
    const executed = new Set<string>();
    for (const s of scripts) {
      const file = repoFile(repoDir, s.url);
      if (file !== undefined && s.functions?.some((f) => f.ranges?.some((r) => r.count > 0))) executed.add(file);
    }
    const tests = [...executed].filter(isTestFile);
    if (tests.length === 0) {
      skipped.push(`${name}: no test file among its ${executed.size} repository files`);
      continue;
    }
    for (const t of tests) {
      const set = deps.get(t) ?? new Set<string>();
      for (const f of executed) if (f !== t) set.add(f);
      deps.set(t, set);
    }
  }
  return { deps, skipped };
}

async function readScripts(path: string): Promise<V8Script[] | string> {
  const read = await readBoundedAsync(path, MAX_COVERAGE_FILE_BYTES);
  if ("refused" in read) return read.refused;
  try {
    const parsed = JSON.parse(read.text) as { result?: unknown };
    if (!Array.isArray(parsed.result)) return "not a V8 coverage file (no result array)";
    return (parsed.result as V8Script[]).filter((s) => typeof s?.url === "string");
  } catch (err) {
    return `not valid JSON (${(err as Error).message.slice(0, 120)})`;
  }
}

/** The `/`-separated repository path of a script URL, or undefined when it is not a repository file. */
function repoFile(repoDir: string, url: string): string | undefined {
  let path: string;
  if (url.startsWith("file://")) {
    try {
      path = fileURLToPath(url);
    } catch {
      return undefined;
    }
  } else if (isAbsolute(url)) path = url;
  else return undefined;
  const rel = relative(repoDir, path);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  const parts = rel.split(sep);
  if (parts.includes("node_modules") || parts.includes(".git")) return undefined;
  return parts.join("/");
}
