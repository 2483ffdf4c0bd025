/**
 * Python per-test dependencies from coverage.py through the CI engine, on a real pytest project
 * (Debian's python3-pytest, python3-coverage and python3-pytest-cov). A test file's map holds
 * every repository file its pytest process ran, import time included, as a V8 map does: a module
 * a test only imported (a constant it asserts) selects it when it changes, even where another test
 * runs code of that module. What the maps add to the static import graph is the files reached
 * dynamically (an `importlib` load by name); a package whose `__init__.py` imports every module
 * still ties every test to every module (per-file coverage cannot tell import-time-only use from
 * real use). The project's own coverage settings are not read. An untrusted run collects no
 * coverage. Without a usable coverage.py, or under the project's own pytest-cov (`--cov`), the
 * tests run as before, no map is recorded and a test file's old map is deleted.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { ChangeTestSelector } from "../../src/testintel/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `jobs:
  test:
    steps:
      - name: unit tests
        tests: { framework: pytest, select: select, coverage: true, files: "tests/test_*.py" }
`;
const testOf = (name: string) => `from pkg import ${name}\n\n\ndef test_${name}():\n    assert ${name}() == 1\n`;
const TEST_FILES = ["tests/test_alpha.py", "tests/test_beta.py"];
/** A package whose __init__ imports both modules; alpha() loads a plugin by name, beta() calls settings.g(). */
const PACKAGE = {
  "pkg/__init__.py": "from .alpha import alpha\nfrom .beta import beta\n",
  "pkg/alpha.py":
    'import importlib\n\n\ndef alpha():\n    return importlib.import_module("pkg.plugins." + "one").VALUE\n',
  "pkg/plugins/__init__.py": "",
  "pkg/plugins/one.py": "VALUE = 1\n",
  "pkg/beta.py": "from .settings import g\n\n\ndef beta():\n    return g()\n",
  "pkg/settings.py": "TIMEOUT = 5\n\n\ndef g():\n    return 1\n",
  // test_alpha only imports TIMEOUT; test_beta runs settings.g()
  "tests/test_alpha.py":
    "from pkg import alpha\nfrom pkg.settings import TIMEOUT\n\n\ndef test_alpha():\n    assert alpha() == 1\n    assert TIMEOUT == 5\n",
  "tests/test_beta.py": testOf("beta"),
};

