import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_PYCOV_REPORT_BYTES, PythonRuns, pytestCoverage, readPytestCoverage } from "./pytest-coverage.js";
import { createTestScratch } from "./test-scratch.js";

describe("coverage.py reports of a pytest step", () => {
  let base: string;
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const scratchIn = async () => {
    base = mkdtempSync(join(tmpdir(), "pitcrew-pycov-"));
    mkdirSync(join(base, "tmp"));
    return createTestScratch(join(base, "tmp"), 0, ["tests/test_a.py"]);
  };
  const report = (files: Record<string, unknown>) => JSON.stringify({ files });
  const ran = { executed_lines: [1], contexts: { 1: ["tests/test_a.py::test_a|run"] } };

  it(`does not read a report over ${MAX_PYCOV_REPORT_BYTES} bytes (a job's 256 MiB file is never parsed)`, async () => {
    const scratch = await scratchIn();
    const path = join(scratch.dir, "pycov-0-0.json");
    writeFileSync(path, "");
    truncateSync(path, MAX_PYCOV_REPORT_BYTES + 1);
    expect(await readPytestCoverage(scratch, "pycov-0-0.json", "tests/test_a.py", base, base)).toBe(
      `its report is ${MAX_PYCOV_REPORT_BYTES + 1} bytes, over ${MAX_PYCOV_REPORT_BYTES}`,
    );
  });

  it("lists a test file with an unusable run as unusable, even when another run of it was usable", async () => {
    const scratch = await scratchIn();
    const said: string[] = [];
    const runs = new PythonRuns(scratch, pytestCoverage(scratch, base), base, base, (l) => said.push(l), 1000);
    writeFileSync(join(scratch.dir, "a-0.json"), report({ "tests/test_a.py": ran, "pkg/m.py": ran }));
    writeFileSync(
      join(scratch.dir, "b-0.json"),
      report({ "tests/test_b.py": { executed_lines: [1], contexts: { 1: [""] } } }),
    );
    writeFileSync(join(scratch.dir, "c-0.json"), report({ "tests/test_c.py": ran, "pkg/m.py": ran }));
    await runs.collect("a-0.json", "tests/test_a.py");
    await runs.collect("a-1.json", "tests/test_a.py"); // the rerun wrote no report
    await runs.collect("b-0.json", "tests/test_b.py"); // its lines ran at import only: its tests were not measured
    await runs.collect("c-0.json", "tests/test_c.py");
    const { runs: usable, unusable } = runs.finish();
    expect([...usable.keys()]).toEqual(["tests/test_c.py"]);
    expect([...usable.get("tests/test_c.py")!.files]).toEqual(["pkg/m.py"]);
    expect(unusable).toEqual(["tests/test_a.py", "tests/test_b.py"]);
    expect(said[0]).toBe(
      "tests: tests/test_a.py: coverage.py: no coverage.py report was written; its dependency map is deleted (it runs until measured again)",
    );
  });
});
