import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDialects } from "../../../test/support/databases.js";
import { commitFiles, createRepo, gitIn } from "../../../test/support/git-repo.js";
import { storeRunOutcomes } from "../../../test/support/test-history.js";
import { systemClock } from "../../common/clock.js";
import { createSecretBox } from "../../common/secret-box.js";
import { createStore, type Store } from "../../store/index.js";
import { DependencyRecorder } from "../deps/dependency-recorder.js";
import type { SelectionRequest, TestSelection } from "../selection.js";
import { ChangeTestSelector } from "./change-selector.js";

const TESTS = ["test/loader.test.mjs", "test/other.test.mjs", "test/util.test.mjs"];

/** A small ESM project whose tests run under node:test: one static chain, one dynamic import, one runtime data file. */
function project(): string {
  return createRepo({
    "package.json": '{"name":"demo","type":"module","private":true}\n',
    "README.md": "# demo\n",
    "src/math.mjs": "export const add = (a, b) => a + b;\n",
    "src/util.mjs": 'import { add } from "./math.mjs";\nexport const double = (x) => add(x, x);\n',
    "src/plugin.mjs": "export const hook = () => 'hooked';\n",
    "src/other.mjs": "export const other = () => 42;\n",
    "src/shared.json": '{"answer": 42}\n',
    "test/util.test.mjs":
      'import { test } from "node:test";\nimport assert from "node:assert";\nimport { double } from "../src/util.mjs";\ntest("double", () => assert.equal(double(2), 4));\n',
    "test/loader.test.mjs":
      'import { test } from "node:test";\nimport assert from "node:assert";\n// the module name is computed: no import graph sees it\nconst name = ["plug", "in.mjs"].join("");\ntest("loads", async () => {\n  const m = await import(new URL(`../src/${name}`, import.meta.url));\n  assert.equal(m.hook(), "hooked");\n});\n',
    "test/other.test.mjs":
      'import { test } from "node:test";\nimport assert from "node:assert";\nimport { readFileSync } from "node:fs";\nimport { other } from "../src/other.mjs";\nconst data = ["sha", "red.json"].join("");\ntest("works", () => assert.equal(JSON.parse(readFileSync(new URL(`../src/${data}`, import.meta.url), "utf8")).answer, other()));\n',
  });
}

/** Runs the project's tests under node:test with V8 coverage on (one process per test file); returns the coverage directory. */
function runWithCoverage(repo: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-v8cov-"));
  execFileSync(process.execPath, ["--test", ...TESTS], {
    cwd: repo,
    env: { ...process.env, NODE_V8_COVERAGE: dir, NODE_OPTIONS: "" },
    stdio: "pipe",
  });
  return dir;
}

const request = (repo: string, commit: string, base: string | undefined, project = "demo"): SelectionRequest => ({
  project,
  repoDir: repo,
  commit,
  baseCommit: base,
  testFiles: [...TESTS, ...(gitIn(repo, "ls-files").includes("test/new.test.mjs") ? ["test/new.test.mjs"] : [])],
  mode: "select",
});

const decision = (s: TestSelection, file: string) => s.decisions.find((d) => d.file === file)!;

