import { posix } from "node:path";

/**
 * Maps a stored test id (`classname.name`) or a JUnit `file` attribute to one of a request's
 * test files: the path itself (also as a suffix of an absolute path), a classname that is a
 * path (vitest, jest-junit with file classnames), or a dotted Python module
 * (`tests.test_x.TestY.test_z` → `tests/test_x.py`).
 */
export class TestFileIndex {
  readonly #files: ReadonlySet<string>;
  readonly #byBase = new Map<string, string[]>();

  constructor(testFiles: readonly string[]) {
    this.#files = new Set(testFiles);
    for (const f of testFiles) {
      const base = posix.basename(f);
      const list = this.#byBase.get(base);
      if (list) list.push(f);
      else this.#byBase.set(base, [f]);
    }
  }

  /** The test file of a test, from its JUnit `file` attribute when known, else from its id. */
  fileOf(testId: string, reportedFile?: string): string | undefined {
    if (reportedFile !== undefined) {
      const f = this.#asPath(reportedFile);
      if (f !== undefined) return f;
    }
    const asPath = this.#asPath(testId.split(/\s+[>›]\s+|\s+/)[0]!);
    if (asPath !== undefined) return asPath;
    for (let i = 0; i < testId.length; i++) {
      if (testId[i] !== "." || !this.#files.size) continue;
      const candidate = this.#asPath(testId.slice(0, i));
      if (candidate !== undefined) return candidate;
      const py = `${testId.slice(0, i).split(".").join("/")}.py`;
      if (this.#files.has(py)) return py;
    }
    return undefined;
  }

  #asPath(text: string): string | undefined {
    const p = text.replace(/\\/g, "/").replace(/^\.\//, "");
    if (this.#files.has(p)) return p;
    for (const f of this.#byBase.get(posix.basename(p)) ?? []) if (p.endsWith(`/${f}`)) return f;
    return undefined;
  }
}
