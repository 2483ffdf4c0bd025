export { cancelRun } from "./engine/cancel.js";
export { startWorkers } from "./engine/engine.js";
export { mirrorDir } from "./engine/mirrors.js";
export { recoverAfterCrash } from "./engine/recovery.js";
export { rerunRun } from "./engine/rerun.js";
export { JOBS_QUEUE, type JobTicket, type RunnerDeps } from "./engine/runner-deps.js";
export { advanceRun } from "./engine/scheduler.js";
export { type TriggerRequest, type TriggerResult, triggerRun } from "./engine/trigger.js";
export type { Executor, StepInvocation, StepOutcome } from "./executor.js";
