import { describe, expect, it } from "vitest";
import { MAX_PY_COVERAGE_FILES, type PyRunCoverage, readPyCoverageJson } from "./py-coverage.js";

const REPO = "/work/repo";
const T = "tests/test_a.py";
const RUN = "tests/test_a.py::test_a|run";
/** A file entry as `coverage json --show-contexts` writes it: line → contexts. */
const entry = (contexts: Record<string, string[]>) => ({ executed_lines: Object.keys(contexts).map(Number), contexts });
const report = (files: Record<string, unknown>) => JSON.stringify({ meta: { show_contexts: true }, files });
const read = (files: Record<string, unknown>, cwd = REPO) => readPyCoverageJson(REPO, cwd, report(files), T);
const sets = (r: PyRunCoverage | string) => (typeof r === "string" ? r : [...r.files].sort());

describe("readPyCoverageJson", () => {
  it("keeps every file the process ran, at import time too, names relative to the process's cwd", () => {
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
    // pkg/b.py only ran at import (a constant, a default, a registration): what it bound may be all the test uses
    expect(sets(r)).toEqual(["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]);
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
    expect(sets(fromRoot)).toEqual(["src/ok.py"]);
  });

  it("takes the test file's tests as measured when the report has no contexts", () => {
    const r = read({
      "tests/test_a.py": { executed_lines: [1, 4] },
      "pkg/b.py": { executed_lines: [1] },
    });
    expect(sets(r)).toEqual(["pkg/b.py"]);
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
    // c.py's contexts name no test and d.py's are not an object: both ran, both are kept
    expect(sets(r)).toEqual(["c.py", "d.py"]);
  });

  it(`refuses a report of more than ${MAX_PY_COVERAGE_FILES} files`, () => {
    const files: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_PY_COVERAGE_FILES; i++) files[`m${i}.py`] = entry({ 1: [RUN] });
    expect(read(files)).toBe(`${MAX_PY_COVERAGE_FILES + 1} measured files, over the limit of ${MAX_PY_COVERAGE_FILES}`);
  });
});
