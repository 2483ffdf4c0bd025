/**
 * Stages the next step of a job while the current one runs (executor lifecycle step 6), so the
 * next step's process and sandbox are set up off the critical path. Only a plain `run` step is
 * staged (a `tests:` step starts several processes of its own), only when the executor can.
 *
 *   stage(i)  ─► held i (or nothing: no `stage`, a tests step, aborted, a bad working directory)
 *   take(i, cwd) ─► held i with the same cwd ─► the staged step, to run now
 *                 ─► anything else held      ─► discarded; the step starts normally
 *   discard() ─► whatever is held is killed unseen (a skipped step, a failed job, the loop's end)
 */
import type { StagedStep, StepLaunch } from "../executor.js";
import { stepLaunch } from "./step-launch.js";
import type { StepLoopInput } from "./step-loop.js";

/** Holds at most one staged step of a job attempt (see the comment at the top of this file). */
export class StepStager {
  private held: { idx: number; launch: StepLaunch; step: StagedStep } | undefined;

  constructor(private readonly input: StepLoopInput) {}

  /** Stages step `idx` when it exists, is a plain `run` step and the executor can stage. */
  stage(idx: number): void {
    const { executor, spec, signal } = this.input;
    const step = spec.steps[idx];
    if (!executor.stage || !step || step.tests || signal.aborted) return;
    this.discard();
    try {
      const launch = stepLaunch(this.input, idx);
      this.held = { idx, launch, step: executor.stage(launch) };
    } catch {
      // e.g. a working directory outside the workspace: the step reports it at its turn, as unstaged
    }
  }

  /** The staged step `idx` if it was staged with working directory `cwd`; anything else held is discarded. */
  take(idx: number, cwd: string): StagedStep | undefined {
    const held = this.held;
    this.held = undefined;
    if (held?.idx === idx && held.launch.cwd === cwd) return held.step;
    held?.step.discard();
    return undefined;
  }

  /** Kills whatever is held. */
  discard(): void {
    this.held?.step.discard();
    this.held = undefined;
  }
}
