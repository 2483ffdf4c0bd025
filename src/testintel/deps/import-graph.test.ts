import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo, gitIn } from "../../../test/support/git-repo.js";
import { listRepoFiles } from "../select/test-files.js";
import { buildImportGraph, dependentsOf } from "./import-graph.js";
import { jsImportSpecifiers } from "./js-imports.js";
import { pyImports } from "./py-imports.js";
import { readBounded, readBoundedAsync } from "./read-bounded.js";

describe("jsImportSpecifiers", () => {
  it("reads import, export-from, require and import() with literal specifiers, not commented ones", () => {
    const src = `
import a from "./a.js";
import type { T } from './types';
import {
  b,
  c,
} from "../lib/b";
export * from "./re-export";
export { d } from "./d.mjs";
import "./side-effect.css";
const e = require("./e.cjs");
const f = await import("./f");
// import g from "./commented";
/* const h = require("./block-commented"); */
const url = "http://example.com//not-a-comment";
const i = require(\`./template\`);
const j = require(\`./\${dynamic}\`);
`;
    expect(jsImportSpecifiers(src).sort()).toEqual(
      [
        "./a.js",
        "./types",
        "../lib/b",
        "./re-export",
        "./d.mjs",
        "./side-effect.css",
        "./e.cjs",
        "./f",
        "./template",
      ].sort(),
    );
  });
});

describe("pyImports", () => {
  it("reads absolute, relative and parenthesised imports", () => {
    const src =
      "import os, pkg.sub as s\nfrom . import helpers\nfrom ..core import (\n  a,\n  b as c,\n)\n  from pkg.mod import thing  # indented\n";
    expect(pyImports(src)).toEqual([
      { module: "", level: 1, names: ["helpers"] },
      { module: "core", level: 2, names: ["a", "b"] },
      { module: "pkg.mod", level: 0, names: ["thing"] },
      { module: "os", level: 0, names: [] },
      { module: "pkg.sub", level: 0, names: [] },
    ]);
  });
});

describe("buildImportGraph on a checkout", () => {
  it("resolves .js to .ts, index files, Python packages and conftest.py, and walks dependents back to tests", async () => {
    const repo = createRepo({
      "src/index.ts": 'export * from "./core/index.js";\n',
      "src/core/index.ts": 'export { sum } from "./sum.js";\n',
      "src/core/sum.ts": "export const sum = (a: number, b: number) => a + b;\n",
      "test/sum.test.ts": 'import { sum } from "../src";\nimport pkg from "left-pad";\n',
      "src/pkg/__init__.py": "",
      "src/pkg/mod.py": "from .util import helper\n",
      "src/pkg/util.py": "def helper(): pass\n",
      "tests/conftest.py": "import pytest\n",
      "tests/test_mod.py": "from pkg import mod\n",
    });
    const files = new Set(await listRepoFiles(repo));
    const graph = await buildImportGraph(repo, files, ["test/sum.test.ts", "tests/test_mod.py"]);
    expect(graph.imports.get("test/sum.test.ts")).toEqual(["src/index.ts"]);
    expect(graph.imports.get("src/index.ts")).toEqual(["src/core/index.ts"]);
    expect(graph.imports.get("tests/test_mod.py")?.sort()).toEqual(
      ["src/pkg/__init__.py", "src/pkg/mod.py", "tests/conftest.py"].sort(),
    );
    const chains = dependentsOf(graph, ["src/core/sum.ts", "src/pkg/util.py"]);
    expect(chains.get("test/sum.test.ts")).toEqual([
      "test/sum.test.ts",
      "src/index.ts",
      "src/core/index.ts",
      "src/core/sum.ts",
    ]);
    expect(chains.get("tests/test_mod.py")).toEqual(["tests/test_mod.py", "src/pkg/mod.py", "src/pkg/util.py"]);
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
  });

  it("keeps a file over the size limit as a node without reading its imports", async () => {
    const repo = createRepo({
      "a.test.js": 'require("./big.js");\n',
      "big.js": `require("./far.js");\n${"x".repeat(4096)}`,
      "far.js": "",
    });
    const files = new Set(await listRepoFiles(repo));
    const graph = await buildImportGraph(repo, files, ["a.test.js"], {
      maxFiles: 100,
      maxFileBytes: 1024,
      maxTotalBytes: 1 << 20,
      maxDepth: 10,
    });
    expect(graph.imports.get("a.test.js")).toEqual(["big.js"]);
    expect(graph.unscanned.has("big.js")).toBe(true);
  });
});

describe("a hostile checkout", () => {
  it("does not follow a symlink to a device or a server file, and a FIFO does not block", async () => {
    const repo = createRepo({
      "a.test.js": 'import "./zero.js";\nimport "./secret.js";\nimport "./pipe.js";\n',
    });
    symlinkSync("/dev/zero", join(repo, "zero.js"));
    symlinkSync("/etc/hostname", join(repo, "secret.js"));
    execFileSync("mkfifo", [join(repo, "pipe.js")]);
    gitIn(repo, "add", "-A");
    gitIn(repo, "commit", "--quiet", "-m", "links");
    const files = new Set(await listRepoFiles(repo));
    const graph = await buildImportGraph(repo, files, ["a.test.js"]);
    // git does not track the FIFO; the links are dependencies whose targets are never read
    expect(graph.imports.get("a.test.js")?.sort()).toEqual(["secret.js", "zero.js"]);
    for (const f of ["zero.js", "secret.js"]) expect(graph.imports.get(f) ?? []).toEqual([]);
    expect(readBounded(join(repo, "pipe.js"), 1024)).toBeUndefined();
    expect(readBounded(join(repo, "zero.js"), 1024)).toBeUndefined();
    expect(await readBoundedAsync(join(repo, "pipe.js"), 1024)).toEqual({ refused: "not a regular file" });
    expect(await readBoundedAsync(join(repo, "secret.js"), 1024)).toEqual({ refused: "a symlink" });
  }, 20_000);
});
