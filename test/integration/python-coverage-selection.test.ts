/**
 * Python per-test dependencies from coverage.py through the CI engine, on a real pytest project
 * (Debian's python3-pytest, python3-coverage and python3-pytest-cov): a package whose `__init__.py` imports two
 * modules, each exercised by one test file. The static import graph ties both tests to both
 * modules; the coverage.py map recorded by a trusted run knows test_alpha only imported beta.py,
 * so a change to beta.py runs test_beta alone and a change to alpha.py runs test_alpha as having
 * exercised it. The project's own coverage settings (which would omit the package) are not read.
 * Without a usable coverage.py, or under the project's own pytest-cov (`--cov`), the tests run as
 * before and the log says no map was recorded.
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

describe("Python test dependencies from coverage.py", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 1 });
  });
  afterAll(async () => t?.dispose());

  const runOf = async (projectId: number) => {
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", triggeredBy: "test" });
    const status = await t.waitForRun(res.run!.id);
    const [job] = await t.app.store.jobs.listForRun(res.run!.id);
    const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line).join("\n");
    const files = [...new Set((await t.app.store.reports.tests(res.run!.id)).map((c) => c.file))].sort();
    return { status, log, files };
  };

  it("records what each test ran, so a module only imported through __init__ no longer selects it", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      // the project's own coverage settings: read by pitcrew's run, they would leave the package out
      ".coveragerc": "[run]\nomit = pkg/*\ndata_file = project-coverage\n",
      "pyproject.toml": '[tool.coverage.run]\nomit = ["pkg/*"]\n',
      "pkg/__init__.py": "from .alpha import alpha\nfrom .beta import beta\n",
      "pkg/alpha.py": "def alpha():\n    return 1\n",
      "pkg/beta.py": "def beta():\n    return 1\n",
      "tests/test_alpha.py": testOf("alpha"),
      "tests/test_beta.py": testOf("beta"),
    });
    const project = await t.app.store.projects.create({ name: "pycov", repoUrl: resolve(repo), sandbox: false });

    const first = await runOf(project.id);
    expect(first.status).toBe("success");
    expect(first.files).toEqual(TEST_FILES);
    expect(first.log).toContain("tests: dependencies of 2 test file(s) recorded from coverage.py");
    const maps = new Map((await t.app.store.testDeps.latest(project.id)).map((m) => [m.testFile, m]));
    expect(maps.get("tests/test_alpha.py")).toMatchObject({
      source: "coverage.py",
      files: ["pkg/__init__.py", "pkg/alpha.py"],
    });
    expect(maps.get("tests/test_beta.py")?.files).toEqual(["pkg/__init__.py", "pkg/beta.py"]);

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
      return new Map(r.decisions.map((d) => [d.file, d]));
    };

    const before = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(repo, { "pkg/beta.py": "def beta():\n    return 2 - 1\n" }, "touch beta");
    const onBeta = await decisions(before);
    expect(onBeta.get("tests/test_alpha.py")).toMatchObject({ selected: false, reason: "unaffected" });
    expect(onBeta.get("tests/test_alpha.py")?.detail).toContain(
      "imports pkg/beta.py (changed) through pkg/__init__.py, but its tests ran none of that file (coverage.py)",
    );
    expect(onBeta.get("tests/test_beta.py")).toMatchObject({ selected: true, reason: "dependency-changed" });
    expect(onBeta.get("tests/test_beta.py")?.detail).toMatch(/^exercised pkg\/beta\.py \(changed\) in the coverage/);
    const second = await runOf(project.id);
    expect(second.status).toBe("success");
    expect(second.files).toEqual(["tests/test_beta.py"]);
    expect(second.log).toContain("tests: 1 of 2 file(s)");
    expect(second.log).toContain("tests: dependencies of 1 test file(s) recorded from coverage.py");
    // run alone, test_beta only imported alpha.py; test_alpha's map says a test exercises it: still left out
    const afterSecond = await t.app.store.testDeps.latest(project.id);
    expect(afterSecond.find((m) => m.testFile === "tests/test_beta.py")?.files).toEqual([
      "pkg/__init__.py",
      "pkg/beta.py",
    ]);

    const beforeAlpha = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(repo, { "pkg/alpha.py": "def alpha():\n    return 3 - 2\n" }, "touch alpha");
    const onAlpha = await decisions(beforeAlpha);
    expect(onAlpha.get("tests/test_alpha.py")).toMatchObject({ selected: true, reason: "dependency-changed" });
    expect(onAlpha.get("tests/test_alpha.py")?.detail).toMatch(
      /^exercised pkg\/alpha\.py \(changed\) in the coverage recorded at [0-9a-f]{10}, 2 commits before$/,
    );
    expect(onAlpha.get("tests/test_beta.py")).toMatchObject({ selected: false, reason: "unaffected" });
    const third = await runOf(project.id);
    expect(third.files).toEqual(["tests/test_alpha.py"]);

    // a module no map holds yet (new) is still followed through the imports: what it does is unknown
    const beforeGamma = gitIn(repo, "rev-parse", "HEAD");
    commitFiles(
      repo,
      { "pkg/beta.py": "from .gamma import one\n\n\ndef beta():\n    return one\n", "pkg/gamma.py": "one = 1\n" },
      "beta reads gamma",
    );
    const onGamma = await decisions(beforeGamma);
    expect(onGamma.get("tests/test_alpha.py")).toMatchObject({
      selected: true,
      reason: "dependency-changed",
      detail: "imports pkg/gamma.py (changed) through pkg/__init__.py → pkg/beta.py",
    });
  }, 180_000);

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
      "tests: tests/test_alpha.py: coverage.py: coverage.py is not usable by this pytest (ImportError: no coverage here); no dependency map from this run",
    );
    expect(run.log).not.toContain("recorded from coverage.py");
    expect(await t.app.store.testDeps.latest(project.id)).toEqual([]);
  }, 120_000);

  it("leaves a run the project's own pytest-cov measures (--cov) to it: no map, the tests run", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "pytest.ini": "[pytest]\naddopts = --cov=pkg --cov-report=\n",
      "pkg/__init__.py": "from .alpha import alpha\n",
      "pkg/alpha.py": "def alpha():\n    return 1\n",
      "tests/test_alpha.py": testOf("alpha"),
    });
    const project = await t.app.store.projects.create({ name: "owncov", repoUrl: resolve(repo), sandbox: false });
    const run = await runOf(project.id);
    expect(run.status).toBe("success");
    expect(run.files).toEqual(["tests/test_alpha.py"]);
    expect(run.log).toContain(
      "tests: tests/test_alpha.py: coverage.py: the project's pytest-cov measures this run (--cov); no dependency map from this run",
    );
    expect(await t.app.store.testDeps.latest(project.id)).toEqual([]);
  }, 120_000);
});
