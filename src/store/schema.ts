/**
 * Table types of pitcrew's database, as Kysely sees them. Timestamps are epoch ms (integers),
 * booleans are 0/1 integers and structured values are JSON text, so the same schema works on
 * SQLite and PostgreSQL unchanged.
 */
import type { Generated } from "kysely";
import type {
  AgentState,
  AlertSource,
  AlertStatus,
  CheckStatus,
  HealPolicy,
  HealState,
  IncidentStatus,
  ModelStatus,
  PullRequestState,
  QueueItemStatus,
  ReleaseBuildStatus,
  ReleaseRevertState,
  ReleaseStatusName,
  RolloutState,
  RolloutStepStatus,
  SignalKind,
  SignalStatus,
  Status,
} from "./statuses.js";

/** A repository pitcrew builds. */
export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  repo_url: string;
  default_branch: string;
  pipeline_path: string;
  /** 1 = run every job under the sandbox executor (the default); 0 = an admin let them run on the host. */
  sandbox: number;
  /** Before migration 0009: the webhook secret in plain text; emptied at start once sealed. */
  webhook_secret: string | null;
  /** Secret for HMAC-signed webhooks, sealed like `secrets.value_enc`. */
  webhook_secret_enc: string | null;
  /** 1 = runs of same-repository pull requests receive the secrets their jobs ask for. */
  trust_pull_requests: Generated<number>;
  /** JSON array of branch names or `*` globs treated as protected (besides the default branch). */
  protected_branches: Generated<string>;
  /** Interval of polling the repository for new commits; 0 disables polling. */
  poll_interval_ms: number;
  /** JSON `{ [branch]: sha }` of the last commits seen, for polling. */
  branch_heads: string;
  created_at: number;
  updated_at: number;
}

/** A secret of a project, encrypted at rest. */
export interface SecretsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  /** base64 of iv|tag|ciphertext (AES-256-GCM). */
  value_enc: string;
  created_at: number;
}

