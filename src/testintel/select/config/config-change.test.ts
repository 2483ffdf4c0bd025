import { describe, expect, it } from "vitest";
import { type ConfigChange, judgeConfigChange } from "./config-change.js";

/** The verdict on changing `path` from `before` to `after`. */
const judge = (path: string, before: string, after: string, more: Partial<ConfigChange> = {}) =>
  judgeConfigChange({ path, before, after, ...more });

const PYPROJECT = `[project]
name = "pkg"
version = "1.0"
description = "A package."
dependencies = ["click>=8"]
requires-python = ">=3.9"

[project.urls]
Source = "https://example.org/pkg"

[tool.black]
line-length = 88

[tool.ruff.lint]
select = [
    "E",  # pycodestyle
    "F",
]

[[tool.mypy.overrides]]
module = "a.*"
strict = true

[tool.towncrier]
template = """
[tool.pytest.ini_options]
addopts = "-x"
"""

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.coverage.report]
fail_under = 90
`;

describe("pyproject.toml, table by table", () => {
  const edit = (from: string, to: string) => judge("pyproject.toml", PYPROJECT, PYPROJECT.replace(from, to));

  it("calls formatter, linter, type-checker and metadata changes inert, naming the parts", () => {
    expect(edit("line-length = 88", "line-length = 100")).toEqual({ inert: true, parts: ["tool.black"] });
    expect(edit('"F",\n]', '"F",\n    "B",\n]')).toEqual({ inert: true, parts: ["tool.ruff"] });
    expect(edit("strict = true", "strict = false")).toEqual({ inert: true, parts: ["tool.mypy"] });
    expect(edit("example.org/pkg", "example.org/new")).toEqual({ inert: true, parts: ["project.urls"] });
    expect(edit('description = "A package."', 'description = "Better."')).toEqual({
      inert: true,
      parts: ["project.description"],
    });
    expect(edit("# pycodestyle", "# the pycodestyle errors")).toEqual({ inert: true, parts: ["tool.ruff"] });
    expect(edit("[tool.black]", "# formatting\n[tool.black]")).toEqual({
      inert: true,
      parts: ["comments or layout only"],
    });
  });

  it("reads a multi-line string that looks like a table as the string it is", () => {
    expect(edit('addopts = "-x"', 'addopts = "-q"')).toEqual({ inert: true, parts: ["tool.towncrier"] });
  });

  it("runs everything for dependencies, the Python version, pytest, coverage and the version", () => {
    const cases: [string, string, RegExp][] = [
      ['"click>=8"', '"click>=9"', /project\.dependencies/],
      ['">=3.9"', '">=3.10"', /project\.requires-python/],
      ['testpaths = ["tests"]', 'testpaths = ["tests", "more"]', /tool\.pytest\.ini_options\.testpaths/],
      ["fail_under = 90", "fail_under = 95", /tool\.coverage\.report\.fail_under/],
      ['version = "1.0"', 'version = "1.1"', /project\.version/],
      ["[tool.black]", "[tool.pytest]\n[tool.black]", /tool\.pytest/],
    ];
    for (const [from, to, why] of cases) {
      const v = edit(from, to);
      expect(v.inert, from).toBe(false);
      if (!v.inert) expect(v.why).toMatch(why);
    }
  });

  it("counts a tool's settings when pytest runs the tool (pytest-mypy, pytest-ruff)", () => {
    const withPlugin = PYPROJECT.replace('testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "--mypy"');
    const v = judge("pyproject.toml", withPlugin, withPlugin.replace("strict = true", "strict = false"));
    expect(v).toEqual({
      inert: false,
      why: "pyproject.toml changed in tool.mypy.overrides.0.strict, the settings of mypy, which the test configuration runs",
    });
    // named in pytest.ini beside it, or in the pipeline
    expect(edit("line-length = 88", "line-length = 99")).toMatchObject({ inert: true });
    const v2 = judge("pyproject.toml", PYPROJECT, PYPROJECT.replace("line-length = 88", "line-length = 99"), {
      runnerText: "[pytest]\naddopts = --black",
    });
    expect(v2.inert).toBe(false);
  });

  it("extends the inert parts with the pipeline's, and still checks their tool", () => {
    const doc = `${PYPROJECT}\n[tool.my-formatter]\nwidth = 1\n`;
    const changed = doc.replace("width = 1", "width = 2");
    expect(judge("pyproject.toml", doc, changed).inert).toBe(false);
    expect(judge("pyproject.toml", doc, changed, { userParts: ["tool.my-formatter"] })).toEqual({
      inert: true,
      parts: ["tool.my-formatter"],
    });
    expect(
      judge("pyproject.toml", doc, changed, {
        userParts: ["tool.my-formatter"],
        runnerText: "run my-formatter --check",
      }).inert,
    ).toBe(false);
  });

  it("runs everything when a version does not parse, or the file is new or deleted", () => {
    const broken = edit('description = "A package."', 'description = "A package.');
    expect(broken.inert).toBe(false);
    if (!broken.inert)
      expect(broken.why).toMatch(/could not be read part by part \(TOML line 4: unterminated string\)/);
    expect(edit("line-length = 88", "line-length = 88\nline-length = 89").inert).toBe(false);
    expect(judgeConfigChange({ path: "pyproject.toml", after: PYPROJECT })).toEqual({
      inert: false,
      why: "pyproject.toml was added",
    });
    expect(judgeConfigChange({ path: "pyproject.toml", before: PYPROJECT }).inert).toBe(false);
  });

  it("runs everything for an inert part made invalid: pytest and pip would refuse the whole file", () => {
    for (const [from, to] of [
      ["line-length = 88", "line-length = 8a8"],
      ["line-length = 88", 'line-length = "\\q"'],
      ["line-length = 88", "line-length = 88\n\n[tool.black]\nskip = true"],
      ["line-length = 88", "line-length = 1_000__0"],
    ] as const) {
      expect(edit(from, to).inert, to).toBe(false);
    }
    expect(edit("line-length = 88", "line-length = 1_000")).toMatchObject({ inert: true });
    expect(edit("line-length = 88", "line-length = 8.5e-3")).toMatchObject({ inert: true });
  });

  it("keeps [project]'s inert keys inert only in the shapes a build backend accepts", () => {
    const meta = (v: string) => edit('description = "A package."', v);
    expect(
      meta('description = "Better."\nkeywords = ["a", \'b\']\nauthors = [{ name = "A", email = "a@b.c" }]'),
    ).toEqual({
      inert: true,
      parts: ["project.description", "project.keywords", "project.authors"],
    });
    for (const bad of [
      'description = ["A package."]',
      'description = """A\npackage."""',
      'description = "A package."\nkeywords = ["a", 1]',
      'description = "A package."\nauthors = [{ name = "A", homepage = "x" }]',
      'description = "A package."\nauthors = "A"',
    ]) {
      expect(meta(bad).inert, bad).toBe(false);
    }
    expect(edit('Source = "https://example.org/pkg"', "Source = 42").inert).toBe(false);
  });

  it("reads dotted keys, inline tables, quoted keys and dates", () => {
    const doc = `tool.black.line-length = 88\n"project".urls = { a = "x", "b c" = "z" }\nwhen = 1979-05-27 07:32:00Z\n`;
    expect(judge("pyproject.toml", doc, doc.replace("88", "90"))).toEqual({ inert: true, parts: ["tool.black"] });
    expect(judge("pyproject.toml", doc, doc.replace('"x"', '"y"'))).toEqual({ inert: true, parts: ["project.urls"] });
    expect(judge("pyproject.toml", doc, doc.replace("07:32", "08:32")).inert).toBe(false);
  });
});

