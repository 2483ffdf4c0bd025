/**
 * Change-based selection through the CI engine on a real repository with node:test files: the
 * first run has no green commit to compare with and runs everything, recording each test file's
 * dependencies from V8 coverage (a trusted run of the default branch); after a change to one source
 * file, a push run diffs against the last green commit and runs only the test that reaches it,
 * saying why the other was skipped.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const PIPELINE = `jobs:
  test:
    steps:
      - name: unit tests
        tests:
          framework: node-test
          select: select
          coverage: true
          files: "test/*.test.mjs"
`;
const testOf = (name: string) =>
  `import test from "node:test";\nimport assert from "node:assert";\nimport { ${name} } from "../src/${name}.mjs";\ntest("${name}", () => assert.equal(${name}(), 1));\n`;

describe("change-based test selection in a pipeline", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ concurrency: 1 });
  });
  afterAll(async () => t?.dispose());

  it("runs everything first, then only the test a changed file reaches", async () => {
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": PIPELINE,
      "src/alpha.mjs": "export const alpha = () => 1;\n",
      "src/beta.mjs": "export const beta = () => 1;\n",
      "test/alpha.test.mjs": testOf("alpha"),
      "test/beta.test.mjs": testOf("beta"),
    });
    const project = await t.app.store.projects.create({ name: "select", repoUrl: resolve(repo), sandbox: false });
    const run = async () => {
      const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
      const status = await t.waitForRun(res.run!.id);
      const [job] = await t.app.store.jobs.listForRun(res.run!.id);
      const log = (await t.app.store.logs.list(job!.id, job!.attempt)).map((l) => l.line).join("\n");
      const files = (await t.app.store.reports.tests(res.run!.id)).map((c) => c.file).sort();
      return { status, log, files };
    };

    const first = await run();
    expect(first.status).toBe("success");
    expect(first.files).toEqual(["test/alpha.test.mjs", "test/beta.test.mjs"]);
    expect(first.log).toContain("no base commit");
    expect(first.log).toMatch(/tests: dependencies of 2 test file\(s\) recorded from V8 coverage/);

    commitFiles(repo, { "src/beta.mjs": "export const beta = () => 2 - 1;\n" }, "touch beta");
    const second = await run();
    expect(second.status).toBe("success");
    expect(second.files).toEqual(["test/beta.test.mjs"]);
    expect(second.log).toContain("tests: 1 of 2 file(s)");
    expect(second.log).toMatch(/tests: skipped test\/alpha\.test\.mjs: /);
    // the selection is stored with the step, alpha's time (measured in the first run) as saved
    const [chosen, everything] = await t.app.store.testSelections.list(project.id, { limit: 10 });
    expect(everything).toMatchObject({ mode: "select", filesTotal: 2, filesRun: 2, skippedCount: 0, step: 0 });
    expect(chosen).toMatchObject({ mode: "select", filesTotal: 2, filesRun: 1, unmeasuredSkipped: 0, skippedCount: 1 });
    const logged = /tests: skipped test\/alpha\.test\.mjs: (.+)/.exec(second.log)![1];
    // a list reads no skipped files (each row's may hold 200); one selection read by id has them
    expect(chosen).not.toHaveProperty("skipped");
    const one = await t.app.store.testSelections.get(project.id, chosen!.id);
    expect(one!.skipped).toEqual([{ file: "test/alpha.test.mjs", detail: logged }]);
  }, 120_000);

  it("never runs git in the job's workspace: a step's core.fsmonitor does not run on the server", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "pitcrew-fsmonitor-")), "ran");
    const pipeline = `jobs:
  test:
    steps:
      - run: git config core.fsmonitor "touch ${marker}; false"
      - name: unit tests
        tests: { framework: node-test, select: select, files: "test/*.test.mjs" }
`;
    const repo = createRepo({
      ".pitcrew/pipeline.yaml": pipeline,
      "src/alpha.mjs": "export const alpha = () => 1;\n",
      "test/alpha.test.mjs": testOf("alpha"),
    });
    const project = await t.app.store.projects.create({ name: "fsmonitor", repoUrl: resolve(repo), sandbox: false });
    for (let i = 0; i < 2; i++) {
      if (i === 1) commitFiles(repo, { "src/alpha.mjs": "export const alpha = () => 2 - 1;\n" }, "touch alpha");
      const res = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
      expect(await t.waitForRun(res.run!.id)).toBe("success");
    }
    expect(existsSync(marker)).toBe(false);
  }, 120_000);
});
