import { TEST_REPORTS_DIR } from "../../pipeline/index.js";
import { collectReports } from "../../reports/index.js";
import type { Job, Run } from "../../store/index.js";
import { testId } from "../../testintel/index.js";
import type { RunnerDeps } from "./runner-deps.js";
import { storeArtifacts } from "./store-artifacts.js";

/**
 * Stores a finished attempt's artifacts (blob store) and parsed reports (store) from the files
 * in `workspace`: the job's checkout on a server worker, or the files an agent uploaded; on a
 * server worker the test steps' reports come from the workspace's `output` folder (`testOutput`)
 * instead, out of the job's reach. Problems go to the job's log through `sys`; they never fail
 * the job. Failures of the test ids in `quarantined` (the step loop's) are stored as quarantined:
 * kept in the history, not gated on.
 */
export async function collectOutputs(
  deps: RunnerDeps,
  run: Run,
  job: Job,
  workspace: string,
  sys: (l: string) => void,
  quarantined: readonly string[] = [],
  testOutput?: string,
) {
  const excused = new Set(quarantined);
  const { store, clock } = deps;
  if (job.spec.artifacts.length > 0) {
    try {
      const files = await storeArtifacts(deps, run.id, job, workspace, sys);
      await store.artifacts.add(files.map((f) => ({ ...f, runId: run.id, jobId: job.id, createdAt: clock.now() })));
      sys(`artifacts: ${files.length} file(s) stored`);
    } catch (err) {
      sys(`artifacts not collected: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const r = job.spec.reports;
  if (r.junit.length + r.coverage.length === 0) return;
  const testReports = `${TEST_REPORTS_DIR}/**/*.xml`;
  const fromWorkspace = testOutput === undefined ? r : { ...r, junit: r.junit.filter((g) => g !== testReports) };
  const found = await collectReports(workspace, fromWorkspace, {});
  if (testOutput !== undefined && r.junit.includes(testReports)) {
    const own = await collectReports(testOutput, { junit: [testReports], coverage: [] }, {});
    found.cases.push(...own.cases);
    found.problems.push(...own.problems);
  }
  for (const p of found.problems) sys(`report problem: ${p}`);
  await store.reports.addTests(
    found.cases.map((c) => ({
      runId: run.id,
      jobId: job.id,
      suite: c.suite,
      classname: c.classname,
      name: c.name,
      file: c.file,
      status: c.status,
      durationMs: c.durationMs,
      message: c.message,
      details: c.details,
      projectId: run.projectId,
      testId: testId(c),
      quarantined: c.status !== "passed" && c.status !== "skipped" && excused.has(testId(c)),
      attempt: job.attempt,
      commitSha: run.commit,
      branch: run.branch,
      createdAt: clock.now(),
    })),
  );
  await store.reports.addCoverage(found.coverage.map((f) => ({ ...f, runId: run.id, jobId: job.id })));
  sys(`reports: ${found.cases.length} test case(s), ${found.coverage.length} covered file(s)`);
}
