export { AgentHub, type AgentHubDeps, LOOKAHEAD } from "./agent-hub.js";
export { labelsCover } from "./labels-cover.js";
export { AgentClient, AgentCallError } from "./agent-client.js";
export { type AgentHandle, type AgentOptions, startAgent } from "./agent-process.js";
export { adviseHeldStep } from "./held-tests.js";
export { recordHeldDependencies } from "./held-dependencies.js";
export {
  ACCEPTED_PROTOCOLS,
  agentBody,
  DEPENDENCIES_BODY_LIMIT,
  DEPENDENCIES_PROTOCOL,
  dependenciesBody,
  eventsBody,
  FINISH_BODY_LIMIT,
  finishBody,
  heartbeatBody,
  leaseBody,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  registerBody,
  TESTS_BODY_LIMIT,
  testsAdviceBody,
} from "./protocol.js";
export {
  changedAreas,
  DEFAULT_DURATION_SETTINGS,
  type DurationPrediction,
  DurationPredictor,
  type DurationPredictorOptions,
  type DurationQuery,
  type DurationSample,
  type DurationSettings,
  type PredictionBasis,
  type ProjectTuning,
} from "./duration-predictor.js";
export {
  explainEstimate,
  JOB_DURATION,
  type JobDurationInput,
  type JobDurationItem,
  jobDurationModel,
  jobDurationScope,
} from "./learning/job-duration-model.js";
export { type Placement, type PlaceOptions, placeJobs, type Schedule, type Wait, type WaitKind } from "./place-jobs.js";
export {
  type AgentSlots,
  DEFAULT_SCHEDULE_POLICY,
  FIFO_POLICY,
  JOB_CLASSES,
  type JobClass,
  type PendingJob,
  type Resources,
  type SchedulePolicy,
  schedulePolicy,
} from "./schedule-policy.js";
export { runClass, type WaitingView } from "./hub-schedule.js";
