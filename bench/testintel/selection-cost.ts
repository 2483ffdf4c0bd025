/**
 * Cost of change-based selection on a synthetic project: 5,000 test files over 2,000 source
 * files (each test imports 3 sources, each source 2 others: chains of shared modules), one commit
 * changing 3 sources. Times `select` (git diff, file listing, import graph, decisions) beside a
 * baseline in the same run: the same `git diff` and file listing alone, the floor of any
 * change-based selection. The stored map's size: 5,000 test files × the files each
 * exercises (its static closure) recorded into a fresh SQLite store, measured as the database
 * file's growth.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createStore, migrateToLatest, openDatabase } from "../../src/store/index.js";
import { git } from "../../src/runner/index.js";
import { ChangeTestSelector, listRepoFiles } from "../../src/testintel/index.js";

/** What the cost measurement found. */
export interface SelectionCost {
  tests: number;
  sources: number;
  selectMs: number;
  /** Baseline: `git diff` and `git ls-files` alone, the floor of any selection. */
  gitFloorMs: number;
  selected: number;
  mapBytes: number;
  mapDepsPerTest: number;
}

const ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"];
const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", [...ID, ...args], { cwd, encoding: "utf8" }).trim();

/** Builds the synthetic project, times the selection (median of `repeats`) and measures the map. */
export async function measureSelectionCost(tests = 5000, sources = 2000, repeats = 3): Promise<SelectionCost> {
  const repo = mkdtempSync(join(tmpdir(), "pitcrew-select-cost-"));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < sources; i++) {
    const deps = i < 20 ? [] : [rand(i), rand(i)];
    write(
      `src/m${i}.ts`,
      `${deps.map((d) => `import { f${d} } from "./m${d}.js";`).join("\n")}\nexport const f${i} = () => ${i};\n`,
    );
  }
  const testFiles: string[] = [];
  for (let t = 0; t < tests; t++) {
    const file = `test/t${t}.test.ts`;
    testFiles.push(file);
    const deps = [rand(sources), rand(sources), rand(sources)];
    write(
      file,
      `${deps.map((d) => `import { f${d} } from "../src/m${d}.js";`).join("\n")}\nimport { test } from "vitest";\ntest("t", () => {});\n`,
    );
  }
  gitIn(repo, "init", "--quiet", "--initial-branch=main");
  gitIn(repo, "add", "-A");
  gitIn(repo, "commit", "--quiet", "-m", "synthetic");
  const base = gitIn(repo, "rev-parse", "HEAD");
  for (const i of [sources - 1, sources - 2, Math.floor(sources / 2)])
    write(`src/m${i}.ts`, `export const f${i} = () => -${i};\n`);
  gitIn(repo, "commit", "--quiet", "-am", "change");
  const head = gitIn(repo, "rev-parse", "HEAD");
  const selector = new ChangeTestSelector();
  const request = { project: "synthetic", repoDir: repo, commit: head, baseCommit: base, testFiles };
  const median = async (f: () => Promise<number>) => {
    const samples: number[] = [];
    let n = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      n = await f();
      samples.push(performance.now() - t0);
    }
    return { ms: samples.sort((a, b) => a - b)[Math.floor(repeats / 2)]!, n };
  };
  // the floor any selection pays: the diff and the file listing, through the same git runner
  const floor = await median(async () => {
    await git(["diff", "--name-status", "--no-renames", "-z", base, head, "--"], { cwd: repo });
    return (await listRepoFiles(repo)).length;
  });
  const sel = await median(async () => (await selector.select({ ...request, mode: "select" })).run.length);
  const map = await measureMap(repo, testFiles);
  rmSync(repo, { recursive: true, force: true });
  return { tests, sources, selectMs: sel.ms, gitFloorMs: floor.ms, selected: sel.n, ...map };
}

/** Records each test file's static closure as its map in a fresh SQLite store; the database file's growth. */
async function measureMap(repo: string, testFiles: string[]): Promise<{ mapBytes: number; mapDepsPerTest: number }> {
  const { buildImportGraph } = await import("../../src/testintel/deps/import-graph.js");
  const files = new Set(await listRepoFiles(repo));
  const graph = await buildImportGraph(repo, files, testFiles);
  const closure = (t: string) => {
    const seen = new Set<string>();
    const stack = [...(graph.imports.get(t) ?? [])];
    while (stack.length) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.imports.get(f) ?? []));
    }
    return [...seen];
  };
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-select-map-"));
  const path = join(dir, "store.db");
  const database = await openDatabase(path);
  await migrateToLatest(database.db);
  const store = createStore(database, systemClock, createSecretBox(randomBytes(32)));
  const project = await store.projects.create({ name: "synthetic", repoUrl: repo });
  database.sqlite?.pragma("wal_checkpoint(TRUNCATE)");
  const before = statSync(path).size;
  const tests = new Map(testFiles.map((t) => [t, closure(t)]));
  await store.testDeps.record(project.id, "a".repeat(40), "v8", tests, Date.now());
  database.sqlite?.pragma("wal_checkpoint(TRUNCATE)");
  const after = statSync(path).size;
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  const deps = [...tests.values()].reduce((n, d) => n + d.length, 0);
  return { mapBytes: after - before, mapDepsPerTest: deps / testFiles.length };
}
