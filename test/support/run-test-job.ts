/**
 * Runs a one-job pipeline through the step loop in a fresh workspace on this machine (the local
 * executor, no server): the harness of the `tests:` block tests. The test steps' reports are
 * read back from the workspace's `output` folder, where pitcrew writes them.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { systemClock } from "../../src/common/clock.js";
import { compilePipeline } from "../../src/pipeline/index.js";
import { collectReports } from "../../src/reports/index.js";
import { createLocalExecutor, createWorkspace, runSteps, type StepSink } from "../../src/runner/index.js";
import type { TestAdvisor } from "../../src/runner/tests/test-advice.js";

/** Runs c, b, a: the reverse of path order, so following the advice is visible. */
export const reversed: TestAdvisor = async ({ testFiles }) => ({
  run: [...testFiles].reverse(),
  skipped: [],
  summary: "reversed for the test",
  flaky: new Map(),
});

/** Runs the pipeline's single job in a fresh workspace holding `files` (node_modules linked in when given). */
export async function runTestJob(
  pipeline: string,
  files: Record<string, string>,
  nodeModules?: string,
  advise: TestAdvisor = reversed,
) {
  const plan = compilePipeline(pipeline, { event: "manual", branch: "main", commit: "c0ffee" }).plan!;
  const job = plan.jobs[0]!;
  const ws = createWorkspace(mkdtempSync(join(tmpdir(), "pitcrew-adapter-")), {
    runId: 1,
    jobKey: job.key,
    attempt: 1,
  });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws.dir, path)), { recursive: true });
    writeFileSync(join(ws.dir, path), text);
  }
  if (nodeModules) symlinkSync(nodeModules, join(ws.dir, "node_modules"));
  const log: string[] = [];
  const sink: StepSink = {
    stepStarted: async () => {},
    stepSkipped: async () => {},
    stepFinished: async () => {},
    stepPid: () => {},
    line: (_idx, _stream, line) => void log.push(line),
    endStep: () => {},
  };
  const outcome = await runSteps({
    run: {
      id: 1,
      number: 1,
      projectName: "p",
      event: "manual",
      branch: "main",
      commit: "c0ffee",
      baseBranch: null,
      env: {},
      inputs: {},
    },
    jobKey: job.key,
    spec: job,
    needs: {},
    secrets: {},
    workspace: ws,
    executor: createLocalExecutor({ killGraceMs: 1000 }),
    signal: new AbortController().signal,
    clock: systemClock,
    sink,
    advise,
  });
  const reports = await collectReports(ws.output, job.reports);
  const order = reports.cases.map((c) => `${c.file} ${c.classname} > ${c.name}: ${c.status}`);
  return { outcome, log: log.join("\n"), order, ws };
}
