/**
 * Configuration changes judged part by part by the change-based selector, on a real git
 * repository with a real pytest suite: a formatter's or a docs environment's change runs no test
 * (each skip says so), a pytest setting that breaks the suite runs everything (pytest proves it
 * breaks), and a file that does not parse runs everything.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ChangeTestSelector } from "../../src/testintel/index.js";
import type { SelectionRequest, TestSelection } from "../../src/testintel/selection.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";

const TESTS = ["tests/test_codec.py", "tests/test_meta.py", "web/test/app.test.mjs"];

const PYPROJECT = `[project]
name = "pkg"
version = "1.0"
description = "A package."
requires-python = ">=3.9"

[project.urls]
Source = "https://example.org/pkg"

[tool.black]
line-length = 88

[tool.pytest.ini_options]
testpaths = ["tests"]
`;

const TOX = `[tox]
envlist = py3, docs

[testenv]
commands = pytest {posargs}

[testenv:docs]
deps = sphinx
commands = sphinx-build -b html docs docs/_build
`;

/** A Python package with two pytest files (one reads pyproject.toml) and a JavaScript sub-project. */
function project(): string {
  return createRepo({
    "pyproject.toml": PYPROJECT,
    "tox.ini": TOX,
    "setup.cfg": "[flake8]\nmax-line-length = 88\n",
    "pkg/__init__.py": "",
    "pkg/codec.py":
      "import warnings\n\ndef encode(s):\n    warnings.warn('old codec', DeprecationWarning)\n    return s[::-1]\n",
    "tests/test_codec.py": "from pkg.codec import encode\n\ndef test_encode():\n    assert encode('ab') == 'ba'\n",
    "tests/test_meta.py":
      "import pathlib\n\ndef test_name_declared():\n    text = (pathlib.Path(__file__).parent.parent / 'pyproject.toml').read_text()\n    assert 'name = \"pkg\"' in text\n",
    "web/package.json": '{"name":"web","type":"module","description":"the site","scripts":{"test":"node --test"}}\n',
    "web/src/app.mjs": "export const app = () => 1;\n",
    "web/test/app.test.mjs":
      'import { test } from "node:test";\nimport assert from "node:assert";\nimport { app } from "../src/app.mjs";\ntest("app", () => assert.equal(app(), 1));\n',
  });
}

const select = (repo: string, base: string, head: string, more: Partial<SelectionRequest> = {}) =>
  new ChangeTestSelector().select({
    project: "demo",
    repoDir: repo,
    commit: head,
    baseCommit: base,
    testFiles: TESTS,
    mode: "select",
    ...more,
  });

const decision = (s: TestSelection, file: string) => s.decisions.find((d) => d.file === file)!;

/** pytest's exit code on the checkout as it is. */
function pytest(repo: string): number {
  return spawnSync("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider"], { cwd: repo, stdio: "pipe" }).status!;
}

