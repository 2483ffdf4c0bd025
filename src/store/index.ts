export { type Database, type DialectName, openDatabase } from "./database.js";
export { migrateToLatest, migrations } from "./migrate.js";
export type { Artifact } from "./repositories/artifacts-repo.js";
export type { NewEvent, StoredEvent } from "./repositories/events-repo.js";
export type { StoredExplanation } from "./repositories/explanations-repo.js";
export type { ReleaseBuild, ReleaseBuildsRepo } from "./repositories/release-builds-repo.js";
export type { Job, JobDuration, JobHistoryEntry } from "./repositories/jobs-repo.js";
export type { LogLine } from "./repositories/logs-repo.js";
export type { ModelVersion, ModelVersionsRepo, NewModelVersion } from "./repositories/model-versions-repo.js";
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
export { hashToken, ROLES, type Role, TOKEN_ROLES, type TokenInfo } from "./repositories/tokens-repo.js";
export { createStore, type Store } from "./store.js";
export type { Release, ReleaseRunSpec } from "./repositories/releases-repo.js";
export type { Rollout, RolloutStepRecord } from "./repositories/rollouts-repo.js";
export { QueueItemsRepo } from "./repositories/queue-items-repo.js";
export * from "./statuses.js";
export type { LogRecord } from "./repositories/log-records-repo.js";
export type { Incident } from "./repositories/incidents-repo.js";
export type { Heal } from "./repositories/heals-repo.js";
export type { Alert } from "./repositories/alerts-repo.js";
export type { EventsRepo } from "./repositories/events-repo.js";
export type { PrCheck } from "./repositories/pull-requests-repo.js";
export type { PrComment } from "./repositories/pull-requests-repo.js";
export type { PullRequest } from "./repositories/pull-requests-repo.js";
export type { PullRequestsRepo } from "./repositories/pull-requests-repo.js";
export type { LogQuery } from "./repositories/log-records-repo.js";
export type { StoredLogRecord } from "./repositories/log-records-repo.js";
export type { HealChange } from "./repositories/heals-repo.js";
export type { HealsRepo } from "./repositories/heals-repo.js";
export type { IncidentsRepo } from "./repositories/incidents-repo.js";
export type { IncidentSignal } from "./repositories/incidents-repo.js";
export type { SettingsRepo } from "./repositories/settings-repo.js";
export { type Lease, LeasesRepo } from "./repositories/leases-repo.js";
export { type ReportedCheckState, RunCheckReportsRepo } from "./repositories/run-check-reports-repo.js";
export {
  KEPT_COMMITS_PER_TEST,
  type TestDependencies,
  TestDepsRepo,
} from "./repositories/test-deps-repo.js";
export {
  MAX_LISTED_SKIPPED,
  type NewTestSelection,
  type TestSelectionRecord,
  type TestSelectionStep,
  type TestSelectionSummary,
  TestSelectionsRepo,
} from "./repositories/test-selections-repo.js";
export type { ReleaseRevert, ReleaseRevertsRepo } from "./repositories/release-reverts-repo.js";
export type { NewPendingDeploy, PendingDeploy, PendingDeploysRepo } from "./repositories/pending-deploys-repo.js";
export type { AlertsRepo } from "./repositories/alerts-repo.js";
export type { LogRecordsRepo } from "./repositories/log-records-repo.js";
export type { SeriesRepo } from "./repositories/series-repo.js";
export type { Labels } from "./repositories/series-repo.js";
export type { Point } from "./repositories/series-repo.js";
export type { NewSample } from "./repositories/series-repo.js";
export { seriesHash } from "./repositories/series-repo.js";
export type { Span } from "./repositories/spans-repo.js";
export type { SpanKind } from "./repositories/spans-repo.js";
export type { SpansRepo } from "./repositories/spans-repo.js";
export type { LogsRepo } from "./repositories/logs-repo.js";
export type { Service } from "./repositories/services-repo.js";
export type { Agent, AgentLease, AgentsRepo, NewAgent, RunningLease } from "./repositories/agents-repo.js";
