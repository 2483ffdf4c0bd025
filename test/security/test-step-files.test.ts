/**
 * Attack: a pushed branch turns the files a test step shares with pitcrew against it. The job
 * owns its TMPDIR (where the list of test files, the framework's reports and coverage live) and
 * its checkout, so an earlier step, or the test command itself, plants a symlink, a FIFO or a
 * huge sparse file where pitcrew writes or reads: pitcrew must not write through the symlink
 * (the victim keeps its bytes), not read through it (the secret reaches neither the log nor the
 * stored reports), not hang on the FIFO, not read a report over the limit, and not write its
 * rewritten reports outside its own folder. A file without a readable report fails.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTestJob } from "../support/run-test-job.js";

const passing = `import test from "node:test";\ntest("ok", () => {});\n`;
const SECRET = "TOPSECRET-6f1d2c";

/** A job whose step 0 runs `plant` (as the branch wrote it), then the node:test step runs `command`. */
const pipeline = (plant: string, command = "node --test") => `jobs:
  unit:
    steps:
      - run: ${JSON.stringify(plant)}
      - name: tests
        run: ${JSON.stringify(command)}
        tests: { framework: node-test, files: "*.test.mjs" }
`;

function victimFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "pitcrew-victim-")), "victim");
  writeFileSync(path, text);
  return path;
}

/** The shell line that puts `what` where the first report of the test step will be written. */
const atReport = (what: string) => `${what} "$(dirname "$PITCREW_TESTS_FILE")/report-0-0"; true`;

describe("a test step against a hostile branch's files", () => {
  it("does not write the list of test files through a symlink the job planted", async () => {
    const victim = victimFile("precious\n");
    const victimDir = mkdtempSync(join(tmpdir(), "pitcrew-victim-dir-"));
    // both places the list has lived in: a file symlink at its path, and the folder as a symlink
    const r = await runTestJob(
      pipeline(
        `mkdir -p "$TMPDIR/pitcrew-tests/1" && ln -s ${victim} "$TMPDIR/pitcrew-tests/1/files.txt" && ln -s ${victimDir} "$TMPDIR/pitcrew-tests-1-x"`,
      ),
      { "a.test.mjs": passing },
    );
    expect(r.outcome.status).toBe("success");
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readdirSync(victimDir)).toEqual([]);
    const second = await runTestJob(pipeline(`ln -s ${victimDir} "$TMPDIR/pitcrew-tests"`), { "a.test.mjs": passing });
    expect(second.outcome.status).toBe("success");
    expect(readdirSync(victimDir)).toEqual([]);
  });

  it("does not read a report that is a symlink to a file the job cannot see", async () => {
    const secret = victimFile(
      `<testsuite name="s" tests="1"><testcase classname="s" name="${SECRET}"><failure message="${SECRET}"/></testcase></testsuite>\n`,
    );
    const r = await runTestJob(pipeline("true", atReport(`ln -s ${secret}`)), { "a.test.mjs": passing });
    expect(r.log).not.toContain(SECRET);
    expect(r.order.join("\n")).not.toContain(SECRET);
    expect(r.log).toContain("tests: a.test.mjs: its report is a symbolic link, not read");
    expect(r.outcome).toMatchObject({
      status: "failure",
      reason: "step 'tests' failed: 1 test file(s) failed: a.test.mjs",
    });
  });

  it("does not hang on a FIFO, nor read a report over the limit", async () => {
    const fifo = await runTestJob(pipeline("true", atReport("mkfifo")), { "a.test.mjs": passing });
    expect(fifo.log).toContain("tests: a.test.mjs: its report is not a regular file, not read");
    expect(fifo.outcome.status).toBe("failure");
    // 8 GiB, sparse: costs no disk, and reading it first would take the memory
    const huge = await runTestJob(pipeline("true", atReport("truncate -s 8G")), { "a.test.mjs": passing });
    expect(huge.log).toContain("tests: a.test.mjs: its report is 8589934592 bytes, over 33554432");
    expect(huge.outcome.status).toBe("failure");
  }, 20_000);

  it("writes its rewritten reports into its own folder, not through the checkout's .pitcrew/tests", async () => {
    const outside = mkdtempSync(join(tmpdir(), "pitcrew-outside-"));
    const r = await runTestJob(pipeline(`mkdir -p .pitcrew && ln -s ${outside} .pitcrew/tests`), {
      "a.test.mjs": passing,
    });
    expect(r.outcome.status).toBe("success");
    expect(readdirSync(outside)).toEqual([]);
    expect(r.order).toEqual(["a.test.mjs a.test.mjs > ok: passed"]);
  });
});
