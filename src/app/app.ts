/**
 * The composition root: turns a loaded configuration into one typed App holding every part: the
 * CI engine's (store, event log, bus, queue, executors: built by `ci-engine.ts`, which is all
 * `pitcrew run` builds), then the forge, observation, incidents, and — when asked for — delivery
 * and healing. Each part is built once here; an optional part is present or absent from the
 * start, never created later by whoever asks first. Starting the long-running loops is the entry
 * point's job (`cli/run-server.ts`, `demo/run-demo.ts`). The only module that knows every domain
 * (DESIGN.md §2).
 */
import { readFileSync } from "node:fs";
import type { LoadedConfig } from "../common/config/load-config.js";
import { ValidationError } from "../common/errors.js";
import { createLogger } from "../common/logger.js";
import { createStreamTickets, type StreamTickets } from "../common/stream-tickets.js";
import { AgentHub, jobDurationModel, schedulePolicy } from "../agents/index.js";
import { createReplayGuard, type Forge, GitHubForge, LocalForge, type ReplayGuard } from "../forge/index.js";
import type { Delivery } from "../deploy/index.js";
import type { HealOrchestrator, ReleaseReverter } from "../heal/index.js";
import type { IncidentService } from "../incidents/index.js";
import { ModelRegistry } from "../learning/index.js";
import {
  ChangeTestSelector,
  DependencyRecorder,
  testCoFailureModel,
  type TestDependencyRecorder,
  testFailureModel,
  testFlakinessModel,
  type TestSelector,
} from "../testintel/index.js";
import { anomalyCalibrationModel, logTemplatesModel } from "../detect/index.js";
import { type CiEngine, type CiEngineOptions, createCiEngine } from "./ci-engine.js";
import type { Core } from "./core.js";
import { buildDelivery, type DeliveryOptions } from "./delivery.js";
import { buildHealing, buildReleaseReverter, type HealingOptions } from "./healing.js";
import { buildIncidents, buildObservation, type Observation } from "./observation.js";

/** The assembled application. */
export interface App extends Omit<CiEngine, "secretBox" | "close"> {
  /** The forge (config `forge.driver`): the embedded local forge (default) or GitHub. */
  forge: Forge;
  /** Accepts each signed webhook delivery once (config `webhooks.replay_window`). */
  replay: ReplayGuard;
  /** Short-lived tickets that let EventSource clients open SSE streams without a token in the URL. */
  streamTickets: StreamTickets;
  /** `pitcrew agent` processes: registration, job hand-off over HTTP, heartbeats and loss. */
  agents: AgentHub;
  /** Every learned model's versions: training, gated promotion, rollback (src/learning). */
  models: ModelRegistry;
  /** Service logs, traces, metrics, alerts and scrapers. */
  observation: Observation;
  /** Incidents correlated from anomalies, alerts and the topology. */
  incidents: IncidentService;
  /** Change-based test selection over the store's dependency maps and test history, and the recorder of those maps. */
  testSelection: { selector: TestSelector; recorder?: TestDependencyRecorder };
  /** Progressive delivery: present when the app was created with `delivery` options. */
  delivery?: Delivery;
  /** The healing loop: present when `heal.enabled` and it has actions (delivery's or given ones). */
  healing?: HealOrchestrator;
  /** Reverts by a pull request what a rollback took out of traffic: present with delivery when `heal.revert_rollbacks`. */
  reverter?: ReleaseReverter;
  /** Closes every part (delivery's processes and routers included). */
  close(): Promise<void>;
}

/** An App created with delivery. */
export type DeliveringApp = App & { delivery: Delivery };

/** How `createApp` is used. */
export interface AppOptions extends CiEngineOptions {
  /** Build progressive delivery (serve, demo). */
  delivery?: DeliveryOptions;
  /** How healing is built (default: the service actions over delivery, when there is delivery). */
  healing?: HealingOptions;
}

