import type { Clock } from "../common/clock.js";
import type { SecretBox } from "../common/secret-box.js";
import type { Database } from "./database.js";
import { AgentsRepo } from "./repositories/agents-repo.js";
import { AlertsRepo } from "./repositories/alerts-repo.js";
import { ArtifactsRepo } from "./repositories/artifacts-repo.js";
import { EventsRepo } from "./repositories/events-repo.js";
import { ExplanationsRepo } from "./repositories/explanations-repo.js";
import { ReleaseBuildsRepo } from "./repositories/release-builds-repo.js";
import { HealsRepo } from "./repositories/heals-repo.js";
import { IncidentsRepo } from "./repositories/incidents-repo.js";
import { JobsRepo } from "./repositories/jobs-repo.js";
import { LogRecordsRepo } from "./repositories/log-records-repo.js";
import { LogsRepo } from "./repositories/logs-repo.js";
import { ModelVersionsRepo } from "./repositories/model-versions-repo.js";
import { ProjectsRepo } from "./repositories/projects-repo.js";
import { PullRequestsRepo } from "./repositories/pull-requests-repo.js";
import { QueueItemsRepo } from "./repositories/queue-items-repo.js";
import { ReleasesRepo } from "./repositories/releases-repo.js";
import { ReportsRepo } from "./repositories/reports-repo.js";
import { RolloutsRepo } from "./repositories/rollouts-repo.js";
import { RunsRepo } from "./repositories/runs-repo.js";
import { SecretsRepo } from "./repositories/secrets-repo.js";
import { SeriesRepo } from "./repositories/series-repo.js";
import { ServicesRepo } from "./repositories/services-repo.js";
import { SettingsRepo } from "./repositories/settings-repo.js";
import { LeasesRepo } from "./repositories/leases-repo.js";
import { RunCheckReportsRepo } from "./repositories/run-check-reports-repo.js";
import { PendingDeploysRepo } from "./repositories/pending-deploys-repo.js";
import { ReleaseRevertsRepo } from "./repositories/release-reverts-repo.js";
import { SpansRepo } from "./repositories/spans-repo.js";
import { StepsRepo } from "./repositories/steps-repo.js";
import { TestSelectionsRepo } from "./repositories/test-selections-repo.js";
import { TestDepsRepo } from "./repositories/test-deps-repo.js";
import { TokensRepo } from "./repositories/tokens-repo.js";
import { WebhookDeliveriesRepo } from "./repositories/webhook-deliveries-repo.js";

/** Every repository over one database: what domains receive instead of raw SQL access. */
export interface Store {
  database: Database;
  projects: ProjectsRepo;
  runs: RunsRepo;
  jobs: JobsRepo;
  steps: StepsRepo;
  logs: LogsRepo;
  events: EventsRepo;
  tokens: TokensRepo;
  artifacts: ArtifactsRepo;
  reports: ReportsRepo;
  secrets: SecretsRepo;
  settings: SettingsRepo;
  leases: LeasesRepo;
  /** What the forge last accepted for each run's commit check. */
  runCheckReports: RunCheckReportsRepo;
  /** The release reverter's record of each rolled-back rollout. */
  releaseReverts: ReleaseRevertsRepo;
  pendingDeploys: PendingDeploysRepo;
  logRecords: LogRecordsRepo;
  spans: SpansRepo;
  incidents: IncidentsRepo;
  pullRequests: PullRequestsRepo;
  services: ServicesRepo;
  series: SeriesRepo;
  alerts: AlertsRepo;
  heals: HealsRepo;
  releases: ReleasesRepo;
  rollouts: RolloutsRepo;
  queueItems: QueueItemsRepo;
  webhookDeliveries: WebhookDeliveriesRepo;
  explanations: ExplanationsRepo;
  modelVersions: ModelVersionsRepo;
  releaseBuilds: ReleaseBuildsRepo;
  agents: AgentsRepo;
  /** Per-test-file dependency maps (which files each test file exercised). */
  testDeps: TestDepsRepo;
  /** The test selection of each `tests:` step (run/skipped files, time saved, reasons). */
  testSelections: TestSelectionsRepo;
}

/** Builds the repositories over an open, migrated database. */
export function createStore(database: Database, clock: Clock, box: SecretBox): Store {
  const db = database.db;
  return {
    database,
    projects: new ProjectsRepo(db, clock, box),
    runs: new RunsRepo(db, clock),
    jobs: new JobsRepo(db, clock),
    steps: new StepsRepo(db, clock),
    logs: new LogsRepo(db),
    events: new EventsRepo(db),
    tokens: new TokensRepo(db, clock),
    artifacts: new ArtifactsRepo(db),
    reports: new ReportsRepo(db),
    secrets: new SecretsRepo(db, clock, box),
    settings: new SettingsRepo(db),
    leases: new LeasesRepo(db),
    runCheckReports: new RunCheckReportsRepo(db),
    releaseReverts: new ReleaseRevertsRepo(db),
    pendingDeploys: new PendingDeploysRepo(db),
    logRecords: new LogRecordsRepo(db, database.sqlite),
    spans: new SpansRepo(db),
    incidents: new IncidentsRepo(db),
    pullRequests: new PullRequestsRepo(db),
    services: new ServicesRepo(db),
    series: new SeriesRepo(db),
    alerts: new AlertsRepo(db, database.sqlite),
    heals: new HealsRepo(db),
    releases: new ReleasesRepo(db),
    rollouts: new RolloutsRepo(db),
    queueItems: new QueueItemsRepo(db),
    webhookDeliveries: new WebhookDeliveriesRepo(db),
    explanations: new ExplanationsRepo(db),
    modelVersions: new ModelVersionsRepo(db),
    releaseBuilds: new ReleaseBuildsRepo(db),
    agents: new AgentsRepo(db),
    testDeps: new TestDepsRepo(db),
    testSelections: new TestSelectionsRepo(db),
  };
}
