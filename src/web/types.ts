/** The shapes of the API documents the dashboard reads (see docs/api.md and /api/openapi.json). */

/** A project (GET /api/projects). */
export interface Project {
  id: number;
  name: string;
}

/** A run as listed (GET /api/runs). */
export interface Run {
  id: number;
  projectId: number;
  number: number;
  event: string;
  branch: string | null;
  commit: string | null;
  status: string;
  reason: string | null;
  pipeline: string | null;
  triggeredBy: string;
  gates: { gate: string; passed: boolean; actual?: number; threshold: number; reason: string }[] | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A step of a job. */
export interface Step {
  idx: number;
  name: string;
  status: string;
  exitCode: number | null;
  reason: string | null;
}

/** A job of a run. */
export interface Job {
  id: number;
  key: string;
  name: string;
  status: string;
  reason: string | null;
  attempt: number;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  steps: Step[];
}

/** A run with its jobs and steps (GET /api/runs/:id). */
export interface RunDetail extends Run {
  jobs: Job[];
}

/** One log line that explains a failure, with what made it rank (GET /api/runs/:id/explanation). */
export interface ExplainedLine {
  /** 1-based line number in the job attempt's log. */
  line: number;
  text: string;
  score: number;
  evidence: { signals: string[] };
}

/** Why one failed job attempt failed: its cause class and the log lines that explain it. */
export interface ExplainedJob {
  jobId: number;
  key: string;
  name: string;
  attempt: number;
  category: string;
  confidence: number;
  lines: ExplainedLine[];
  comparedRuns: number[];
  failedTests: string[];
}

/** Why a run failed, per failed job (GET /api/runs/:id/explanation). */
export interface RunExplanation {
  runId: number;
  status: string;
  jobs: ExplainedJob[];
}

/** A release (live in an environment, or history). */
export interface Release {
  id: number;
  project: string;
  environment: string;
  runId: number | null;
  commit: string;
  status: string;
  liveAt: string | null;
}

/** A rollout (GET /api/rollouts). */
export interface Rollout {
  id: number;
  project: string;
  environment: string;
  releaseId: number;
  baselineReleaseId: number | null;
  kind: string;
  state: string;
  step: number;
  weight: number;
  message: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** One check of an analysis measurement. */
export interface CheckResult {
  name: string;
  status: string;
  value?: number;
  baseline?: number;
  explanation: string;
}

/** One measurement of an analysis step. */
export interface Measurement {
  at: number;
  status: string;
  results: CheckResult[];
}

/** A rollout step; analysis steps carry a verdict, its explanation and the measurements. */
export interface RolloutStep {
  idx: number;
  kind: string;
  status: string;
  detail: { verdict?: string; explanation?: string; measurements?: Measurement[]; [k: string]: unknown };
  startedAt: string | null;
  finishedAt: string | null;
}

/** A rollout with its steps (GET /api/rollouts/:id). */
export interface RolloutDetail extends Rollout {
  steps: RolloutStep[];
}

/** A project in an environment (GET /api/environments). */
export interface Placement {
  project: string;
  url?: string;
  live: Release | null;
  rollout: Rollout | null;
  replicas: { release: string; address: string; state: string; restarts: number }[];
}

/** An environment (GET /api/environments). */
export interface Environment {
  name: string;
  router: string;
  promotion: { from: string; healthyForMs: number } | null;
  projects: Placement[];
}

/** An incident (GET /api/incidents). */
export interface Incident {
  id: number;
  status: string;
  title: string;
  service: string;
  services: string[];
  severity: string;
  openedAt: string;
  lastSignalAt: string;
  resolvedAt: string | null;
}

/** An incident with its signals and timeline (GET /api/incidents/:id). */
export interface IncidentDetail extends Incident {
  signals: { kind: string; key: string; service: string; status: string; at: string }[];
  timeline: { id: number; type: string; data: Record<string, unknown>; at: string }[];
}

/** The heal of an incident with its transitions (GET /api/incidents/:id/heal). */
export interface Heal {
  id: number;
  state: string;
  kind: string | null;
  attempts: number;
  reason: string | null;
  mttrMs: number | null;
  /** What the heal recorded: the diagnosis (with its hypotheses and evidence), the pull request, … */
  data: {
    diagnosis?: { summary?: string; report?: { hypotheses?: Hypothesis[] } };
    pr?: { repo: string; number: number; title?: string };
  };
  timeline: { id: number; from: string | null; to: string; note: string; at: string }[];
}

/** DORA figures (GET /api/dora). */
export interface Dora {
  windowDays: number;
  deployments: number;
  deploymentsPerDay: number;
  changeFailureRate: number | null;
  timeToRestore: { count: number; medianMs: number | null; maxMs: number | null };
  heals: { resolved: number; escalated: number; failed: number; active: number };
  byService: { service: string; deployments: number; failedDeployments: number; medianRestoreMs: number | null }[];
}

/** A diagnosis hypothesis with its evidence. */
export interface Hypothesis {
  kind: string;
  confidence: number;
  explanation: string;
  evidence: { kind: string; summary: string }[];
}

/** A pull request with its diff, commits, comments and checks (GET /api/forge/:repo/pulls/:number). */
export interface PullRequestDetail {
  repo: string;
  number: number;
  title: string;
  body: string;
  state: string;
  headBranch: string;
  baseBranch: string;
  author: string;
  mergedBy: string | null;
  diff: string;
  commits: { sha: string; subject: string; author: string }[];
  checks: { name: string; status: string; summary?: string; updatedAt: string }[];
}

/** A registered service (GET /api/services). */
export interface Service {
  name: string;
  environment: string;
  metricsUrl: string | null;
  scrapeIntervalMs: number;
  logSource: string | null;
  repository: string | null;
  path: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Calls from one service to another over the graph's window; latencies in ms. */
export interface DependencyEdge {
  from: string;
  to: string;
  calls: number;
  errors: number;
  /** errors / calls, 0..1. */
  errorRate: number;
  callsPerMinute: number;
  p50Ms: number;
  p99Ms: number;
}

/** The service dependency graph of a window (GET /api/traces/graph). */
export interface DependencyGraph {
  from: string;
  to: string;
  services: string[];
  edges: DependencyEdge[];
}

/** A range query's answer (GET /api/metrics/query_range): `[unix seconds, "value"]` per point. */
export interface RangeQueryAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** A stored version of a learned model (GET /api/projects/:p/models); `metrics` holds the gate's figures. */
export interface ModelVersion {
  id: number;
  model: string;
  scope: string;
  version: number;
  status: string;
  reason: string;
  trainFrom: string;
  trainTo: string;
  counts: Record<string, number>;
  metrics: Record<string, unknown>;
  codeVersion: string;
  parentVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The registered learned models and a project's versions, newest first (GET /api/projects/:p/models). */
/** Whose models a page shows: a project's (trained per project) or a service's (learnt per service). */
export interface ModelOwner {
  kind: "project" | "service";
  name: string;
}

/** The models of a project or a service and their stored versions (GET /api/projects/:p/models, /api/services/:s/models). */
export interface ModelsOfProject {
  models: {
    name: string;
    task: string;
    metrics: { name: string; direction: "higher" | "lower"; description: string }[];
  }[];
  versions: ModelVersion[];
}

/** A test with flaky signs and its evidence (GET /api/projects/:p/tests/flaky). */
export interface FlakyTest {
  id: string;
  score: number;
  flaky: boolean;
  runs: number;
  failures: number;
  mixedRuns: number;
  blips: number;
  evidence: string[];
  reason?: string;
}

/** A test's mean duration (GET /api/projects/:p/tests/slowest). */
export interface SlowTest {
  id: string;
  durationMs: number;
  runs: number;
  failures: number;
}

/** What the advice of one `tests:` step decided (GET /api/projects/:p/tests/selections). */
export interface TestSelection {
  id: number;
  runId: number;
  jobId: number;
  attempt: number;
  step: number;
  mode: string;
  filesTotal: number;
  filesRun: number;
  runMs: number;
  savedMs: number;
  unmeasuredSkipped: number;
  skippedCount: number;
  summary: string;
  fallback: string | null;
  createdAt: string;
}

/** One selection with its skipped files and their reasons (GET /api/projects/:p/tests/selections/:id). */
export interface TestSelectionDetail extends TestSelection {
  skipped: { file: string; detail: string }[];
}

/** A registered agent and the job attempts it holds (GET /api/agents). */
export interface Agent {
  id: number;
  name: string;
  state: string;
  labels: string[];
  /** cpus (count) and memory (bytes), when the agent advertised them. */
  capacity: { cpus?: number; memory?: number };
  /** How many jobs it runs at once. */
  concurrency: number;
  /** The pitcrew version the agent registered with. */
  version: string;
  registeredAt: string;
  lastHeartbeatAt: string;
  runningJobs: { jobId: number; runId: number; key: string; attempt: number; lease: number; since: string }[];
}

/** A job offered to agents that none has taken yet, with the scheduler's reason (GET /api/agents). */
export interface WaitingJob {
  jobId: number;
  runId: number;
  key: string;
  project: string;
  class: string;
  estimateMs: number;
  since: string;
  why: string;
}
