/**
 * Test history fixtures: a one-job plan with JUnit reports, and a helper that stores a run's
 * test outcomes (per job attempt) the way the job runner does.
 */
import type { Plan, PlanJob } from "../../src/common/plan.js";
import type { NewTestResult, RunTrust, Store } from "../../src/store/index.js";

const job: PlanJob = {
  key: "test",
  name: "test",
  matrix: {},
  needs: [],
  env: {},
  secrets: [],
  timeoutMs: 60_000,
  retries: { count: 1, backoffMs: 1000 },
  continueOnError: false,
  runsOn: [],
  sandbox: { enabled: false, network: false },
  steps: [{ name: "t", run: "true", env: {}, continueOnError: false }],
  artifacts: [],
  reports: { junit: ["junit.xml"], coverage: [] },
};
/** A one-job plan whose job reports JUnit results and may be retried once. */
export const plan: Plan = { name: "ci", env: {}, jobs: [job], gates: {} };

/**
 * Creates a run of `plan` on `commit` and stores each attempt's outcomes (id → failed?), stored at
 * `at` (default now); `changedFiles` is what the trigger recorded the push changed (default none);
 * `trust` is the run's (default `protected`: a push to main, the default branch, as runner/trust.ts decides).
 */
export async function storeRunOutcomes(
  s: Store,
  projectId: number,
  commit: string,
  attempts: Record<string, boolean>[],
  at?: number,
  changedFiles?: string[],
  trust: RunTrust = "protected",
) {
  const pr = trust === "pull_request" || trust === "fork";
  const run = await s.runs.create({
    projectId,
    event: pr ? "pull_request" : "push",
    branch: trust === "protected" ? "main" : "topic",
    ...(pr ? { baseBranch: "main" } : {}),
    commit,
    plan,
    triggeredBy: "t",
    trust,
    ...(changedFiles ? { changedFiles } : {}),
  });
  const [j] = await s.jobs.listForRun(run.id);
  for (const [i, outcomes] of attempts.entries()) {
    const rows: NewTestResult[] = Object.entries(outcomes).map(([id, failed]) => {
      const dot = id.lastIndexOf(".");
      return {
        runId: run.id,
        jobId: j!.id,
        suite: "s",
        classname: id.slice(0, dot),
        name: id.slice(dot + 1),
        status: failed ? "failed" : "passed",
        durationMs: 40,
        projectId,
        testId: id,
        attempt: i + 1,
        commitSha: commit,
        branch: run.branch,
        createdAt: at ?? Date.now(),
      };
    });
    await s.reports.addTests(rows);
  }
  return run;
}
