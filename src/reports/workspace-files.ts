import type { Dirent } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import picomatch from "picomatch";
import { ValidationError } from "../common/errors.js";

/** A regular file inside the workspace that a pattern matched. */
export interface WorkspaceFile {
  /** Workspace-relative path with `/` separators (the path matched, even through a symlink). */
  path: string;
  /** Real absolute path of the file's content, guaranteed inside the workspace. */
  absPath: string;
  size: number;
}

/** A match that was left out, and why (e.g. a symlink leading out of the workspace). */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** Result of {@link matchWorkspaceFiles}. */
export interface WorkspaceMatch {
  /** Matched files, sorted by path, each listed once. */
  files: WorkspaceFile[];
  skipped: SkippedFile[];
  /** Positive patterns that matched nothing (not even a skipped entry). */
  unmatched: string[];
}

/**
 * Throws a ValidationError unless `pattern` is a workspace-relative glob: not empty, not absolute,
 * no `..` segment (also inside braces, `{..,a}`), no NUL byte. A leading `!` (exclusion) is allowed.
 */
export function assertSafePattern(pattern: string): void {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  const problem =
    body.trim() === ""
      ? "is empty"
      : body.includes("\0")
        ? "contains a NUL byte"
        : /^([\\/]|[A-Za-z]:)/.test(body)
          ? "is absolute"
          : body.split(/[\\/{},]/).includes("..")
            ? "contains a '..' segment"
            : undefined;
  if (problem) throw new ValidationError(`pattern '${pattern}' ${problem}; patterns must stay inside the workspace`);
}

/**
 * Finds the regular files inside `workspace` matched by globs (`!` excludes). Symlinked
 * directories are not descended into; a matched symlink is kept only when its target is a
 * regular file inside the workspace, otherwise it is reported in `skipped`. A literal pattern
 * naming a directory matches everything below it.
 */
export async function matchWorkspaceFiles(
  workspace: string,
  patterns: readonly string[],
  opts: { dot?: boolean } = {},
): Promise<WorkspaceMatch> {
  for (const p of patterns) assertSafePattern(p);
  const root = await realpath(workspace);
  const clean = patterns.map((p) => p.replace(/^(!?)(\.\/)+/, "$1"));
  const positives: string[] = [];
  for (const p of clean.filter((x) => !x.startsWith("!"))) {
    const literal = !picomatch.scan(p).isGlob;
    const isDir = literal && (await lstat(join(root, p)).catch(() => undefined))?.isDirectory();
    positives.push(isDir ? `${p.replace(/\/+$/, "")}/**` : p);
  }
  const dot = opts.dot ?? false;
  const descendDot = dot || positives.some((p) => /(^|\/)\./.test(p));
  const matchers = positives.map((p) => picomatch(p, { dot }));
  const exclusions = clean.filter((x) => x.startsWith("!")).map((x) => x.slice(1));
  const excluded = exclusions.length > 0 ? picomatch(exclusions, { dot }) : () => false;
  const hits = new Set<number>();
  const found = new Map<string, WorkspaceFile>();
  const skipped = new Map<string, string>();

  const consider = async (rel: string) => {
    const which = matchers.flatMap((m, i) => (m(rel) ? [i] : []));
    if (which.length === 0 || excluded(rel) || found.has(rel) || skipped.has(rel)) return;
    for (const i of which) hits.add(i);
    const real = await realpath(join(root, rel)).catch(() => undefined);
    if (real === undefined) return void skipped.set(rel, "broken symlink");
    if (!inside(root, real)) return void skipped.set(rel, "symlink points outside the workspace");
    const st = await stat(real);
    if (!st.isFile()) return void skipped.set(rel, "symlink to a directory (not followed)");
    found.set(rel, { path: rel, absPath: real, size: st.size });
  };

  for (const base of walkBases(positives)) {
    const real = await realpath(join(root, base)).catch(() => undefined);
    if (real === undefined || !inside(root, real)) continue;
    const stack = [base];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      const entries: Dirent[] = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const rel = dir === "" ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) {
          if (descendDot || !e.name.startsWith(".")) stack.push(rel);
        } else if (e.isFile() || e.isSymbolicLink()) await consider(rel);
      }
    }
  }
  for (const p of positives.filter((x) => !picomatch.scan(x).isGlob)) await consider(p);
  return {
    files: [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    skipped: [...skipped].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    unmatched: patterns.filter((p) => !p.startsWith("!")).filter((_, i) => !hits.has(i)),
  };
}

/** Directories to walk: the static base of each glob, dropping those below another base. */
function walkBases(patterns: readonly string[]): string[] {
  const bases = [
    ...new Set(patterns.flatMap((p) => (picomatch.scan(p).isGlob ? [picomatch.scan(p).base.replace(/\/+$/, "")] : []))),
  ];
  return bases.filter((b) => !bases.some((o) => o !== b && (o === "" || b.startsWith(`${o}/`))));
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep);
}