describe("configuration changes judged part by part", () => {
  it("runs no test for a formatter's settings or a docs environment, and says why for each skip", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const c1 = commitFiles(
      repo,
      {
        "pyproject.toml": PYPROJECT.replace("line-length = 88", "line-length = 100"),
        "tox.ini": TOX.replace("-b html", "-b dirhtml"),
        "setup.cfg": "[flake8]\nmax-line-length = 100\n",
      },
      "style",
    );
    const s = await select(repo, c0, c1);
    expect(s.fullRunReason).toBeUndefined();
    // the test that reads pyproject.toml names it: it runs; the others are unaffected
    expect(s.run).toEqual(["tests/test_meta.py"]);
    expect(decision(s, "tests/test_meta.py")).toMatchObject({ reason: "mentions-changed-file" });
    const skipped = decision(s, "tests/test_codec.py");
    expect(skipped).toMatchObject({ selected: false, reason: "unaffected" });
    expect(skipped.detail).toContain("pyproject.toml changed in tool.black only, which no test reads");
    expect(skipped.detail).toContain("tox.ini changed in [testenv:docs] only, which no test reads");
    expect(skipped.detail).toContain("setup.cfg changed in [flake8] only, which no test reads");
    // a change of inert parts only, like documentation, says nothing about which failures are outside it
    expect(skipped.outsideChange).toBeUndefined();
    expect(pytest(repo)).toBe(0);
  });

  it("runs everything for a pytest setting, and pytest shows that it breaks the suite", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const c1 = commitFiles(
      repo,
      {
        "pyproject.toml": PYPROJECT.replace(
          'testpaths = ["tests"]',
          'testpaths = ["tests"]\nfilterwarnings = ["error"]',
        ),
      },
      "strict warnings",
    );
    const s = await select(repo, c0, c1);
    expect(s.fullRunReason).toBe(
      "pyproject.toml changed in tool.pytest.ini_options.filterwarnings, which can change how tests run: every test runs",
    );
    expect(s.run).toHaveLength(TESTS.length);
    expect(decision(s, "tests/test_codec.py")).toMatchObject({ selected: true, reason: "full-run" });
    expect(pytest(repo)).not.toBe(0);
  });

  it("runs everything when a version does not parse, and for the Python version", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const broken = commitFiles(repo, { "pyproject.toml": `${PYPROJECT}[tool.black\n` }, "broken");
    expect((await select(repo, c0, broken)).fullRunReason).toMatch(
      /^pyproject\.toml could not be read part by part \(TOML line \d+: expected '\]'\): every test runs$/,
    );
    const python = commitFiles(repo, { "pyproject.toml": PYPROJECT.replace(">=3.9", ">=3.11") }, "python");
    expect((await select(repo, c0, python)).fullRunReason).toMatch(/project\.requires-python/);
  });

  it("scopes a sub-project's manifest only when a part that runs tests changed", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const described = commitFiles(
      repo,
      {
        "web/package.json":
          '{"name":"web","type":"module","description":"our site","scripts":{"test":"node --test"}}\n',
      },
      "describe",
    );
    const s1 = await select(repo, c0, described);
    expect(s1.run).toEqual([]);
    expect(decision(s1, "web/test/app.test.mjs").detail).toContain(
      'web/package.json changed in "description" only, which no test reads',
    );
    const scripted = commitFiles(
      repo,
      { "web/package.json": '{"name":"web","type":"commonjs","scripts":{"test":"node --test"}}\n' },
      "commonjs",
    );
    const s2 = await select(repo, described, scripted);
    expect(s2.fullRunReason).toBeUndefined();
    expect(s2.run).toEqual(["web/test/app.test.mjs"]);
    expect(decision(s2, "web/test/app.test.mjs")).toMatchObject({ reason: "config-changed" });
    expect(decision(s2, "web/test/app.test.mjs").detail).toMatch(/web\/package\.json changed in "type"/);
  });

  it("takes the pipeline's own inert parts, and still runs a tool the tests run", async () => {
    const repo = project();
    const c0 = gitIn(repo, "rev-parse", "HEAD");
    const c1 = commitFiles(repo, { "pyproject.toml": `${PYPROJECT}\n[tool.changelog-bot]\nstyle = "short"\n` }, "bot");
    expect((await select(repo, c0, c1)).fullRunReason).toMatch(/tool\.changelog-bot/);
    const declared = await select(repo, c0, c1, { inertConfig: ["tool.changelog-bot"] });
    expect(declared.fullRunReason).toBeUndefined();
    expect(declared.run).toEqual(["tests/test_meta.py"]);
    // pytest runs black (pytest-black): black's settings are part of the tests
    const withPlugin = PYPROJECT.replace('testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "--black"');
    const c2 = commitFiles(repo, { "pyproject.toml": withPlugin }, "plugin");
    const c3 = commitFiles(repo, { "pyproject.toml": withPlugin.replace("line-length = 88", "line-length = 99") }, "w");
    expect((await select(repo, c2, c3)).fullRunReason).toBe(
      "pyproject.toml changed in tool.black.line-length, the settings of black, which the test configuration runs: every test runs",
    );
    // a pipeline step running the tool counts too; naming a part in inert_config does not
    const pipeline = "jobs:\n  test:\n    steps:\n      - run: flake8 pkg && pytest\n";
    const c4 = commitFiles(repo, { ".pitcrew/pipeline.yaml": pipeline }, "pipeline");
    const c5 = commitFiles(repo, { "setup.cfg": "[flake8]\nmax-line-length = 99\n" }, "flake8");
    expect((await select(repo, c4, c5)).fullRunReason).toMatch(
      /setup\.cfg changed in \[flake8\] max-line-length, the settings of flake8/,
    );
  });
});
