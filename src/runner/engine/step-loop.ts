/**
 * The steps of one job attempt, in order, on an executor: the one copy of the step loop, run by
 * a server worker (`job-runner.ts`) and by `pitcrew agent` alike. What happens to each step is
 * told to a {@link StepSink}: the server's sink writes the store, the bus and the log; an
 * agent's sends the same facts to the server.
 *
 *   per step: `if` (default success()) false ──► skipped
 *             deadline passed ──► the job fails (timed out), remaining steps are left to the caller
 *             started ─► executor.runStep (output masked, line by line) ─► finished
 *             (a step with `tests:` runs its test files instead, tests/test-step.ts)
 *             cancelled ──► stop;  failure ──► state failure unless continue-on-error
 */
import { evaluateCondition } from "../../pipeline/index.js";
import type { Clock } from "../../common/clock.js";
import type { PlanJob, TriggerEvent } from "../../common/plan.js";
import type { Status } from "../../store/index.js";
import type { Executor, LogStream, StepInvocation } from "../executor.js";
import { pathOrderAdvisor, type TestAdvisor } from "../tests/test-advice.js";
import { addSuspect, type SuspectFailure } from "../tests/suspect-failures.js";
import { runTestStep, type StepCoverage, type TestStepOutcome } from "../tests/test-step.js";
import type { Workspace } from "../workspace.js";
import { createStreamMasker } from "../wrapped-masker.js";
import { stepLaunch } from "./step-launch.js";
import { StepStager } from "./step-stager.js";

/** Where a step loop reports what happens; step −1 is pitcrew's own (system) lines. */
export interface StepSink {
  stepStarted(idx: number, name: string): Promise<void>;
  /** A step whose condition was false (never started). */
  stepSkipped(idx: number, reason: string): Promise<void>;
  stepFinished(idx: number, status: Status, exitCode: number | null, reason: string | null): Promise<void>;
  /** The step's process (group) id, while it runs. */
  stepPid(idx: number, pid: number): void;
  line(idx: number, stream: LogStream | "system", line: string): void;
  /** No more output of step `idx` follows. */
  endStep(idx: number): void;
}

/** What a step loop knows of its run: plain data, the same on a server and on an agent. */
export interface StepRunContext {
  id: number;
  number: number;
  projectName: string;
  event: TriggerEvent;
  branch: string;
  commit: string;
  baseBranch: string | null;
  /** The pipeline's env (lowest precedence). */
  env: Record<string, string>;
  /** Manual inputs (with defaults). */
  inputs: Record<string, string>;
}

/** Everything one job attempt's steps need. */
export interface StepLoopInput {
  run: StepRunContext;
  jobKey: string;
  spec: PlanJob;
  /** `needs.<job>.status` of the job's needs (scheduler.ts `needsStatus`). */
  needs: Record<string, { status: string }>;
  /** Secret values by name (empty when the run's trust withholds them); masked in the output. */
  secrets: Record<string, string>;
  workspace: Workspace;
  executor: Executor;
  signal: AbortSignal;
  clock: Clock;
  sink: StepSink;
  /** Orders (and selects) the files of test steps; absent: path order, nothing known flaky. */
  advise?: TestAdvisor;
  /** Set for an untrusted run (what it is): test steps collect no coverage (see `TestStepInput.untrusted`). */
  untrusted?: string;
  /** Given the coverage of test step `step` (with `coverage: true`), after it ran. */
  recordCoverage?: (coverage: StepCoverage, step: number) => Promise<void>;
}

/** How the steps ended. */
export interface StepLoopOutcome {
  status: "success" | "failure" | "cancelled";
  reason: string | null;
  exitCode: number | null;
  /** Ids of test failures that failed no step (quarantined flaky tests, failures a rerun passed). */
  quarantined: string[];
  /** Test failures whose files were outside the change (suspect: likely flaky), bounded by addSuspect. */
  outsideChange: SuspectFailure[];
}

