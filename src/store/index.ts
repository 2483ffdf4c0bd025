export { type Database, type DialectName, openDatabase } from "./database.js";
export { migrateToLatest, migrations } from "./migrate.js";
export type { Artifact } from "./repositories/artifacts-repo.js";
export type { StoredEvent } from "./repositories/events-repo.js";
export type { Job } from "./repositories/jobs-repo.js";
export type { LogLine } from "./repositories/logs-repo.js";
export type { NewProject, Project } from "./repositories/projects-repo.js";
export {
  MAX_HISTORY_RUNS,
  type NewTestResult,
  type StoredCoverage,
  type StoredTestResult,
  type TestHistoryRow,
} from "./repositories/reports-repo.js";
export type { NewRun, Run, RunQuery } from "./repositories/runs-repo.js";
export type { Step } from "./repositories/steps-repo.js";
export { hashToken, ROLES, type Role, type TokenInfo } from "./repositories/tokens-repo.js";
export { createStore, type Store } from "./store.js";
export type { Release, ReleaseRunSpec } from "./repositories/releases-repo.js";
export type { Rollout, RolloutStepRecord } from "./repositories/rollouts-repo.js";
export { QueueItemsRepo } from "./repositories/queue-items-repo.js";
export * from "./statuses.js";