/** Opens (and migrates) the store and wires every part; starts nothing yet. */
export function createApp(
  config: LoadedConfig,
  opts: AppOptions & { delivery: DeliveryOptions },
): Promise<DeliveringApp>;
export function createApp(config: LoadedConfig, opts?: AppOptions): Promise<App>;

/** Opens (and migrates) the store and wires every part; starts nothing yet. */
export async function createApp(config: LoadedConfig, opts: AppOptions = {}): Promise<App> {
  const log = opts.log ?? createLogger({ level: config.config.log.level });
  const gh = config.config.forge.driver === "github" ? config.config.forge.github : undefined;
  const ghToken = gh && !gh.app ? requiredEnv(gh.token_env, "forge.github.token_env") : undefined;
  const ghApp = gh?.app && {
    appId: gh.app.app_id,
    installationId: gh.app.installation_id,
    privateKey: readPrivateKey(gh.app.private_key_file),
  };
  const { secretBox, close: closeEngine, ...engine } = await createCiEngine(config, { log, localRun: opts.localRun });
  const { store, events, clock } = engine;
  const sealed = await store.projects.sealPlainWebhookSecrets();
  if (sealed > 0) log.info({ sealed }, "encrypted webhook secrets that were stored in plain text");
  const c = config.config;
  const streamTickets = createStreamTickets(secretBox, clock, c.limits.stream_ticket_ttl);
  const replay = createReplayGuard(store.webhookDeliveries, clock, c.webhooks.replay_window);
  const forge: Forge = gh
    ? new GitHubForge({
        apiUrl: gh.api_url,
        gitUrl: gh.git_url,
        owner: gh.owner,
        token: ghToken,
        app: ghApp,
        webhookSecret: process.env[gh.webhook_secret_env] || undefined,
        privateRepos: gh.private_repos,
        publicUrl: gh.public_url,
        events,
        replay,
      })
    : new LocalForge({ dataDir: config.dataDir, pullRequests: store.pullRequests, events, clock });
  const models = new ModelRegistry({ store, events, clock }, [
    testFailureModel,
    testFlakinessModel,
    anomalyCalibrationModel({ window: c.observe.anomaly_window }),
    logTemplatesModel,
    jobDurationModel,
    testCoFailureModel,
  ]);
  const agents = new AgentHub({ runner: engine.runner, leaseMs: c.agents.lease, policy: schedulePolicy(c.agents) });
  const core: Core = { ...engine, agents, forge, replay, streamTickets, models };
  const observation = buildObservation(core);
  const built = opts.delivery ? await buildDelivery(core, observation, opts.delivery) : undefined;
  const reverter = buildReleaseReverter(core, built?.delivery);
  return {
    ...core,
    observation,
    incidents: buildIncidents(core),
    testSelection: engine.runner.tests,
    delivery: built?.delivery,
    healing: buildHealing(core, observation, built?.delivery, opts.healing, reverter),
    reverter,
    async close() {
      agents.close();
      await built?.close();
      await closeEngine();
    },
  };
}

/** The value of a required environment variable, or a ValidationError naming it and the config key. */
function requiredEnv(name: string, key: string): string {
  const value = process.env[name];
  if (!value) throw new ValidationError(`${key}: environment variable ${name} is empty or unset`);
  return value;
}

function readPrivateKey(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(`forge.github.app.private_key_file: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Registers the projects declared in the config file that the store does not know yet. */
export async function registerConfiguredProjects(app: App): Promise<void> {
  for (const p of app.config.config.projects) {
    if (await app.store.projects.findByName(p.name)) continue;
    await app.store.projects.create({
      name: p.name,
      repoUrl: p.repo,
      defaultBranch: p.branch,
      pipelinePath: p.pipeline,
      sandbox: p.sandbox,
      pollIntervalMs: p.poll,
      webhookSecret: p.webhook_secret ?? null,
      trustPullRequests: p.trust_pull_requests,
      protectedBranches: p.protected_branches,
    });
    app.log.info({ project: p.name }, "registered project from config");
  }
}
