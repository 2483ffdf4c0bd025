import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../test/support/databases.js";
import { plan } from "../../test/support/test-history.js";
import { systemClock } from "../common/clock.js";
import { createSecretBox } from "../common/secret-box.js";
import { createStore } from "../store/index.js";
import { MAX_ANNOTATIONS, runCheckReport } from "./run-check-report.js";

describe("run check report", () => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  /** A store with a finished failed push run whose job reported `n` failed tests. */
  const failedRun = async (n: number, test: (i: number) => { file?: string; message?: string; details?: string }) => {
    tdb = await createSqliteTestDatabase();
    const store = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const project = await store.projects.create({ name: "lib", repoUrl: "/tmp/lib" });
    const commit = "a".repeat(40);
    const run = await store.runs.create({
      projectId: project.id,
      event: "push",
      branch: "main",
      commit,
      plan,
      triggeredBy: "t",
    });
    await store.runs.transition(run.id, ["queued"], "failure", "job test failed");
    const [job] = await store.jobs.listForRun(run.id);
    await store.reports.addTests(
      Array.from({ length: n }, (_, i) => ({
        runId: run.id,
        jobId: job!.id,
        suite: "s",
        classname: "math",
        name: `case ${i}`,
        status: "failed" as const,
        durationMs: 1,
        projectId: project.id,
        testId: `math.case ${i}`,
        attempt: 1,
        commitSha: commit,
        branch: "main",
        createdAt: 1,
        ...test(i),
      })),
    );
    return { store, run: await store.runs.get(run.id) };
  };

  it("keeps text from the job inside code spans, so it cannot become links or markup", async () => {
    const { store, run } = await failedRun(1, () => ({
      file: "test/a.test.js",
      message: "see [here](https://evil.example) `x` <img src=y>",
    }));
    const check = await runCheckReport(store, run);
    expect(check).toMatchObject({
      state: "completed",
      conclusion: "failure",
      withStatus: true,
      externalId: String(run.id),
    });
    expect(check.summary).toContain(
      "- `math › case 0` in `test/a.test.js`: `see [here](https://evil.example) 'x' <img src=y>`",
    );
    expect(check.summary).toContain("reason: `job test failed`");
  });

  it("puts log lines in the title as plain text: one line, no control or bidi characters, capped", async () => {
    const { store, run } = await failedRun(1, () => ({}));
    const [job] = await store.jobs.listForRun(run.id);
    const log = `Error:\u001b[31m boom\r\n\u202Eevil\u0000 ${"x".repeat(500)}`;
    await store.explanations.save({
      jobId: job!.id,
      attempt: 1,
      runId: run.id,
      category: "test",
      confidence: 0.9,
      explanation: { lines: [{ text: log }, { text: "second\tline" }] },
      createdAt: 1,
    });
    const check = await runCheckReport(store, run);
    expect(check.title).toMatch(
      new RegExp(`^run ${run.id}: failure — test: Error:\\[31m boom evil x+ \\| second line$`),
    );
    expect(check.title).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
    expect(check.title.length).toBeLessThanOrEqual(255);
  });

  it("annotates failed tests on their line inside the repository, at most MAX_ANNOTATIONS", async () => {
    const { store, run } = await failedRun(MAX_ANNOTATIONS + 10, (i) => ({
      file: i === 0 ? "/etc/passwd" : i === 1 ? "../outside.js" : `./test/t${i}.test.js`,
      details: `AssertionError\n    at Object.<anonymous> (test/t${i}.test.js:${i + 3}:5)`,
    }));
    const check = await runCheckReport(store, run);
    expect(check.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(check.annotations?.[0]).toMatchObject({
      path: "test/t2.test.js",
      startLine: 5,
      endLine: 5,
      level: "failure",
    });
    expect(check.annotations?.some((a) => a.path.includes("..") || a.path.startsWith("/"))).toBe(false);
    expect(check.summary).toContain(`### Failed tests (${MAX_ANNOTATIONS + 10})`);
    expect(check.summary).toContain(`- … and ${MAX_ANNOTATIONS + 10 - 100} more`);
  });
});
