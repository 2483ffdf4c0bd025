export { storeSaysCancelled } from "./engine/attempt-cancelled.js";
export { cancelRun } from "./engine/cancel.js";
export { startWorkers } from "./engine/engine.js";
export { mirrorDir } from "./engine/mirrors.js";
export { recoverAfterCrash } from "./engine/recovery.js";
export { rerunRun } from "./engine/rerun.js";
export { JOBS_QUEUE, type JobTicket, type RunnerDeps } from "./engine/runner-deps.js";
export { advanceRun } from "./engine/scheduler.js";
export { type TriggerRequest, type TriggerResult, triggerRun } from "./engine/trigger.js";
export type { Executor, StepInvocation, StepOutcome } from "./executor.js";
export { checkout, ensureMirror, resolveRef } from "./checkout.js";
export {
  MAX_CONCURRENT_CHECKOUTS,
  type ReleaseCheckoutSlot,
  tryCheckoutSlot,
  waitCheckoutSlot,
} from "./checkout-slots.js";
export { GitError, git, SCRUBBED_GIT_ENV } from "./git.js";
export { createLocalExecutor } from "./executors/local/local-executor.js";
export { createSandboxExecutor } from "./executors/sandbox/sandbox-executor.js";
export { isSandboxAvailable } from "./executors/sandbox/sandbox-executor.js";
export { listBranches } from "./checkout.js";
export { snapshotDirectory } from "./snapshot.js";
export { assertBranchName } from "./engine/branch-name.js";
export { artifactBlobKey, checkArtifactPath, resolveArtifactFile } from "./artifacts.js";
export { resolveStepUser } from "./executors/sandbox/step-user.js";
export { startCron } from "./engine/cron.js";
export { startPolling } from "./engine/poller.js";
export { startRequeuePass } from "./engine/requeue-pass.js";
export { execLine, shellQuote } from "./shell-quote.js";
export { DEFAULT_PATH } from "./step-env.js";
export {
  type AttemptOutcome,
  type BegunAttempt,
  beginAttempt,
  endAttempt,
  resumeAttempt,
  stepRunContext,
  storeStepSink,
} from "./engine/attempt.js";
export { collectOutputs } from "./engine/collect-outputs.js";
export {
  ADVICE_LIMITS,
  type AdviceLimits,
  adviseAtCommit,
  type RemoteAdvice,
  type RemoteTestStep,
} from "./engine/advice-at-commit.js";
export { recordTestSelection } from "./engine/selection-record.js";
export { pathOrderAdvisor, type TestAdvice, type TestAdvisor } from "./tests/test-advice.js";
export { MAX_TEST_FILES } from "./tests/test-step.js";
export { runSteps, type StepRunContext, type StepSink } from "./engine/step-loop.js";
export {
  chooseExecutor,
  type ExecutorChoiceDeps,
  isUntrustedTrigger,
  type SandboxNeed,
  sandboxNeed,
} from "./engine/sandbox-policy.js";
export { orphanJob } from "./engine/recovery.js";
export { holdRunningAttempt } from "./engine/running-attempt.js";
export { needsStatus } from "./engine/scheduler.js";
export { createWorkspace, resolveInside, type Workspace } from "./workspace.js";
export { collectArtifacts } from "./artifacts.js";
export { receivesSecrets } from "./trust.js";
export type { LogStream } from "./executor.js";
