import { posix } from "node:path";
import type { PyImport } from "./py-imports.js";

const JS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];
/** What a compiled extension in a specifier maps back to in TypeScript sources (`./a.js` → `./a.ts`). */
const SOURCE_OF: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/**
 * The repository file a relative JS/TS specifier names from `fromFile` (both `/`-separated,
 * relative to the root), resolved without a tsconfig: the exact file, a `.js`-style extension
 * mapped to its TypeScript source, an added extension, or the directory's `index.*`. Bare
 * specifiers (packages) and paths leaving the repository resolve to nothing.
 */
export function resolveJsSpecifier(fromFile: string, spec: string, files: ReadonlySet<string>): string | undefined {
  if (!spec.startsWith(".") && !spec.startsWith("/")) return undefined;
  const clean = spec.split(/[?#]/)[0]!;
  const base = posix.normalize(spec.startsWith("/") ? clean.slice(1) : posix.join(posix.dirname(fromFile), clean));
  if (base.startsWith("..") || base === ".") return undefined;
  const ext = posix.extname(base);
  const candidates: string[] = [];
  for (const alt of SOURCE_OF[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
  candidates.push(base);
  for (const e of JS_EXTENSIONS) candidates.push(base + e);
  for (const e of JS_EXTENSIONS) candidates.push(`${base}/index${e}`);
  return candidates.find((c) => files.has(c));
}

/**
 * The repository files a Python import loads from `fromFile`: the module's `.py` file or its
 * package `__init__.py`, every parent package's `__init__.py`, and for `from m import n` the
 * submodule `m/n.py` when `n` is one. Absolute imports are looked up under each of `roots`
 * (the repository root, `src/`, the importing file's directory: pytest's rootdir insertion).
 */
export function resolvePyImport(
  fromFile: string,
  imp: PyImport,
  files: ReadonlySet<string>,
  roots: readonly string[],
): string[] {
  const bases: string[] = [];
  if (imp.level > 0) {
    let dir = posix.dirname(fromFile);
    for (let i = 1; i < imp.level; i++) dir = posix.dirname(dir);
    bases.push(dir);
  } else {
    bases.push(...roots, posix.dirname(fromFile));
  }
  const found = new Set<string>();
  const parts = imp.module === "" ? [] : imp.module.split(".");
  for (const base of new Set(bases)) {
    const prefix = base === "." || base === "" ? "" : `${base}/`;
    const hits: string[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const path = prefix + parts.slice(0, i).join("/");
      const init = `${path}/__init__.py`;
      if (files.has(init)) hits.push(init);
      else if (i === parts.length && files.has(`${path}.py`)) hits.push(`${path}.py`);
    }
    const modDir = prefix + parts.join("/");
    for (const name of imp.names) {
      const sub = `${modDir ? `${modDir.replace(/\/$/, "")}/` : ""}${name}`;
      if (files.has(`${sub}.py`)) hits.push(`${sub}.py`);
      else if (files.has(`${sub}/__init__.py`)) hits.push(`${sub}/__init__.py`);
    }
    for (const h of hits) found.add(h);
  }
  return [...found];
}

/** The `conftest.py` files pytest loads for a test file: in its directory and every ancestor up to the root. */
export function conftestsOf(testFile: string, files: ReadonlySet<string>): string[] {
  const found: string[] = [];
  let dir = posix.dirname(testFile);
  for (;;) {
    const c = dir === "." ? "conftest.py" : `${dir}/conftest.py`;
    if (files.has(c) && c !== testFile) found.push(c);
    if (dir === "." || dir === "/") return found;
    dir = posix.dirname(dir);
  }
}