describe("change-based selection offline (import graph only)", () => {
  it("selects the tests that import a changed file transitively, new tests, and everything on a manifest change", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const selector = new ChangeTestSelector();
    const c1 = commitFiles(repo, { "src/math.mjs": "export const add = (a, b) => b + a;\n" }, "math");
    const s1 = await selector.select(request(repo, c1, c0));
    expect(s1.run).toEqual(["test/util.test.mjs"]);
    expect(decision(s1, "test/util.test.mjs")).toMatchObject({
      reason: "dependency-changed",
      detail: "imports src/math.mjs (changed) through src/util.mjs",
    });
    expect(decision(s1, "test/other.test.mjs")).toMatchObject({
      selected: false,
      reason: "unaffected",
      outsideChange: "none of its 1 known direct or recorded dependencies changed (import graph)",
    });
    expect(decision(s1, "test/util.test.mjs").outsideChange).toBeUndefined();
    expect(s1.fullRunReason).toBeUndefined();
    const prioritized = await selector.select({ ...request(repo, c1, c0), mode: "prioritize" });
    expect(prioritized.run[0]).toBe("test/util.test.mjs");
    expect(prioritized.run).toHaveLength(3);

    const c2 = commitFiles(repo, { "README.md": "# demo, documented\n" }, "docs");
    const s2 = await selector.select(request(repo, c2, c1));
    expect(s2.run).toEqual([]);
    // a change of documentation only, or none (a nightly run at the last green commit), breaks no
    // test: a failure then is no sign of flakiness, so no file is outside the change
    expect(decision(s2, "test/other.test.mjs")).toMatchObject({ selected: false, reason: "unaffected" });
    expect(s2.decisions.filter((d) => d.outsideChange !== undefined)).toEqual([]);
    const same = await selector.select({ ...request(repo, c2, c2), mode: "prioritize" });
    expect(same.run).toHaveLength(3);
    expect(same.decisions.filter((d) => d.outsideChange !== undefined)).toEqual([]);

    const c3 = commitFiles(
      repo,
      { "test/new.test.mjs": 'import { test } from "node:test";\ntest("new", () => {});\n' },
      "a new test",
    );
    const s3 = await selector.select(request(repo, c3, c2));
    expect(s3.run).toEqual(["test/new.test.mjs"]);
    expect(decision(s3, "test/new.test.mjs").reason).toBe("new-test");

    // a sub-project's lock file concerns the tests under it only
    const c3b = commitFiles(repo, { "website/yarn.lock": "# lock\n" }, "website deps");
    const s3b = await selector.select(request(repo, c3b, c3));
    expect(s3b.run).toEqual([]);
    expect(s3b.fullRunReason).toBeUndefined();
    const c3c = commitFiles(repo, { "test/tsconfig.json": "{}\n" }, "test config");
    const s3c = await selector.select(request(repo, c3c, c3b));
    expect(s3c.run).toHaveLength(4);
    expect(decision(s3c, "test/util.test.mjs")).toMatchObject({
      reason: "config-changed",
      detail:
        "test/tsconfig.json changed (manifest, lock file or build/test configuration): every test under test/ runs",
    });

    const pins = commitFiles(repo, { "requirements/tests.txt": "pytest==8.0\n" }, "pins");
    expect((await selector.select(request(repo, pins, c3c))).fullRunReason).toMatch(/requirements\/tests\.txt changed/);

    const c4 = commitFiles(repo, { "package.json": '{"name":"demo","type":"module","version":"1.0.0"}\n' }, "bump");
    const s4 = await selector.select(request(repo, c4, c3c));
    expect(s4.fullRunReason).toMatch(/package\.json changed/);
    expect(s4.run).toHaveLength(4);
    expect(s4.decisions.every((d) => d.selected && d.reason === "full-run")).toBe(true);
    // a full run's change may reach any test: no failure is outside it
    expect(s4.decisions.filter((d) => d.outsideChange !== undefined)).toEqual([]);

    // each selection reads the checkout, which is at the commit selected for
    const s5 = await selector.select(request(repo, c4, undefined));
    expect(s5.fullRunReason).toMatch(/no base commit/);
  });

  it("refuses test paths that leave the repository", async () => {
    const repo = project();
    const head = gitIn(repo, "rev-parse", "HEAD");
    await expect(
      new ChangeTestSelector().select({ ...request(repo, head, head), testFiles: ["../etc/passwd"] }),
    ).rejects.toThrow(/not a normalised path inside the repository/);
    await expect(new ChangeTestSelector().select({ ...request(repo, head, "--output=/tmp/x") })).rejects.toThrow(
      /may not start with/,
    );
  });
});