/** One execution of a pipeline for a trigger. */
export interface RunsTable {
  id: Generated<number>;
  project_id: number;
  /** Sequential number within the project. */
  number: number;
  event: string;
  branch: string;
  commit_sha: string;
  base_branch: string | null;
  /** JSON of manual inputs. */
  inputs: string;
  /** JSON of changed files, or null when unknown. */
  changed_files: string | null;
  status: Status;
  reason: string | null;
  pipeline_name: string;
  /** JSON of the compiled Plan. */
  plan: string;
  triggered_by: string;
  /** For re-runs: the run this one repeats. */
  parent_run_id: number | null;
  /** What the run may use: protected | branch | pull_request | fork (runner/trust.ts). */
  trust: Generated<string>;
  /** JSON of the gate results, once evaluated. */
  gate_results: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** One plan job of a run (one matrix combination), possibly attempted several times. */
export interface JobsTable {
  id: Generated<number>;
  run_id: number;
  key: string;
  name: string;
  status: Status;
  reason: string | null;
  attempt: number;
  /** JSON of the PlanJob. */
  spec: string;
  exit_code: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  /** The attempt whose queue item the scheduler added (null: none yet); migration 0040. */
  enqueued_attempt: number | null;
}

/** One step of a job attempt. */
export interface StepsTable {
  id: Generated<number>;
  job_id: number;
  attempt: number;
  idx: number;
  name: string;
  status: Status;
  exit_code: number | null;
  reason: string | null;
  /** Process group id while running (to reap orphans after a crash). */
  pid: number | null;
  started_at: number | null;
  finished_at: number | null;
}

/** A line of a job's output (masked). */
export interface LogLinesTable {
  id: Generated<number>;
  job_id: number;
  attempt: number;
  step_idx: number;
  seq: number;
  stream: string;
  line: string;
  at: number;
}

/** A file stored as an artifact of a run. */
export interface ArtifactsTable {
  id: Generated<number>;
  run_id: number;
  job_id: number;
  path: string;
  size: number;
  sha256: string;
  created_at: number;
}

/** A parsed test case result. */
export interface TestResultsTable {
  id: Generated<number>;
  run_id: number;
  job_id: number;
  suite: string;
  classname: string;
  name: string;
  file: string | null;
  status: string;
  duration_ms: number;
  message: string | null;
  /** Test history (migration 0014; null only on rows that predate it and had no run or job). */
  project_id: number | null;
  /** Stable id `classname.name`. */
  test_id: string | null;
  /** Attempt of the job that produced the report (retries are kept apart from first attempts). */
  attempt: number | null;
  commit_sha: string | null;
  branch: string | null;
  created_at: number | null;
  /** Failure/error text, e.g. a stack trace (migration 0025; null for passes and older rows). */
  details: string | null;
  /** 1: a failure reported without failing its job, left out of the pass-rate gate (migration 0035). */
  quarantined: Generated<number>;
}

/** Which repository files one test file exercised at one commit of a project (store/repositories/test-deps-repo.ts). */
export interface TestDependenciesTable {
  project_id: number;
  /** Test file path relative to the repository root. */
  test_file: string;
  commit_sha: string;
  /** Where the dependencies come from: `v8` (coverage). */
  source: string;
  /** Repository files, newline-separated, sorted. */
  files: string;
  recorded_at: number;
}

/** The test selection of one `tests:` step of a job attempt (store/repositories/test-selections-repo.ts, migration 0041). */
export interface TestSelectionsTable {
  id: Generated<number>;
  project_id: number;
  run_id: number;
  job_id: number;
  attempt: number;
  step_idx: number;
  /** The step's `select:` mode: all | prioritize | select. */
  mode: string;
  files_total: number;
  files_run: number;
  /** Expected run time of the files run, from the stored history (ms; unmeasured files count 0). */
  run_ms: number;
  /** Expected run time of the skipped files, from the stored history (ms): the time saved. */
  saved_ms: number;
  /** Skipped files with no measured duration in the history (not in `saved_ms`). */
  unmeasured_skipped: number;
  /** The advice's one line (as in the step's log). */
  summary: string;
  /** Why the advice fell back to the history alone, when it did. */
  fallback: string | null;
  /** JSON `[{file, detail}]`: the first skipped files with their reasons. */
  skipped: string;
  /** Skipped files in all (more than the list holds when it was cut). */
  skipped_count: number;
  created_at: number;
}

/** Line/branch coverage of one file in one run. */
export interface CoverageFilesTable {
  id: Generated<number>;
  run_id: number;
  job_id: number;
  file: string;
  lines_total: number;
  lines_covered: number;
  branches_total: number;
  branches_covered: number;
}

/** The domain event log (DESIGN.md §1). */
export interface EventsTable {
  id: Generated<number>;
  type: string;
  /** What the event is about, e.g. `run:42`, `project:3`. */
  subject: string;
  /** JSON payload. */
  data: string;
  at: number;
}

/** API tokens (only their SHA-256 is stored). */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Work items of the persisted in-process queue. */
export interface QueueItemsTable {
  id: Generated<number>;
  queue: string;
  /** Optional idempotency key: enqueueing the same key twice keeps one item. */
  dedupe_key: string | null;
  /** JSON payload. */
  payload: string;
  /** JSON array of labels a worker must have. */
  labels: string;
  status: QueueItemStatus;
  lease_owner: string | null;
  lease_expires_at: number | null;
  attempts: number;
  max_attempts: number;
  run_after: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A named lease held by one server replica at a time (store/repositories/leases-repo.ts). */
export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: number;
  acquired_at: number;
}

/** The commit check state the forge last accepted for a run (store/repositories/run-check-reports-repo.ts). */
export interface RunCheckReportsTable {
  run_id: number;
  state: string;
  reported_at: number;
}

/** A rolled-back rollout the release reverter handled (store/repositories/release-reverts-repo.ts). */
export interface ReleaseRevertsTable {
  rollout_id: number;
  project: string;
  environment: string;
  good_commit: string;
  bad_commit: string;
  /** planned | open | merged | skipped | failed */
  state: ReleaseRevertState;
  reason: string;
  repo: string | null;
  pr_number: number | null;
  merge_commit: string | null;
  heal_id: number | null;
  onset_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The run the deploy stage must still ship into an environment (store/repositories/pending-deploys-repo.ts). */
export interface PendingDeploysTable {
  project: string;
  environment: string;
  run_id: number;
  run_number: number;
  commit: string;
  waiting: string;
  created_at: number;
  updated_at: number;
}

/** A registered `pitcrew agent` (store/repositories/agents-repo.ts). */
export interface AgentsTable {
  id: Generated<number>;
  name: string;
  token_id: number;
  /** JSON array of labels. */
  labels: string;
  /** JSON object of advertised capacity, e.g. `{"cpus":4,"memory":8589934592}`. */
  capacity: string;
  concurrency: number;
  version: string;
  state: AgentState;
  registered_at: number;
  last_heartbeat_at: number;
}

/** A job attempt handed to an agent; `id` is the fencing token of every call about it. */
export interface AgentLeasesTable {
  id: Generated<number>;
  agent_id: number;
  job_id: number;
  attempt: number;
  leased_at: number;
  ended_at: number | null;
  end_reason: string | null;
  /** The last event batch of the lease applied (0: none); migration 0040. */
  last_seq: Generated<number>;
}

/** Key/value settings pitcrew keeps for itself (e.g. the bootstrap marker). */
export interface SettingsTable {
  key: string;
  value: string;
}

/** A log record of a watched service (ingested over HTTP/OTLP or tailed from a file). */
export interface LogRecordsTable {
  id: Generated<number>;
  at: number;
  service: string;
  /** trace | debug | info | warn | error | fatal (or another lower-case word the source used). */
  level: string;
  message: string;
  trace_id: string | null;
  span_id: string | null;
  /** JSON object of the other fields. */
  attributes: string;
  /** http | otlp | file */
  source: string;
}

/** One span of a distributed trace (OTLP). */
export interface SpansTable {
  id: Generated<number>;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  /** internal | server | client | producer | consumer | unspecified */
  kind: string;
  start_at: number;
  duration_us: number;
  /** 1 when the span's status is an error. */
  error: number;
  /** `peer.service` or `server.address` of a client span, when set. */
  peer_service: string | null;
  /** JSON object of span attributes. */
  attributes: string;
}

/** An incident: signals of one underlying problem, with a lifecycle (see incidents/incident-lifecycle.ts). */
export interface IncidentsTable {
  id: Generated<number>;
  status: IncidentStatus;
  title: string;
  service: string;
  /** JSON array of every service a signal named. */
  services: string;
  severity: string;
  /** Bumped by every change; transitions compare-and-set on it. */
  version: number;
  opened_at: number;
  last_signal_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  updated_at: number;
}

/** An alert or anomaly grouped into an incident. */
export interface IncidentSignalsTable {
  id: Generated<number>;
  incident_id: number;
  /** alert | anomaly */
  kind: SignalKind;
  /** Alert fingerprint or series key. */
  key: string;
  service: string;
  /** firing | resolved */
  status: SignalStatus;
  /** JSON of the signal's event data. */
  data: string;
  at: number;
}

/** What happened to an incident, in order. */
export interface IncidentTimelineTable {
  id: Generated<number>;
  incident_id: number;
  type: string;
  data: string;
  /** The domain event this entry came from (unique: an event is applied once). */
  event_id: number | null;
  at: number;
}

/** One incident's heal: a persisted state machine (see heal/heal-machine.ts). */
export interface HealsTable {
  id: Generated<number>;
  incident_id: number;
  service: string;
  state: HealState;
  /** suggest | pr | merge | deploy */
  policy: HealPolicy;
  /** The diagnosis' leading hypothesis kind, once diagnosed. */
  kind: string | null;
  /** Repair attempts started. */
  attempts: number;
  /** Bumped by every transition; transitions compare-and-set on it. */
  version: number;
  /** JSON object: what the actions recorded (diagnosis summary, PR, release, rollout ids). */
  data: string;
  /** Why it escalated or failed. */
  reason: string | null;
  detected_at: number;
  state_since: number;
  resolved_at: number | null;
  /** Alert to verified-healthy, for resolved heals. */
  mttr_ms: number | null;
  created_at: number;
  updated_at: number;
}

/** Every transition of a heal, in order. */
export interface HealTimelineTable {
  id: Generated<number>;
  heal_id: number;
  from_state: HealState | null;
  to_state: HealState;
  note: string;
  data: string;
  at: number;
}

/** A release: a commit of a project (from a pipeline run) with what to run, in one environment. */
export interface ReleasesTable {
  id: Generated<number>;
  project: string;
  environment: string;
  run_id: number | null;
  commit_sha: string;
  /** pending | live | superseded | failed | rolled_back */
  status: ReleaseStatusName;
  /** JSON: command, env, cwd, replicas, health (the deploy target's ReleaseSpec without id). */
  spec: string;
  /** JSON array of the replica process ids last started (cleaned up after a crash of pitcrew). */
  pids: string;
  triggered_by: string;
  reason: string;
  created_at: number;
  live_at: number | null;
  ended_at: number | null;
}

/** A rollout: one release going live by a strategy (a persisted state machine, deploy/rollout-machine.ts). */
export interface RolloutsTable {
  id: Generated<number>;
  project: string;
  environment: string;
  release_id: number;
  /** The release live before this one, if any. */
  baseline_release_id: number | null;
  /** canary | blueGreen | rolling | recreate */
  kind: string;
  /** JSON: the strategy as configured. */
  strategy: string;
  state: RolloutState;
  /** Index of the step in progress. */
  step: number;
  /** Share of traffic on the new release, in percent. */
  weight: number;
  message: string;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One step of a rollout, with its result (analysis measurements, pause deadline, …). */
export interface RolloutStepsTable {
  id: Generated<number>;
  rollout_id: number;
  idx: number;
  kind: string;
  /** running | waiting | passed | failed | skipped */
  status: RolloutStepStatus;
  detail: string;
  started_at: number;
  finished_at: number | null;
}

/** A webhook delivery already received (replay protection), kept for the replay window. */
export interface WebhookDeliveriesTable {
  /** `<receiver>:<delivery id>` (or the body's signature when the sender sends no id). */
  delivery_key: string;
  received_at: number;
}

/** A service pitcrew deploys and watches (migration 0002). */
export interface ServicesTable {
  name: string;
  environment: string;
  metrics_url: string | null;
  scrape_interval_ms: number;
  log_source: string | null;
  repository: string | null;
  repo_path: string | null;
  created_at: number;
  updated_at: number;
}

/** A series of the built-in TSDB, unique by the hash of its sorted labels. */
export interface SeriesTable {
  id: Generated<number>;
  hash: string;
  name: string;
  /** JSON object of the labels (name included). */
  labels: string;
  created_at: number;
}

/** One sample of a series; NaN is stored as NULL. */
export interface SamplesTable {
  series_id: number;
  t: number;
  v: number | null;
}

/** An alert, one row per fingerprint (a hash of its labels). */
export interface AlertsTable {
  fingerprint: string;
  name: string;
  status: AlertStatus;
  source: AlertSource;
  /** JSON object. */
  labels: string;
  /** JSON object. */
  annotations: string;
  value: number | null;
  active_at: number;
  starts_at: number;
  ends_at: number | null;
  updated_at: number;
}

/** A pull request of the local forge (numbers are per repository). */
export interface PullRequestsTable {
  id: Generated<number>;
  repo: string;
  number: number;
  title: string;
  body: string;
  head_branch: string;
  head_sha: string;
  base_branch: string;
  base_sha: string;
  state: PullRequestState;
  /** JSON array of strings. */
  labels: string;
  author: string;
  merge_commit: string | null;
  merged_by: string | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

/** A comment on a pull request. */
export interface PrCommentsTable {
  id: Generated<number>;
  pr_id: number;
  author: string;
  body: string;
  created_at: number;
}

/** The latest result of one named check on a pull request. */
export interface PrChecksTable {
  id: Generated<number>;
  pr_id: number;
  name: string;
  status: CheckStatus;
  head_sha: string;
  url: string | null;
  summary: string | null;
  updated_at: number;
}

/** Why a failed job attempt failed (src/failures), written after the job ends. */
export interface FailureExplanationsTable {
  job_id: number;
  attempt: number;
  run_id: number;
  category: string;
  confidence: number;
  /** JSON of the job's explanation: ranked lines, class, evidence. */
  explanation: string;
  /** The failure's signature (src/failures/failure-signature.ts); null for explanations stored before 0034. */
  signature: string | null;
  created_at: number;
}

/** One trained version of a learned model in a scope (src/learning). */
export interface ModelVersionsTable {
  id: Generated<number>;
  model: string;
  /** What the model was trained for: `project:<id>` or `global`. */
  scope: string;
  /** 1, 2, … per model and scope. */
  version: number;
  status: ModelStatus;
  /** Why it has its status (the promotion decision, a rollback, a refusal with figures). */
  reason: string;
  /** JSON of the model's serialisable state. */
  state: string;
  /** Training window: data with time in [train_from, train_to] (epoch ms). */
  train_from: number;
  train_to: number;
  /** JSON of the data counts (training and evaluation items). */
  counts: string;
  /** JSON of the evaluation figures (candidate, incumbent, bootstrap, guards, live figures). */
  metrics: string;
  /** JSON of the reference distribution of the main features (for drift). */
  profile: string;
  code_version: string;
  parent_version: number | null;
  created_at: number;
  updated_at: number;
}

/** A release's build phase (`build:` in its deploy.yaml): status, reason and output tail. */
export interface ReleaseBuildsTable {
  release_id: number;
  status: ReleaseBuildStatus;
  /** Why it failed (empty while running or after success). */
  reason: string;
  /** The last lines of the build's output (bounded), `stdout|stderr` prefixed. */
  log: string;
  started_at: number;
  ended_at: number | null;
}

/** The whole database. */
export interface DB {
  projects: ProjectsTable;
  secrets: SecretsTable;
  runs: RunsTable;
  jobs: JobsTable;
  steps: StepsTable;
  log_lines: LogLinesTable;
  artifacts: ArtifactsTable;
  test_results: TestResultsTable;
  test_dependencies: TestDependenciesTable;
  test_selections: TestSelectionsTable;
  coverage_files: CoverageFilesTable;
  events: EventsTable;
  api_tokens: ApiTokensTable;
  queue_items: QueueItemsTable;
  settings: SettingsTable;
  leases: LeasesTable;
  run_check_reports: RunCheckReportsTable;
  release_reverts: ReleaseRevertsTable;
  pending_deploys: PendingDeploysTable;
  log_records: LogRecordsTable;
  spans: SpansTable;
  incidents: IncidentsTable;
  incident_signals: IncidentSignalsTable;
  incident_timeline: IncidentTimelineTable;
  heals: HealsTable;
  heal_timeline: HealTimelineTable;
  releases: ReleasesTable;
  rollouts: RolloutsTable;
  rollout_steps: RolloutStepsTable;
  services: ServicesTable;
  series: SeriesTable;
  samples: SamplesTable;
  alerts: AlertsTable;
  pull_requests: PullRequestsTable;
  pr_comments: PrCommentsTable;
  pr_checks: PrChecksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  failure_explanations: FailureExplanationsTable;
  model_versions: ModelVersionsTable;
  release_builds: ReleaseBuildsTable;
  agents: AgentsTable;
  agent_leases: AgentLeasesTable;
}
