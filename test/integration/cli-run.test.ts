/**
 * `pitcrew run` as a user runs it (the built CLI in a child process): a matrix × needs pipeline
 * with a cache (hit on the second run), a JUnit report, artifacts and a failing coverage gate.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/pitcrew.js");

function pitcrew(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, PITCREW_DATA_DIR: dataDir, NO_COLOR: "1" } },
      (err, stdout, stderr) => res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!existsSync(join(ROOT, "dist/cli/main.js")))("pitcrew run", () => {
  it("runs examples/coverage-gate: cache hit on the second run, reports, artifact, failing gate", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-cli-"));
    const first = await pitcrew(["run", "examples/coverage-gate"], dataDir);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/lint\s+✔ success/);
    expect(first.stdout).toMatch(/test \(flags: --no-warnings\)\s+✔ success/);
    expect(first.stdout).toContain("cache miss");
    expect(first.stdout).toMatch(/reports: 1 test case\(s\)/);
    expect(first.stdout).toContain("1 artifact(s) stored");
    expect(first.stdout).toMatch(/✖ coverage_min: line coverage [\d.]+% is below the minimum 90%/);
    expect(first.stdout).toMatch(/Run #1 ✖ failure .*quality gate coverage_min failed/);

    const second = await pitcrew(["run", "examples/coverage-gate", "--json"], dataDir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("cache exact hit");
    const report = JSON.parse(second.stdout);
    expect(report.run).toMatchObject({ number: 2, status: "failure" });
    expect(report.jobs.map((j: { key: string }) => j.key)).toEqual([
      "lint",
      "test (flags: --no-deprecation)",
      "test (flags: --no-warnings)",
      "package",
    ]);
    expect(report.gates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ gate: "coverage_min", passed: false }),
        expect.objectContaining({ gate: "tests_pass_rate", passed: true }),
      ]),
    );
    expect(report.artifacts).toEqual([expect.objectContaining({ path: "dist/prices.tgz" })]);
  }, 60_000);

  it("runs examples/test-order file by file, the file that failed last time first, stopping at the failure", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-cli-"));
    const first = await pitcrew(["run", "examples/test-order"], dataDir);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      "tests: fail_fast: stopped after test/discount.test.js; 1 file(s) did not run: test/total.test.js",
    );
    expect(first.stdout).toContain("tests: 1 file(s) passed, 1 failed, 1 not run");
    const second = await pitcrew(["run", "examples/test-order"], dataDir);
    // the file that failed runs first; the order of the two without failures is the selector's
    expect(second.stdout).toMatch(
      /tests: fail_fast: stopped after test\/discount\.test\.js; 2 file\(s\) did not run: test\/(total|cart)\.test\.js, test\/(total|cart)\.test\.js/,
    );
  }, 60_000);

  it("says why a failed job failed, and `runs why <project>#<number>` shows the whole explanation", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-cli-"));
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": "jobs:\n  test:\n    steps:\n      - run: node check.js\n",
      "check.js": "console.error('AssertionError: expected 3 to equal 4'); process.exit(1);\n",
    });
    const run = await pitcrew(["run", repo, "-q"], dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("why test failed: test — AssertionError: expected 3 to equal 4");
    const ref = /more: pitcrew runs why (\S+#1)/.exec(run.stdout)?.[1];
    expect(ref).toBeDefined();
    const why = await pitcrew(["runs", "why", ref!], dataDir);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain(`run ${ref} job test (attempt 1): test failure`);
    expect(why.stdout).toContain("fails since run 1");
    const missing = await pitcrew(["runs", "why", ref!.replace("#1", "#9")], dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no local run");
  }, 60_000);

  it("fails at once a job whose runs-on no runner has, and lint warns about it", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-cli-"));
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo built\n",
    });
    const run = await pitcrew(["run", repo], dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✖ failure build — no runner has label\(s\) ubuntu-latest \(runner labels: linux, local\)/,
    );
    expect(run.stdout).not.toContain("built");
    const lint = await pitcrew(["lint", join(repo, ".pitcrew/pipeline.yaml")], dataDir);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(
      /pipeline\.yaml:3:14: warning\[unknown-runner-label\]: job 'build' runs-on 'ubuntu-latest'/,
    );
    const byDir = await pitcrew(["lint", repo], dataDir); // the repository's directory: its pipeline file
    expect(byDir.stdout).toBe(lint.stdout);
  }, 60_000);

  it("runs the passing example and prints lint diagnostics for a broken pipeline", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-cli-"));
    const ok = await pitcrew(["run", "examples/hello-ci", "-q"], dataDir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Run #1 ✔ success/);
    const lint = await pitcrew(["lint", "test/fixtures/pipelines/cyclic.yaml", "--json"], dataDir);
    expect(lint.code).toBe(1);
    expect(JSON.parse(lint.stdout).diagnostics).toEqual([expect.objectContaining({ code: "cyclic-needs", line: 3 })]);
  }, 60_000);
});
