/**
 * Maps the files named by stack frames to repository-relative paths. Frames carry paths of the
 * machine that crashed (`/app/src/x.py`, `/home/runner/work/p/p/src/x.ts`, `C:\build\X.cs`), Go
 * module paths, or paths derived from Java/.NET class names (`org/acme/Foo.java`). The map
 * matches path suffixes against the files git tracks, so nothing outside the repository is read
 * and a frame that matches no tracked file stays unmapped.
 */
import { git } from "../../runner/index.js";

/** Normalises a frame path: `/` separators, no `file://`/`webpack://` scheme, no leading `./`. */
export function normalizeFramePath(file: string): string {
  return file
    .replace(/\\/g, "/")
    .replace(/^(?:file|webpack(?:-internal)?):\/\/\/?(?:\.\/)?/, "")
    .replace(/^\.\//, "")
    .replace(/\?.*$/, "");
}

/** The files of one repository, indexed for suffix lookups. */
export class RepoMap {
  readonly #files: Set<string>;
  readonly #byName = new Map<string, string[]>();

  constructor(files: readonly string[]) {
    this.#files = new Set(files);
    for (const f of files) {
      const name = f.slice(f.lastIndexOf("/") + 1);
      this.#byName.set(name, [...(this.#byName.get(name) ?? []), f]);
    }
  }

  /** Reads the tracked files of the repository at `repo`. */
  static async load(repo: string): Promise<RepoMap> {
    const out = await git(["ls-files", "-z", "--cached"], { cwd: repo, timeoutMs: 60_000 });
    return new RepoMap(out.split("\0").filter(Boolean));
  }

  /** True when `path` is a tracked file. */
  has(path: string): boolean {
    return this.#files.has(path);
  }

  /**
   * The tracked file a frame's path names, or undefined. A candidate must share at least two
   * trailing path segments with the frame (or be wholly a suffix of it); `byName` also accepts a
   * unique file-name match, for paths derived from class names whose folders may differ.
   */
  resolve(file: string, byName = false): string | undefined {
    const path = normalizeFramePath(file);
    if (this.#files.has(path)) return path;
    const segments = path.split("/").filter(Boolean);
    const candidates = this.#byName.get(segments.at(-1) ?? "") ?? [];
    let best: string[] = [];
    let bestLength = 0;
    for (const candidate of candidates) {
      const parts = candidate.split("/");
      let n = 0;
      while (
        n < parts.length &&
        n < segments.length &&
        parts[parts.length - 1 - n] === segments[segments.length - 1 - n]
      )
        n++;
      if (n < 2 && n < parts.length) continue;
      if (n > bestLength) [best, bestLength] = [[candidate], n];
      else if (n === bestLength) best.push(candidate);
    }
    if (best.length) return pickOne(best);
    return byName && candidates.length === 1 ? candidates[0] : undefined;
  }
}

/** Among equally good matches, the one outside test folders (or, failing that, the shortest). */
function pickOne(paths: string[]): string {
  const main = paths.filter((p) => !/(^|\/)(src\/test|tests?|__tests__)\//.test(p));
  return (main.length ? main : paths).sort((a, b) => a.length - b.length)[0]!;
}