/** Runs the job's steps (see the comment at the top of this file). */
export async function runSteps(input: StepLoopInput): Promise<StepLoopOutcome> {
  const { run, spec, sink, signal, workspace: ws } = input;
  const secretValues = Object.values(input.secrets);
  const deadline = input.clock.now() + spec.timeoutMs;
  let state: StepLoopOutcome["status"] = "success";
  let failReason: string | null = null;
  let exitCode: number | null = 0;
  const quarantined: string[] = [];
  const outsideChange: SuspectFailure[] = [];
  const staged = new StepStager(input);
  try {
    for (const [idx, step] of spec.steps.entries()) {
      const cond = step.if ?? "success()";
      const ctx = {
        event: run.event,
        branch: run.branch,
        commit: run.commit,
        baseBranch: run.baseBranch ?? undefined,
        matrix: spec.matrix,
        inputs: run.inputs,
        env: { ...run.env, ...spec.env, ...step.env },
        needs: input.needs,
        state: signal.aborted ? ("cancelled" as const) : state,
      };
      if (!evaluateCondition(cond, ctx)) {
        staged.discard();
        await sink.stepSkipped(idx, `condition is false: ${cond}`);
        continue;
      }
      const remaining = deadline - input.clock.now();
      if (remaining <= 0) {
        state = "failure";
        failReason = `job timed out after ${spec.timeoutMs} ms`;
        break;
      }
      await sink.stepStarted(idx, step.name);
      const { env, cwd } = stepLaunch(input, idx);
      const maskers = {
        stdout: createStreamMasker(secretValues, (line) => sink.line(idx, "stdout", line)),
        stderr: createStreamMasker(secretValues, (line) => sink.line(idx, "stderr", line)),
      };
      // The step's timeout bounds all of its processes together (a test step runs several).
      const stepDeadline = input.clock.now() + Math.min(step.timeoutMs ?? remaining, remaining);
      const invocation = (script: string, extra: Record<string, string>): StepInvocation => ({
        script,
        cwd,
        workspace: ws.root,
        env: { ...env, ...extra },
        timeoutMs: Math.max(1, stepDeadline - input.clock.now()),
        signal,
        network: spec.sandbox.network,
        onStart: (pid) => sink.stepPid(idx, pid),
        onLine: (stream, line) => maskers[stream].line(line),
      });
      const exec = (script: string, extra: Record<string, string>) => input.executor.runStep(invocation(script, extra));
      const ready = staged.take(idx, cwd);
      const running = step.tests
        ? runTestStep({
            tests: step.tests,
            run: step.run,
            stepIdx: idx,
            workspace: ws,
            cwd,
            advise: input.advise ?? pathOrderAdvisor,
            exec,
            say: (line) => sink.line(idx, "system", line),
            signal,
            timeoutMs: Math.max(1, stepDeadline - input.clock.now()),
            untrusted: input.untrusted,
          })
        : ready
          ? ready.run(invocation(step.run, {}))
          : exec(step.run, {});
      staged.stage(idx + 1);
      const res: TestStepOutcome = await running;
      if (res.coverage && input.recordCoverage) await input.recordCoverage(res.coverage, idx);
      quarantined.push(...(res.quarantined ?? []));
      for (const f of res.outsideChange ?? []) if (!addSuspect(outsideChange, f)) break;
      maskers.stdout.end();
      maskers.stderr.end();
      sink.endStep(idx);
      let stepStatus: Status = "success";
      let stepReason: string | null = null;
      if (res.cancelled) {
        stepStatus = "cancelled";
        stepReason = "cancelled";
      } else if (res.timedOut) {
        stepStatus = "failure";
        stepReason = `timed out after ${Math.round(res.durationMs)} ms`;
      } else if (res.exitCode !== 0) {
        stepStatus = "failure";
        stepReason = res.reason ?? (res.signal ? `killed by ${res.signal}` : `exit code ${res.exitCode}`);
      }
      await sink.stepFinished(idx, stepStatus, res.exitCode, stepReason);
      if (stepStatus === "cancelled") {
        state = "cancelled";
        failReason = "cancelled";
        break;
      }
      // Said in the log too, so the failure analysis (src/failures) and a reader see why.
      if (stepStatus === "failure") sink.line(-1, "system", `step '${step.name}' failed: ${stepReason}`);
      if (stepStatus === "failure" && !step.continueOnError) {
        state = "failure";
        failReason = `step '${step.name}' failed: ${stepReason}`;
        exitCode = res.exitCode;
      }
    }
  } finally {
    staged.discard();
  }
  return { status: state, reason: failReason, exitCode, quarantined, outsideChange };
}
