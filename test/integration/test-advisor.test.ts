/**
 * The server's test advice on SQLite and PostgreSQL, from real stored outcomes: "passed on this
 * commit" (which makes a failure flaky, so rerun or quarantined) counts only a pass in the same
 * job — a matrix leg where a test passes does not excuse the leg where it fails every time — and
 * a pushed run takes no such evidence from a pull request's run, while a pull request's run may.
 * The expected time of a test file comes from trusted runs only, whoever asks.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../src/common/plan.js";
import { systemClock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { MAX_TEST_DURATION_MS } from "../../src/reports/index.js";
import { historyAdvisor } from "../../src/runner/engine/test-advisor.js";
import { createStore, type RunTrust, type Store } from "../../src/store/index.js";
import { createHistorySelector } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { plan as oneJob } from "../support/test-history.js";

const COMMIT = "c".repeat(40);
const leg = (node: string) => ({ ...oneJob.jobs[0]!, key: `test (node: ${node})`, matrix: { node } });
const matrix: Plan = { ...oneJob, jobs: [leg("18"), leg("20")] };

/** Stores a run on COMMIT whose jobs report `x.works` passed (true) or failed, by job key. */
async function storeRun(s: Store, projectId: number, trust: RunTrust, passed: Record<string, boolean>, durationMs = 5) {
  const event = trust === "pull_request" ? "pull_request" : "push";
  const run = await s.runs.create({
    projectId,
    event,
    branch: "main",
    commit: COMMIT,
    plan: matrix,
    triggeredBy: "t",
    trust,
  });
  for (const job of await s.jobs.listForRun(run.id)) {
    if (!(job.key in passed)) continue;
    await s.reports.addTests([
      {
        runId: run.id,
        jobId: job.id,
        suite: "x",
        classname: "x",
        name: "works",
        file: "x.test.js",
        status: passed[job.key] ? "passed" : "failed",
        durationMs,
        projectId,
        testId: "x.works",
        attempt: 1,
        commitSha: COMMIT,
        branch: "main",
        createdAt: Date.now(),
      },
    ]);
  }
  return run;
}

describe.each(await testDialects())("the test advice on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  it("counts a pass on this commit only in the same job, and a pull request's pass only for pull requests", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const project = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const selector = createHistorySelector(s);
    const advise = async (trust: RunTrust, jobKey: string) => {
      const run = await storeRun(s, project.id, trust, {});
      const advice = await historyAdvisor(s, selector, project, run, jobKey, {
        mirror: "/tmp/app",
        base: async () => undefined,
      })({
        step: 0,
        mode: "all",
        testFiles: ["x.test.js"],
        repoDir: "/tmp/app",
      });
      return advice.flaky.get("x.works");
    };

    // node 18 passes, node 20 fails, on one commit: not flaky for node 20, in no way
    await storeRun(s, project.id, "protected", { "test (node: 18)": true, "test (node: 20)": false });
    expect((await advise("protected", "test (node: 20)"))?.flaky ?? false).toBe(false);

    // a pull request's run on the same commit where node 20 passes
    const pr = await storeRun(s, project.id, "pull_request", { "test (node: 20)": true });
    expect((await advise("protected", "test (node: 20)"))?.flaky ?? false).toBe(false);
    expect(await advise("pull_request", "test (node: 20)")).toEqual({
      flaky: true,
      evidence: `passed on this commit in run ${pr.id} (attempt 1)`,
    });

    // a pushed run where node 20 passes: now it counts for pushed runs too
    // a pass on an unprotected branch counts for branch runs, not for the protected branch's
    const onBranch = await storeRun(s, project.id, "branch", { "test (node: 20)": true });
    expect((await advise("protected", "test (node: 20)"))?.flaky ?? false).toBe(false);
    expect(await advise("branch", "test (node: 20)")).toEqual({
      flaky: true,
      evidence: `passed on this commit in run ${onBranch.id} (attempt 1)`,
    });
    const onMain = await storeRun(s, project.id, "protected", { "test (node: 20)": true });
    expect(await advise("protected", "test (node: 20)")).toEqual({
      flaky: true,
      evidence: `passed on this commit in run ${onMain.id} (attempt 1)`,
    });
  });

  it("expects a file's time from trusted runs only: a pull request's report claiming a day is not read", async () => {
    tdb = await make();
    const s = createStore(tdb.database, systemClock, createSecretBox(randomBytes(32)));
    const project = await s.projects.create({ name: "app", repoUrl: "/tmp/app" });
    await storeRun(s, project.id, "protected", { "test (node: 18)": true }, 40);
    await storeRun(s, project.id, "pull_request", { "test (node: 18)": true }, MAX_TEST_DURATION_MS);
    const asking = await storeRun(s, project.id, "pull_request", {});
    const advice = await historyAdvisor(s, createHistorySelector(s), project, asking, "test (node: 18)", {
      mirror: "/tmp/app",
      base: async () => undefined,
    })({ step: 0, mode: "all", testFiles: ["x.test.js"], repoDir: "/tmp/app" });
    expect(Object.fromEntries(advice.expectedMs ?? [])).toEqual({ "x.test.js": 40 });
  });
});
