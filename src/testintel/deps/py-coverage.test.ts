import { describe, expect, it } from "vitest";
import { MAX_PY_COVERAGE_FILES, type PyRunCoverage, pythonDependencies, readPyCoverageJson } from "./py-coverage.js";

const REPO = "/work/repo";
const T = "tests/test_a.py";
const RUN = "tests/test_a.py::test_a|run";
/** A file entry as `coverage json --show-contexts` writes it: line → contexts. */
const entry = (contexts: Record<string, string[]>) => ({ executed_lines: Object.keys(contexts).map(Number), contexts });
const report = (files: Record<string, unknown>) => JSON.stringify({ meta: { show_contexts: true }, files });
const read = (files: Record<string, unknown>, cwd = REPO) => readPyCoverageJson(REPO, cwd, report(files), T);
const sets = (r: PyRunCoverage | string) =>
  typeof r === "string" ? r : { tested: [...r.tested].sort(), imported: [...r.imported].sort() };

describe("readPyCoverageJson", () => {
  it("splits files run during a test from files only run at import, names relative to the process's cwd", () => {
    const r = read(
      {
        "tests/test_a.py": entry({ 1: [""], 4: [RUN] }),
        "pkg/__init__.py": entry({ 1: [""], 2: [""] }),
        "pkg/a.py": entry({ 1: [""], 2: [RUN, "tests/test_a.py::test_b|setup"] }),
        [`${REPO}/pkg/b.py`]: entry({ 1: [""] }),
        "pkg/unrun.py": { executed_lines: [], contexts: {} },
      },
      REPO,
    );
    expect(sets(r)).toEqual({ tested: ["pkg/a.py"], imported: ["pkg/__init__.py", "pkg/b.py"] });
  });

  it("keeps only files inside the repository: no escape, no installed packages, no control characters", () => {
    const r = read(
      {
        "tests/test_a.py": entry({ 4: [RUN] }),
        "../outside.py": entry({ 1: [RUN] }),
        "sub/../../outside2.py": entry({ 1: [RUN] }),
        "/etc/passwd": entry({ 1: [RUN] }),
        ".venv/lib/python3.11/site-packages/six.py": entry({ 1: [RUN] }),
        "web/node_modules/x/y.py": entry({ 1: [RUN] }),
        "two\nlines.py": entry({ 1: [RUN] }),
        "": entry({ 1: [RUN] }),
        "src/ok.py": entry({ 1: [RUN] }),
      },
      `${REPO}/src`,
    );
    // the process ran in src/: its names are relative to it
    expect(sets(r)).toEqual("tests/test_a.py ran no line under a test context (its tests were not measured)");
    const fromRoot = read({
      "tests/test_a.py": entry({ 4: [RUN] }),
      "../outside.py": entry({ 1: [RUN] }),
      "/etc/passwd": entry({ 1: [RUN] }),
      ".venv/lib/python3.11/site-packages/six.py": entry({ 1: [RUN] }),
      "two\nlines.py": entry({ 1: [RUN] }),
      "src/ok.py": entry({ 1: [RUN] }),
    });
    expect(sets(fromRoot)).toEqual({ tested: ["src/ok.py"], imported: [] });
  });

  it("counts every executed file as tested when the report has no contexts (coarser, never missing one)", () => {
    const r = read({
      "tests/test_a.py": { executed_lines: [1, 4] },
      "pkg/b.py": { executed_lines: [1] },
    });
    expect(sets(r)).toEqual({ tested: ["pkg/b.py"], imported: [] });
  });

  it("refuses a report where the test file's own tests did not run under a test context", () => {
    expect(read({ "tests/test_a.py": entry({ 1: [""] }), "pkg/a.py": entry({ 1: [RUN] }) })).toBe(
      "tests/test_a.py ran no line under a test context (its tests were not measured)",
    );
  });

  it("refuses what is not a coverage.py JSON report, and values of the wrong type are skipped", () => {
    expect(readPyCoverageJson(REPO, REPO, "{not json", T)).toMatch(/^not valid JSON/);
    expect(readPyCoverageJson(REPO, REPO, "[1,2]", T)).toBe("not a coverage.py JSON report (no files object)");
    expect(readPyCoverageJson(REPO, REPO, '{"files": []}', T)).toBe("not a coverage.py JSON report (no files object)");
    const r = read({
      "tests/test_a.py": entry({ 4: [RUN] }),
      "a.py": "text",
      "b.py": { executed_lines: "1" },
      "c.py": { executed_lines: [1], contexts: { 1: "not a list", 2: [3, null] } },
      "d.py": { executed_lines: [1], contexts: [RUN] },
    });
    // c.py's contexts name no test; d.py's are not an object, so it counts as tested
    expect(sets(r)).toEqual({ tested: ["d.py"], imported: ["c.py"] });
  });

  it(`refuses a report of more than ${MAX_PY_COVERAGE_FILES} files`, () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_PY_COVERAGE_FILES; i++) files[`m${i}.py`] = entry({ 1: [RUN] });
    expect(read(files)).toBe(`${MAX_PY_COVERAGE_FILES + 1} measured files, over the limit of ${MAX_PY_COVERAGE_FILES}`);
  });
});

describe("pythonDependencies", () => {
  const run = (tested: string[], imported: string[]): PyRunCoverage => ({
    tested: new Set(tested),
    imported: new Set(imported),
  });

  it("leaves out a module a test only imported when another test exercised it; keeps glue and unexercised modules", () => {
    const deps = pythonDependencies(
      new Map([
        ["tests/test_a.py", run(["pkg/a.py"], ["pkg/__init__.py", "pkg/b.py", "pkg/consts.py", "tests/conftest.py"])],
        ["tests/test_b.py", run(["pkg/b.py", "tests/conftest.py", "pkg/__init__.py"], ["pkg/a.py"])],
      ]),
    );
    expect([...deps.get("tests/test_a.py")!].sort()).toEqual([
      "pkg/__init__.py",
      "pkg/a.py",
      "pkg/consts.py",
      "tests/conftest.py",
    ]);
    expect([...deps.get("tests/test_b.py")!].sort()).toEqual(["pkg/__init__.py", "pkg/b.py", "tests/conftest.py"]);
  });

  it("in a run of a selection, keeps out what the test's earlier map left out and another test's map holds", () => {
    const earlier = new Map([
      ["tests/test_a.py", new Set(["pkg/__init__.py", "pkg/a.py"])],
      ["tests/test_b.py", new Set(["pkg/__init__.py", "pkg/b.py"])],
    ]);
    const runs = new Map([["tests/test_b.py", run(["pkg/b.py"], ["pkg/__init__.py", "pkg/a.py", "pkg/new.py"])]]);
    // a.py: left out before and test_a's map holds it; new.py: held by no map, so kept
    expect([...pythonDependencies(runs, earlier).get("tests/test_b.py")!].sort()).toEqual([
      "pkg/__init__.py",
      "pkg/b.py",
      "pkg/new.py",
    ]);
    // a test with no earlier map keeps every module no test of this run exercised
    const first = new Map([["tests/test_c.py", run(["pkg/c.py"], ["pkg/a.py"])]]);
    expect([...pythonDependencies(first, earlier).get("tests/test_c.py")!].sort()).toEqual(["pkg/a.py", "pkg/c.py"]);
  });
});
