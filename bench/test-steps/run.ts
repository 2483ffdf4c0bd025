/**
 * What a step's `tests:` block costs and buys, on a generated node:test project (20 files, each
 * test doing 100 ms of work, the last file in path order failing), in one run:
 *
 * - baseline: one `node --test` process running every file (how a pipeline runs them without a
 *   tests: block), wall-clock to its exit;
 * - pitcrew, `select: all`: the same files one process per file, through the step loop on the
 *   local executor: the overhead per file over the baseline;
 * - pitcrew, prioritised with fail_fast: the failing file first (the order the history gives after
 *   one failing run, see test/integration/test-steps.test.ts), time to the failure.
 *
 * Usage: npm run bench:test-steps [-- --files 20 --rounds 3]
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../../src/common/clock.js";
import { compilePipeline } from "../../src/pipeline/index.js";
import { createLocalExecutor, createWorkspace, runSteps, type StepSink } from "../../src/runner/index.js";
import type { TestAdvisor } from "../../src/runner/tests/test-advice.js";

const { values } = parseArgs({
  options: { files: { type: "string", default: "20" }, rounds: { type: "string", default: "3" } },
});
const FILES = Number(values.files);
const ROUNDS = Number(values.rounds);

const name = (i: number) => `test/t${String(i).padStart(3, "0")}.test.mjs`;
const source = (i: number) => `import test from "node:test";
test("works ${i}", async () => {
  const end = Date.now() + 100;
  while (Date.now() < end) {}
  if (${i === FILES - 1}) throw new Error("the regression");
});
`;

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "pitcrew-bench-tests-"));
  mkdirSync(join(dir, "test"));
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, name(i)), source(i));
  return dir;
}

function baseline(dir: string): Promise<number> {
  const start = performance.now();
  return new Promise((res) => {
    execFile("node", ["--test", ...Array.from({ length: FILES }, (_, i) => name(i))], { cwd: dir }, () =>
      res(performance.now() - start),
    );
  });
}

async function pitcrew(dir: string, yaml: string, advise: TestAdvisor): Promise<number> {
  const job = compilePipeline(yaml, { event: "manual", branch: "main", commit: "c" }).plan!.jobs[0]!;
  const ws = createWorkspace(mkdtempSync(join(tmpdir(), "pitcrew-bench-ws-")), { runId: 1, jobKey: "t", attempt: 1 });
  await import("node:fs/promises").then((fs) => fs.cp(join(dir, "test"), join(ws.dir, "test"), { recursive: true }));
  const quiet: StepSink = {
    stepStarted: async () => {},
    stepSkipped: async () => {},
    stepFinished: async () => {},
    stepPid: () => {},
    line: () => {},
    endStep: () => {},
  };
  const start = performance.now();
  await runSteps({
    run: {
      id: 1,
      number: 1,
      projectName: "b",
      event: "manual",
      branch: "main",
      commit: "c",
      baseBranch: null,
      env: {},
      inputs: {},
    },
    jobKey: "t",
    spec: job,
    needs: {},
    secrets: {},
    workspace: ws,
    executor: createLocalExecutor({ killGraceMs: 1000 }),
    signal: new AbortController().signal,
    clock: systemClock,
    sink: quiet,
    advise,
  });
  const ms = performance.now() - start;
  await ws.cleanup();
  return ms;
}

const pathOrder: TestAdvisor = async ({ testFiles }) => ({
  run: testFiles,
  skipped: [],
  summary: "",
  flaky: new Map(),
});
const failingFirst: TestAdvisor = async ({ testFiles }) => ({
  run: [testFiles.at(-1)!, ...testFiles.slice(0, -1)],
  skipped: [],
  summary: "",
  flaky: new Map(),
});
const step = (extra: string) =>
  `jobs:\n  t:\n    steps:\n      - tests: { framework: node-test, files: "test/*.test.mjs"${extra} }\n`;

const dir = project();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base: number[] = [];
const all: number[] = [];
const first: number[] = [];
const load = [loadavg()[0]!];
for (let r = 0; r < ROUNDS; r++) {
  base.push(await baseline(dir));
  all.push(await pitcrew(dir, step(""), pathOrder));
  first.push(await pitcrew(dir, step(", fail_fast: true"), failingFirst));
  load.push(loadavg()[0]!);
}
const b = median(base);
const a = median(all);
const f = median(first);
console.log(
  `${FILES} node:test files × 100 ms of work, ${ROUNDS} rounds alternating, medians (load ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)})`,
);
console.log(`baseline: one node --test process, every file     ${b.toFixed(0)} ms`);
console.log(
  `pitcrew select: all, one process per file          ${a.toFixed(0)} ms  (+${((a - b) / FILES).toFixed(0)} ms per file, ${(a / b).toFixed(2)} × baseline)`,
);
console.log(
  `pitcrew prioritised + fail_fast: time to failure   ${f.toFixed(0)} ms  (${((f / b) * 100).toFixed(1)} % of the baseline's time to report it)`,
);
