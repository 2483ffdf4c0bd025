import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { join } from "node:path";
import { jsImportSpecifiers } from "./js-imports.js";
import { pyImports } from "./py-imports.js";
import { readBounded } from "./read-bounded.js";
import { conftestsOf, resolvePyImport, resolveJsSpecifier } from "./resolve-module.js";

/** Bounds of one import-graph scan. */
export interface ImportGraphLimits {
  /** Most files scanned (test files included). */
  maxFiles: number;
  /** A file larger than this is a dependency but its own imports are not read. */
  maxFileBytes: number;
  /** Total bytes read; past it, files are kept as nodes without their imports. */
  maxTotalBytes: number;
  /** Longest import chain followed from a test file. */
  maxDepth: number;
}

/** Defaults: enough for a 20,000-file repository, bounded in memory and time. */
export const DEFAULT_GRAPH_LIMITS: ImportGraphLimits = {
  maxFiles: 50_000,
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxDepth: 64,
};

/** The static imports between repository files reachable from a set of test files. */
export interface ImportGraph {
  /** Direct dependencies of each scanned file (repository-relative, `/`-separated). */
  imports: Map<string, string[]>;
  /** Files whose imports were not read because a limit was reached (their dependents are not fully known). */
  unscanned: Set<string>;
}

/** Files read between two turns of the event loop while scanning. */
const READ_CONCURRENCY = 64;
const JS_FILE = /\.(?:[cm]?[jt]sx?)$/;
const PY_FILE = /\.py$/;

/** Whether the import graph can read a file's imports (JavaScript/TypeScript or Python). */
export function isScannable(file: string): boolean {
  return JS_FILE.test(file) || PY_FILE.test(file);
}

/**
 * Reads the static imports of `testFiles` and of everything they reach, transitively, among
 * `files` (every file of the checkout at `repoDir`). Only relative JS/TS specifiers and Python
 * modules inside the repository become edges; a Python test also depends on its `conftest.py`
 * files. Breadth-first, so the limits cut the far ends of the graph first.
 */
export async function buildImportGraph(
  repoDir: string,
  files: ReadonlySet<string>,
  testFiles: readonly string[],
  limits: ImportGraphLimits = DEFAULT_GRAPH_LIMITS,
): Promise<ImportGraph> {
  const imports = new Map<string, string[]>();
  const unscanned = new Set<string>();
  const pyRoots = [".", "src"].filter((r) => r === "." || [...files].some((f) => f.startsWith(`${r}/`)));
  let bytes = 0;
  let frontier = testFiles.filter((f) => files.has(f) && isScannable(f));
  for (let depth = 0; frontier.length > 0 && depth <= limits.maxDepth; depth++) {
    const next: string[] = [];
    const batch: string[] = [];
    for (const file of new Set(frontier)) {
      if (imports.has(file) || unscanned.has(file)) continue;
      if (imports.size + batch.length >= limits.maxFiles) unscanned.add(file);
      else batch.push(file);
    }
    // a level in batches: each batch read synchronously, the event loop served between batches
    for (let i = 0; i < batch.length; i += READ_CONCURRENCY) {
      const slice = batch.slice(i, i + READ_CONCURRENCY);
      if (i > 0) await yieldToEventLoop();
      const texts = slice.map((f) => readBounded(join(repoDir, f), limits.maxFileBytes));
      slice.forEach((file, k) => {
        const text = texts[k];
        if (text === undefined || bytes >= limits.maxTotalBytes) {
          unscanned.add(file);
          return;
        }
        bytes += text.length;
        const deps = directImports(file, text, files, pyRoots);
        imports.set(file, deps);
        for (const d of deps) if (isScannable(d) && !imports.has(d)) next.push(d);
      });
    }
    frontier = next;
  }
  for (const f of frontier) if (!imports.has(f)) unscanned.add(f);
  return { imports, unscanned };
}

function directImports(file: string, text: string, files: ReadonlySet<string>, pyRoots: string[]): string[] {
  const out = new Set<string>();
  if (PY_FILE.test(file)) {
    for (const imp of pyImports(text)) for (const f of resolvePyImport(file, imp, files, pyRoots)) out.add(f);
    for (const c of conftestsOf(file, files)) out.add(c);
  } else {
    for (const spec of jsImportSpecifiers(text)) {
      const f = resolveJsSpecifier(file, spec, files);
      if (f !== undefined) out.add(f);
    }
  }
  out.delete(file);
  return [...out];
}

/**
 * For each file reachable backwards from `changed`, the nearest changed file and the chain of
 * imports leading to it (the file itself first, the changed file last): who is affected by a
 * change, and why.
 */
export function dependentsOf(graph: ImportGraph, changed: Iterable<string>): Map<string, string[]> {
  const importers = new Map<string, string[]>();
  for (const [file, deps] of graph.imports) {
    for (const d of deps) {
      const list = importers.get(d);
      if (list) list.push(file);
      else importers.set(d, [file]);
    }
  }
  const chain = new Map<string, string[]>();
  let frontier: string[] = [];
  for (const c of changed) {
    if (!chain.has(c)) {
      chain.set(c, [c]);
      frontier.push(c);
    }
  }
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const file of frontier) {
      for (const imp of importers.get(file) ?? []) {
        if (chain.has(imp)) continue;
        chain.set(imp, [imp, ...chain.get(file)!]);
        next.push(imp);
      }
    }
    frontier = next;
  }
  return chain;
}