const SETUP_CFG = `[metadata]
name = pkg
version = attr: pkg.__version__
url = https://example.org/pkg

[options]
install_requires =
    click>=8

[tool:pytest]
testpaths = tests

[coverage:report]
fail_under = 90

[flake8]
ignore =
    E203
    W503

[mypy-pkg.vendor.*]
ignore_errors = True
`;

describe("setup.cfg and tox.ini, section by section", () => {
  const edit = (from: string, to: string, doc = SETUP_CFG) => judge("setup.cfg", doc, doc.replace(from, to));

  it("calls linter sections and descriptive metadata inert", () => {
    expect(edit("    W503", "    W503\n    B905")).toEqual({ inert: true, parts: ["[flake8]"] });
    expect(edit("ignore_errors = True", "ignore_errors = False")).toEqual({ inert: true, parts: ["[mypy-*]"] });
    expect(edit("example.org/pkg", "example.org/new")).toEqual({ inert: true, parts: ["[metadata] url"] });
  });

  it("runs everything for options, pytest, coverage and the version", () => {
    for (const [from, to] of [
      ["click>=8", "click>=9"],
      ["testpaths = tests", "testpaths = tests\naddopts = -x"],
      ["fail_under = 90", "fail_under = 95"],
      ["attr: pkg.__version__", "1.0"],
      ["[flake8]", "[tool:pytest]\n[flake8]"],
    ] as const) {
      expect(edit(from, to).inert, from).toBe(false);
    }
  });

  it("counts flake8's settings when pytest runs flake8", () => {
    const doc = SETUP_CFG.replace("testpaths = tests", "testpaths = tests\naddopts = --flake8");
    expect(edit("    W503", "    W503\n    B905", doc).inert).toBe(false);
  });

  const TOX = `[tox]
envlist = py3{12,11}, style, typing, docs

[testenv]
deps = -r requirements/tests.txt
commands = pytest -v {posargs}

[testenv:style]
deps = pre-commit
commands = pre-commit run --all-files

[testenv:typing]
deps = -r requirements/typing.txt
commands = mypy

[testenv:docs]
deps = -r requirements/docs.txt
commands = sphinx-build -W -b html docs docs/_build

[testenv:unit]
commands = python -m pytest tests/unit

[testenv:py312-slow]
setenv = SLOW=1
`;

  it("calls tox environments that run no test inert, and the test environments not", () => {
    const tox = (from: string, to: string, doc = TOX) => judge("tox.ini", doc, doc.replace(from, to));
    expect(tox("commands = mypy", "commands =\n    mypy\n    pyright")).toEqual({
      inert: true,
      parts: ["[testenv:typing]"],
    });
    expect(tox("-b html", "-b dirhtml")).toEqual({ inert: true, parts: ["[testenv:docs]"] });
    expect(tox("[testenv:docs]", "[testenv:update-actions]\ndeps = gha-update\n\n[testenv:docs]")).toEqual({
      inert: true,
      parts: ["[testenv:update-actions]"],
    });
    expect(tox("pytest -v", "pytest -x").inert).toBe(false);
    expect(tox("py3{12,11}", "py3{13,12,11}").inert).toBe(false);
    expect(tox("tests/unit", "tests/unit -x").inert).toBe(false);
    expect(tox("SLOW=1", "SLOW=2").inert).toBe(false);
    // another section reads the environment's settings
    const shared = TOX.replace("deps = -r requirements/tests.txt", "deps = {[testenv:style]deps}");
    expect(tox("deps = pre-commit", "deps = pre-commit>=4", shared).inert).toBe(false);
  });

  it("runs everything for an INI file that does not parse, or a value setuptools cannot interpolate", () => {
    expect(edit("[flake8]", "[options]").inert).toBe(false);
    expect(edit("    W503", "    W503\nselect")).toMatchObject({ inert: false });
    expect(edit("max-line-length", "max-line-length")).toMatchObject({ inert: true });
    expect(edit("    W503", "    W503\nformat = %(path)s:%%")).toMatchObject({ inert: true });
    expect(edit("    W503", "    W503\nformat = 100%")).toMatchObject({ inert: false });
    expect(judge("setup.cfg", "name = x\n", "name = y\n")).toMatchObject({ inert: false });
  });
});

