/**
 * A pipeline's `tests:` block through the CI engine on a real repository with node:test files:
 * the order learnt from the stored history (the file that failed runs first), fail_fast leaving
 * files unrun and saying which, a known flaky failure rerun and then quarantined (the step passes),
 * and left out of the pass-rate gate; everything read back from the stored reports and the job's log.
 */
import { symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { createRepo, gitIn } from "../support/git-repo.js";
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

    // The flaky list (`pitcrew tests flaky`, the API) shows it with its evidence.
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
  }, 60_000);

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