describe.each(await testDialects())("change-based selection with recorded coverage and history on %s", (_n, make) => {
  let tdb: TestDatabase | undefined;
  let repo: string;
  let c0: string;
  let coverage: string;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  beforeAll(() => {
    repo = project();
    c0 = gitIn(repo, "rev-parse", "HEAD");
    coverage = runWithCoverage(repo);
  });

  async function store(): Promise<Store> {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    await s.projects.create({ name: "demo", repoUrl: repo });
    return s;
  }

  it("records per-test-file dependencies from node:test V8 coverage and selects a dynamically loaded change", async () => {
    const s = await store();
    expect(readdirSync(coverage).length).toBeGreaterThanOrEqual(3);
    const recorded = await new DependencyRecorder(s, systemClock).recordV8Coverage({
      project: "demo",
      commit: c0,
      repoDir: repo,
      coverageDir: coverage,
    });
    expect(recorded.testFiles).toBe(3);
    const map = new Map((await s.testDeps.latest(1)).map((d) => [d.testFile, d.files]));
    expect(map.get("test/loader.test.mjs")).toEqual(["src/plugin.mjs"]);
    expect(map.get("test/util.test.mjs")).toEqual(["src/math.mjs", "src/util.mjs"]);
    expect(map.get("test/other.test.mjs")).toEqual(["src/other.mjs"]);

    const c1 = commitFiles(repo, { "src/plugin.mjs": "export const hook = () => 'hooked' + '';\n" }, "plugin");
    // without coverage nothing reaches the dynamically loaded file: every test runs
    const offline = await new ChangeTestSelector().select(request(repo, c1, c0));
    expect(offline.fullRunReason).toMatch(/^src\/plugin\.mjs changed and no import, recorded coverage or test text/);
    expect(offline.run).toHaveLength(3);
    const stored = await new ChangeTestSelector(s).select(request(repo, c1, c0));
    expect(stored.run).toEqual(["test/loader.test.mjs"]);
    expect(decision(stored, "test/loader.test.mjs").detail).toBe(
      `exercised src/plugin.mjs (changed) in the coverage recorded at ${c0.slice(0, 10)}, 1 commit before`,
    );
    gitIn(repo, "reset", "--quiet", "--hard", c0);
  });

  it("selects tests with stale or missing coverage, recent failures and historical co-failures", async () => {
    const s = await store();
    // a map recorded at a commit this repository does not have: stale
    await s.testDeps.record(1, "f".repeat(40), "v8", new Map([["test/util.test.mjs", ["src/util.mjs"]]]), 1);
    // the loader test names the data file nothing imports: without that, its change would run everything
    const h1 = commitFiles(
      repo,
      {
        "src/shared.json": '{"answer": 41}\n',
        "test/loader.test.mjs": `// shared.json is not read here\n${readFileSync(join(repo, "test/loader.test.mjs"), "utf8")}`,
      },
      "h1",
    );
    await storeRunOutcomes(s, 1, h1, [{ "test/other.test.mjs.works": true, "test/util.test.mjs.double": false }]);
    const h2 = commitFiles(repo, { "src/shared.json": '{"answer": 42}\n' }, "h2");
    await storeRunOutcomes(s, 1, h2, [{ "test/other.test.mjs.works": true, "test/util.test.mjs.double": false }]);
    let last = h2;
    for (let i = 0; i < 3; i++) {
      last = commitFiles(repo, { "README.md": `# demo ${i}\n` }, `docs ${i}`);
      await storeRunOutcomes(s, 1, last, [{ "test/other.test.mjs.works": false, "test/util.test.mjs.double": false }]);
    }
    const head = commitFiles(repo, { "src/shared.json": '{"answer": 42 }\n' }, "data");
    const sel = await new ChangeTestSelector(s).select(request(repo, head, last));
    expect(decision(sel, "test/util.test.mjs")).toMatchObject({ selected: true, reason: "stale-dependencies" });
    // stale data gives no signal; a co-failure says the test breaks with this change's files: no signal either
    expect(decision(sel, "test/util.test.mjs").outsideChange).toBeUndefined();
    expect(decision(sel, "test/other.test.mjs").outsideChange).toBeUndefined();
    expect(decision(sel, "test/loader.test.mjs").outsideChange).toBeUndefined();
    expect(decision(sel, "test/other.test.mjs")).toMatchObject({ selected: true, reason: "co-failure" });
    expect(decision(sel, "test/other.test.mjs").detail).toMatch(
      /failed with changes to src\/shared\.json before \(p = 0\.70/,
    );
    expect(decision(sel, "test/loader.test.mjs")).toMatchObject({ selected: true, reason: "mentions-changed-file" });
    expect(sel.fullRunReason).toBeUndefined();

    // a failure in the latest runs selects the test whatever changed
    await storeRunOutcomes(s, 1, head, [{ "test/loader.test.mjs.loads": true }]);
    const next = commitFiles(repo, { "README.md": "# demo again\n" }, "docs again");
    const after = await new ChangeTestSelector(s).select(request(repo, next, head));
    expect(decision(after, "test/loader.test.mjs")).toMatchObject({ selected: true, reason: "failed-recently" });
    expect(decision(after, "test/loader.test.mjs").outsideChange).toBeUndefined();
    expect(after.run[0]).toBe("test/loader.test.mjs");
    // nor does a change of code outside its dependencies excuse a test that is failing already
    const code = commitFiles(repo, { "src/math.mjs": "export const add = (a, b) => a + b + 0;\n" }, "math");
    const later = await new ChangeTestSelector(s).select(request(repo, code, next));
    expect(later.fullRunReason).toBeUndefined();
    expect(decision(later, "test/loader.test.mjs")).toMatchObject({ selected: true, reason: "failed-recently" });
    expect(decision(later, "test/loader.test.mjs").outsideChange).toBeUndefined();
    gitIn(repo, "reset", "--quiet", "--hard", c0);
  });
});
