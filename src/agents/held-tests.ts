/**
 * The server's side of a `tests:` step run by an agent. The agent matches the step's test files in
 * its workspace and asks (`POST /api/agent/jobs/:lease/tests`); the server answers with the advice
 * a server worker's step gets: the order and selection from the project's history and a checkout
 * of the run's commit made here, and the flaky tests. The mode comes from the job's spec on the
 * server, never from the agent. One advice per step and lease: a repeated question (a retry) gets
 * the same answer. The advice has a deadline (ADVICE_LIMITS): when the checkout it needs is not
 * to be had in time, or fails, the advice falls back to the test history alone and the job's log
 * says so, so `finish` (which waits for pending advice) waits no longer. At `finish`, the
 * quarantined test ids the agent names are kept only when this advice called them flaky: an agent
 * cannot excuse a failure the history does not excuse.
 */
import { ValidationError } from "../common/errors.js";
import {
  type AdviceLimits,
  adviseAtCommit,
  type RunnerDeps,
  recordTestSelection,
  type TestAdvice,
} from "../runner/index.js";
import type { HeldJob } from "./held-job.js";
import { isWireTestId, MAX_ADVICE_FLAKY, type TestsAdvice } from "./protocol.js";

/** The advice for step `step` of the job `h` holds, given the test files the agent matched (`limits`: tests only). */
export function adviseHeldStep(
  r: RunnerDeps,
  h: HeldJob,
  step: number,
  testFiles: string[],
  limits?: AdviceLimits,
): Promise<TestsAdvice> {
  const tests = h.begun.job.spec.steps[step]?.tests;
  if (!tests) throw new ValidationError(`step ${step} of job '${h.begun.job.key}' has no tests: block`);
  const known = h.advice.get(step);
  if (known) return known;
  const asked = (async () => {
    const project = await r.store.projects.get(h.begun.run.projectId);
    const { advice, fallback } = await adviseAtCommit(
      r,
      project,
      h.begun.run,
      h.begun.job.key,
      { step, mode: tests.select, testFiles: [...new Set(testFiles)] },
      limits,
    );
    const say = (line: string) => h.begun.logs.write(-1, "system", line);
    if (fallback !== undefined)
      say(`pitcrew: the server's test advice for step ${step} fell back to the test history alone: ${fallback}`);
    const { run, job } = h.begun;
    const where = { projectId: run.projectId, runId: run.id, jobId: job.id, attempt: job.attempt, step };
    // stored before the agent hears the advice, as a server worker's step stores it before it runs
    await recordTestSelection(r.store, where, { mode: tests.select, testFiles }, advice, r.clock.now(), fallback).catch(
      (err: unknown) =>
        say(`pitcrew: the test selection of step ${step} was not stored: ${err instanceof Error ? err.message : err}`),
    );
    return toWire(advice);
  })();
  h.advice.set(step, asked);
  // a failed advice may be asked again (the agent's retry)
  asked.catch(() => h.advice.delete(step));
  return asked;
}

/** The ids of `claimed` that an advice of this job called flaky, and how many others were dropped. */
export async function excusedIds(h: HeldJob, claimed: readonly string[]): Promise<{ kept: string[]; dropped: number }> {
  const flaky = new Set<string>();
  for (const asked of h.advice.values()) {
    const advice = await asked.catch(() => undefined);
    for (const f of advice?.flaky ?? []) if (f.flaky) flaky.add(f.id);
  }
  const kept = [...new Set(claimed)].filter((id) => flaky.has(id));
  return { kept, dropped: new Set(claimed).size - kept.length };
}

/**
 * The advice as the protocol carries it: each file once (in `run`, else in `skipped`), flaky tests
 * as a list (those known flaky first, bounded; an id the protocol cannot carry, such as "" from a
 * nameless JUnit case, is left out: the agent would refuse the whole answer), texts cut.
 */
export function toWire(a: TestAdvice): TestsAdvice {
  const cut = (s: string) => (s.length > 2000 ? `${s.slice(0, 1999)}…` : s);
  const flaky = [...a.flaky.entries()]
    .map(([id, f]) => ({ id, flaky: f.flaky, evidence: cut(f.evidence) }))
    .filter((f) => isWireTestId(f.id))
    .sort((x, y) => Number(y.flaky) - Number(x.flaky))
    .slice(0, MAX_ADVICE_FLAKY);
  const run = [...new Set(a.run)];
  const seen = new Set(run);
  const skipped = a.skipped.filter((s) => !seen.has(s.file) && seen.add(s.file));
  return {
    run,
    skipped: skipped.map((s) => ({ file: s.file, detail: cut(s.detail) })),
    summary: cut(a.summary),
    flaky,
  };
}
