/**
 * A pipeline's `tests:` block through the CI engine on a real repository with node:test files:
 * the order learnt from the stored history (the file that failed runs first), fail_fast leaving
 * files unrun and saying which, a known flaky failure rerun and then quarantined (the step passes),
 * and left out of the pass-rate gate; a failure outside the change (DeFlaker) rerun but never
 * quarantined for that alone; everything read back from the stored reports and the job's log.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo, gitIn } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const ROOT = resolve(import.meta.dirname, "../..");
const passing = (name: string) => `import test from "node:test";\ntest("${name}", () => {});\n`;
// Fails in odd-numbered runs, passes in even ones: flaky on one commit once run twice.
const flaky = `import test from "node:test";
test("sometimes", () => {
  if (Number(process.env.PITCREW_RUN_NUMBER) % 2 === 1) throw new Error("odd run");
});
`;

const PIPELINE = `gates: { tests_pass_rate: 1.0 }
jobs:
  test:
    steps:
      - name: unit tests
        tests:
          framework: node-test
          select: prioritize
          fail_fast: true
          rerun_flaky: 1
          quarantine: true
          files: "test/*.test.mjs"
`;

describe("a pipeline's tests: block", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 1 });
  });
  afterAll(async () => t?.dispose());

  it("orders by history, stops at the first failure, reruns and quarantines a known flaky test", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "test/a.test.mjs": passing("a"),
      "test/b.test.mjs": flaky,
      "test/c.test.mjs": passing("c"),
    });
    const project = await t.app.store.projects.create({ name: "tiny", repoUrl: repo, sandbox: false });
    const run = async () => {
      const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
      const status = await t.waitForRun(res.run!.id);
      const [job] = await t.app.store.jobs.listForRun(res.run!.id);
      const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line).join("\n");
      const tests = (await t.app.store.reports.tests(res.run!.id)).map(
        (c) => `${c.file}:${c.status}${c.quarantined ? " (quarantined)" : ""}`,
      );
      return { status, job: job!, log, tests };
    };

    // Run 1: no history, path order; b fails (nothing known about it), fail_fast leaves c unrun.
    const first = await run();
    expect(first.status).toBe("failure");
    expect(first.tests).toEqual(["test/a.test.mjs:passed", "test/b.test.mjs:failed"]);
    expect(first.log).toContain(
      "tests: fail_fast: stopped after test/b.test.mjs; 1 file(s) did not run: test/c.test.mjs",
    );
    expect(first.job.reason).toBe("step 'unit tests' failed: 1 test file(s) failed: test/b.test.mjs");

    // Run 2, same commit: b failed last time, so it runs first (a and c, both without failures,
    // follow in an order their measured durations decide); b passes, and is now flaky (failed and
    // passed on one commit).
    const second = await run();
    expect(second.status).toBe("success");
    expect(second.tests[0]).toBe("test/b.test.mjs:passed");
    expect(second.tests.slice(1).sort()).toEqual(["test/a.test.mjs:passed", "test/c.test.mjs:passed"]);

    // Run 3: b fails again; known flaky, so it is rerun once, then quarantined: the step passes,
    // and the pass-rate gate leaves its stored failures out.
    const third = await run();
    expect(third.tests.slice(0, 2)).toEqual([
      "test/b.test.mjs:failed (quarantined)",
      "test/b.test.mjs:failed (quarantined)",
    ]);
    expect(third.tests.slice(2).sort()).toEqual(["test/a.test.mjs:passed", "test/c.test.mjs:passed"]);
    expect(third.log).toContain("tests: 3 of 3 file(s), select: prioritize (most likely failures first)");
    expect(third.log).toMatch(/tests: rerunning test\/b\.test\.mjs \(1 of 1\): test\/b\.test\.mjs\.sometimes is flaky/);
    expect(third.log).toMatch(
      /tests: quarantined test\/b\.test\.mjs\.sometimes in test\/b\.test\.mjs: .*passed on this commit/,
    );
    expect(third.status).toBe("success");

    // The flaky list (`pitcrew tests flaky`, the API) shows it with its evidence; run 3 changed
    // nothing since the last green run (the same commit): an empty change puts no failure outside it.
    const flakyList = await t.server.inject({
      method: "GET",
      url: "/api/projects/tiny/tests/flaky",
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(flakyList.json().tests).toEqual([
      expect.objectContaining({
        id: "test/b.test.mjs.sometimes",
        flaky: true,
        evidence: [expect.stringMatching(/failed and passed in the same run/)],
      }),
    ]);
    expect(flakyList.json().tests[0].outsideChange).toBeUndefined();
  }, 60_000);

  it("reruns a failure outside the change (its imports hold no changed file), never one inside it, and quarantines neither", async () => {
    const flakes = mkdtempSync(join(tmpdir(), "pitcrew-deflake-"));
    // fails as many times as its counter file says, then passes
    const failsWhileCounted = (name: string) => `import test from "node:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { value } from "../src/${name}.mjs";
const counter = ${JSON.stringify(join(flakes, name))};
test("counted", () => {
  const left = existsSync(counter) ? Number(readFileSync(counter, "utf8")) : 0;
  if (left > 0) {
    writeFileSync(counter, String(left - 1));
    throw new Error("flake " + value);
  }
});
`;
    const flakeNext = (name: string, times: number) => writeFileSync(join(flakes, name), String(times));
    const files: Record<string, string> = {
      ".pitcrew/pipeline.yaml": PIPELINE.replace("fail_fast: true", "fail_fast: false"),
    };
    for (const name of ["a", "b", "c", "d"]) {
      files[`src/${name}.mjs`] = `export const value = "${name}1";\n`;
      files[`test/${name}.test.mjs`] = failsWhileCounted(name);
    }
    const repo = createRepo(files);
    const project = await t.app.store.projects.create({ name: "deflake", repoUrl: repo, sandbox: false });
    const push = async () => {
      const res = await triggerRun(t.app.runner, project.id, { event: "push", triggeredBy: "test" });
      const status = await t.waitForRun(res.run!.id);
      const [job] = await t.app.store.jobs.listForRun(res.run!.id);
      const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line).join("\n");
      const tests = (await t.app.store.reports.tests(res.run!.id)).map(
        (c) => `${c.file}:${c.status}${c.quarantined ? " (quarantined)" : ""}`,
      );
      return { status, log, tests };
    };

    // Run 1: green, the base of the next pushes.
    expect((await push()).status).toBe("success");

    // Run 2 changes src/a.mjs; b (importing only src/b.mjs) fails once: outside the change, so
    // rerun although nothing marks it flaky yet; it passes, and the step with it.
    commitFiles(repo, { "src/a.mjs": 'export const value = "a2";\n' }, "change a");
    flakeNext("b", 1);
    const second = await push();
    expect(second.log).toMatch(
      /tests: test\/b\.test\.mjs: suspect: outside the change \(none of its 1 known direct or recorded dependencies changed \(import graph\)\): test\/b\.test\.mjs\.counted/,
    );
    expect(second.log).toMatch(
      /tests: rerunning test\/b\.test\.mjs \(1 of 1\): test\/b\.test\.mjs\.counted is suspect: outside the change/,
    );
    expect(second.log).toContain("tests: test/b.test.mjs passed on rerun 1: flaky, not a failure of this change");
    expect(second.status).toBe("success");
    // the rerun's pass is not stored: with it, this one rerun would be a fail-and-pass on the commit
    expect(second.tests.filter((x) => x.startsWith("test/b."))).toEqual(["test/b.test.mjs:failed (quarantined)"]);

    // Run 3: c fails twice outside the change: rerun once, still failing, and not quarantined
    // (a failure outside the change may be a real break of the environment).
    commitFiles(repo, { "src/a.mjs": 'export const value = "a3";\n' }, "change a again");
    flakeNext("c", 2);
    const third = await push();
    expect(third.log).toMatch(/tests: rerunning test\/c\.test\.mjs \(1 of 1\)/);
    expect(third.tests.filter((x) => x.startsWith("test/c."))).toEqual([
      "test/c.test.mjs:failed",
      "test/c.test.mjs:failed",
    ]);
    expect(third.status).toBe("failure");

    // Run 4 changes src/d.mjs (the base is still run 2's commit): d fails inside the change, not rerun.
    commitFiles(repo, { "src/d.mjs": 'export const value = "d4";\n' }, "change d");
    flakeNext("d", 1);
    const fourth = await push();
    expect(fourth.log).toContain(
      "tests: test/d.test.mjs not rerun: test/d.test.mjs.counted is not known flaky and the file is inside the change",
    );
    expect(fourth.log).not.toMatch(/test\/d\.test\.mjs: suspect/);
    expect(fourth.status).toBe("failure");

    // The flaky list shows the failures outside the change as evidence; they make nothing flaky alone.
    const flakyList = await t.server.inject({
      method: "GET",
      url: "/api/projects/deflake/tests/flaky",
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    const listed = new Map<string, { flaky: boolean; outsideChange?: number; evidence: string[] }>(
      flakyList.json().tests.map((x: { id: string }) => [x.id, x]),
    );
    expect(listed.get("test/b.test.mjs.counted")).toMatchObject({ flaky: false, mixedRuns: 0, outsideChange: 1 });
    expect(listed.get("test/b.test.mjs.counted")!.evidence).toContainEqual(
      expect.stringMatching(/^run \d+ \(\w{7}, main\): failed outside the change \(none of its 1 known/),
    );
    expect(listed.get("test/c.test.mjs.counted")).toMatchObject({ flaky: false, outsideChange: 1 });
    expect(listed.get("test/d.test.mjs.counted")?.outsideChange).toBeUndefined();

    // Run 5: b breaks for real: its one rerun in run 2 did not make it flaky, so it is neither rerun
    // (its failure in run 2 is recent: not outside the change either) nor quarantined.
    commitFiles(repo, { "src/a.mjs": 'export const value = "a5";\n' }, "change a once more");
    flakeNext("b", 2);
    const fifth = await push();
    expect(fifth.tests.filter((x) => x.startsWith("test/b."))).toEqual(["test/b.test.mjs:failed"]);
    expect(fifth.log).not.toMatch(/quarantined test\/b/);
    expect(fifth.status).toBe("failure");
  }, 120_000);

  it("runs vitest files through the server, stopping at the first failing file", async () => {
    const test = (name: string, ok: boolean) =>
      `import { expect, test } from "vitest";\ntest("${name}", () => { expect(${ok}).toBe(true); });\n`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": `jobs:
  test:
    steps:
      - tests: { framework: vitest, select: prioritize, fail_fast: true }
`,
      "package.json": '{ "name": "tiny-vitest", "private": true, "type": "module" }\n',
      "src/a.test.js": test("a", false),
      "src/b.test.js": test("b", true),
    });
    // pitcrew's own vitest, linked in as the project's installed dependencies
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"));
    gitIn(repo, "add", "node_modules");
    gitIn(repo, "commit", "-qm", "link node_modules");
    const project = await t.app.store.projects.create({ name: "tiny-vitest", repoUrl: repo, sandbox: false });
    const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("failure");
    const stored = await t.app.store.reports.tests(res.run!.id);
    expect(stored.map((c) => `${c.classname} > ${c.name}: ${c.status}`)).toEqual(["src/a.test.js > a: failed"]);
    const [job] = await t.app.store.jobs.listForRun(res.run!.id);
    const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line);
    expect(log).toContain("tests: fail_fast: stopped after src/a.test.js; 1 file(s) did not run: src/b.test.js");
  }, 60_000);
});