describe("package.json, key by key", () => {
  const PKG = {
    name: "pkg",
    version: "1.0.0",
    type: "module",
    main: "index.js",
    description: "A package.",
    keywords: ["a"],
    repository: "github:a/pkg",
    scripts: { test: "vitest run" },
    dependencies: { a: "1" },
    devDependencies: { vitest: "3" },
    prettier: { semi: false },
    eslintConfig: { root: true },
    jest: { testEnvironment: "node" },
  };
  const edit = (change: Record<string, unknown>, base: Record<string, unknown> = PKG) =>
    judge("package.json", JSON.stringify(base, null, 2), JSON.stringify({ ...base, ...change }, null, 2));

  it("calls descriptive keys and formatter or linter settings inert", () => {
    expect(edit({ description: "Better." })).toEqual({ inert: true, parts: ['"description"'] });
    expect(edit({ keywords: ["a", "b"], repository: "github:b/pkg" })).toEqual({
      inert: true,
      parts: ['"keywords"', '"repository"'],
    });
    expect(edit({ prettier: { semi: true }, eslintConfig: { root: false } })).toEqual({
      inert: true,
      parts: ['"prettier"', '"eslintConfig"'],
    });
  });

  it("runs everything for scripts, dependencies, the module type, entry points and jest", () => {
    for (const change of [
      { scripts: { test: "vitest run --pool=forks" } },
      { dependencies: { a: "2" } },
      { devDependencies: { vitest: "4" } },
      { type: "commonjs" },
      { exports: "./index.js" },
      { main: "main.js" },
      { jest: { testEnvironment: "jsdom" } },
      { unknownTool: {} },
    ]) {
      expect(edit(change).inert, JSON.stringify(change)).toBe(false);
    }
  });

  it("counts eslint's settings when a script runs eslint", () => {
    const linted = { ...PKG, scripts: { test: "eslint . && vitest run" } };
    expect(edit({ eslintConfig: { root: false } }, linted)).toMatchObject({ inert: false });
  });

  it("runs everything for a document that is not one JSON object with distinct keys", () => {
    expect(judge("package.json", "{}", "{").inert).toBe(false);
    expect(judge("package.json", "{}", "[]").inert).toBe(false);
    expect(judge("package.json", '{"description": "a"}', '{"description": "a", "description": "b"}').inert).toBe(false);
  });
});