describe("Python test dependencies from coverage.py", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 1 });
  });
  afterAll(async () => t?.dispose());

  const runOf = async (projectId: number, branch?: string) => {
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", triggeredBy: "test", branch });
    const status = await t.waitForRun(res.run!.id);
    const [job] = await t.app.store.jobs.listForRun(res.run!.id);
    const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line).join("\n");
    const files = [...new Set((await t.app.store.reports.tests(res.run!.id)).map((c) => c.file))].sort();
    return { status, log, files };
  };

  it("maps every file a test ran, import time included: a constant only imported selects its test", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      // the project's own coverage settings: read by pitcrew's run, they would leave the package out
      ".coveragerc": "[run]\nomit = pkg/*\ndata_file = project-coverage\n",
      "pyproject.toml": '[tool.coverage.run]\nomit = ["pkg/*"]\n',
      ...PACKAGE,
    });
    const project = await t.app.store.projects.create({ name: "pycov", repoUrl: resolve(repo), sandbox: false });

    const first = await runOf(project.id);
    expect(first.status).toBe("success");
    expect(first.files).toEqual(TEST_FILES);
    expect(first.log).toContain("tests: dependencies of 2 test file(s) recorded from coverage.py");
    const maps = new Map((await t.app.store.testDeps.latest(project.id)).map((m) => [m.testFile, m]));
    const all = ["pkg/__init__.py", "pkg/alpha.py", "pkg/beta.py", "pkg/settings.py"];
    expect(maps.get("tests/test_alpha.py")).toMatchObject({
      source: "coverage.py",
      files: [...all.slice(0, 3), "pkg/plugins/__init__.py", "pkg/plugins/one.py", "pkg/settings.py"],
    });
    expect(maps.get("tests/test_beta.py")?.files).toEqual(all);

    const selector = new ChangeTestSelector(t.app.store);
    const decisions = async (base: string) => {
      const commit = gitIn(repo, "rev-parse", "HEAD");
      const r = await selector.select({
        project: "pycov",
        repoDir: repo,
        commit,
        baseCommit: base,
        testFiles: TEST_FILES,
        mode: "select",
      });
      return { byFile: new Map(r.decisions.map((d) => [d.file, d])), fullRunReason: r.fullRunReason };
    };

    // the reviewer's case: TIMEOUT changes; test_alpha only imported it, test_beta runs g() of the same module
    const before = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(repo, { "pkg/settings.py": "TIMEOUT = 6\n\n\ndef g():\n    return 1\n" }, "timeout 6");
    const onTimeout = await decisions(before);
    expect(onTimeout.byFile.get("tests/test_alpha.py")).toMatchObject({
      selected: true,
      reason: "dependency-changed",
      detail: "imports pkg/settings.py (changed)",
    });
    expect(onTimeout.byFile.get("tests/test_beta.py")).toMatchObject({ selected: true, reason: "dependency-changed" });
    const second = await runOf(project.id);
    expect(second.status).toBe("failure"); // test_alpha asserts TIMEOUT == 5: the selection caught it
    expect(second.files).toEqual(TEST_FILES);

    // a module reached only dynamically (importlib, by name): the map alone selects its test
    commitFiles(repo, { "pkg/settings.py": PACKAGE["pkg/settings.py"] }, "timeout back");
    const beforePlugin = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(repo, { "pkg/plugins/one.py": "VALUE = 2 - 1\n" }, "touch the plugin");
    const onPlugin = await decisions(beforePlugin);
    expect(onPlugin.fullRunReason).toBeUndefined();
    expect(onPlugin.byFile.get("tests/test_alpha.py")).toMatchObject({ selected: true, reason: "dependency-changed" });
    expect(onPlugin.byFile.get("tests/test_alpha.py")?.detail).toMatch(
      /^exercised pkg\/plugins\/one\.py \(changed\) in the coverage recorded at [0-9a-f]{10}, 2 commits before$/,
    );
    expect(onPlugin.byFile.get("tests/test_beta.py")).toMatchObject({ selected: false, reason: "unaffected" });

    // a package-wide import still ties both tests to every module (import-time use looks like real use)
    const beforeBeta = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(repo, { "pkg/beta.py": "from .settings import g\n\n\ndef beta():\n    return g() * 1\n" }, "beta");
    const onBeta = await decisions(beforeBeta);
    expect(onBeta.byFile.get("tests/test_alpha.py")).toMatchObject({
      selected: true,
      detail: "imports pkg/beta.py (changed) through pkg/__init__.py",
    });
    expect(onBeta.byFile.get("tests/test_beta.py")?.selected).toBe(true);
  }, 240_000);

  it("collects no coverage in an untrusted run (an unprotected branch): no plugin, nothing read", async () => {
    const repo = createRepo({ ".pitcrew/pipeline.yaml": PIPELINE, ...PACKAGE });
    gitIn(repo, "branch", "feature");
    const project = await t.app.store.projects.create({ name: "pyuntrusted", repoUrl: resolve(repo), sandbox: false });
    const run = await runOf(project.id, "feature");
    expect(run.status).toBe("success");
    expect(run.files).toEqual(TEST_FILES);
    expect(run.log).toContain(
      "tests: coverage not collected: branch 'feature' is untrusted, its coverage would not be recorded",
    );
    expect(run.log).not.toContain("coverage.py");
    expect(await t.app.store.testDeps.latest(project.id)).toEqual([]);
  }, 120_000);

  it("runs the tests as before when coverage.py cannot be imported, and says no map was recorded", async () => {
    const repo = createRepo({
      // a coverage package of the project's own that fails to import, found before any other
      ".pitcrew/pipeline.yaml": `${PIPELINE}        env: { PYTHONPATH: shadow, PYTEST_DISABLE_PLUGIN_AUTOLOAD: "1" }\n`,
      "shadow/coverage/__init__.py": 'raise ImportError("no coverage here")\n',
      "pkg/__init__.py": "from .alpha import alpha\n",
      "pkg/alpha.py": "def alpha():\n    return 1\n",
      "tests/test_alpha.py": testOf("alpha"),
    });
    const project = await t.app.store.projects.create({ name: "nocov", repoUrl: resolve(repo), sandbox: false });
    const run = await runOf(project.id);
    expect(run.status).toBe("success");
    expect(run.files).toEqual(["tests/test_alpha.py"]);
    expect(run.log).toContain(
      "tests: tests/test_alpha.py: coverage.py: coverage.py is not usable by this pytest (ImportError: no coverage here); its dependency map is deleted (it runs until measured again)",
    );
    expect(run.log).toContain("tests: dependencies of 0 test file(s) recorded from coverage.py");
    expect(await t.app.store.testDeps.latest(project.id)).toEqual([]);
  }, 120_000);

  it("leaves a run the project's own pytest-cov measures (--cov) to it: the tests run, the old map is deleted", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "pkg/__init__.py": "from .alpha import alpha\n",
      "pkg/alpha.py": "def alpha():\n    return 1\n",
      "tests/test_alpha.py": testOf("alpha"),
    });
    const project = await t.app.store.projects.create({ name: "owncov", repoUrl: resolve(repo), sandbox: false });
    expect((await runOf(project.id)).log).toContain("tests: dependencies of 1 test file(s) recorded from coverage.py");
    expect(await t.app.store.testDeps.latest(project.id)).toHaveLength(1);
    commitFiles(repo, { "pytest.ini": "[pytest]\naddopts = --cov=pkg --cov-report=\n" }, "own coverage");
    const run = await runOf(project.id);
    expect(run.status).toBe("success");
    expect(run.files).toEqual(["tests/test_alpha.py"]);
    expect(run.log).toContain(
      "tests: tests/test_alpha.py: coverage.py: the project's pytest-cov measures this run (--cov); its dependency map is deleted (it runs until measured again)",
    );
    expect(run.log).toContain(
      "tests: stored maps of 1 test file(s) without a usable report deleted (they run until measured again)",
    );
    expect(await t.app.store.testDeps.latest(project.id)).toEqual([]);
  }, 120_000);
});
