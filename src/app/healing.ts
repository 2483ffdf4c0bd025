/**
 * The healing loop of a running pitcrew: one HealOrchestrator per app (the routes reach it through
 * `healingOf`), started by `pitcrew serve` with the real heal actions.
 */
import type { Delivery } from "../deploy/index.js";
import { type HealRepairer, serviceHealActions } from "../heal/index.js";
import type { HealActions } from "../heal/index.js";
import { projectOfService } from "../observe/index.js";
import { chainHealRepairer } from "../repair/index.js";
import { HealOrchestrator, type HealSettings } from "../heal/index.js";
import type { App } from "./app.js";
import { healDeliveryOf } from "./heal-delivery.js";
import { healReplayOf } from "./heal-replay.js";
import { routeLatencyP99 } from "./route-latency.js";

const orchestrators = new WeakMap<App, HealOrchestrator>();

/** The orchestrator settings from the `heal:` config section. */
export function healSettingsOf(app: App): HealSettings {
  const h = app.config.config.heal;
  return {
    policyFor: (service) => h.services[service] ?? h.policy,
    maxAttempts: h.max_attempts,
    timeouts: Object.fromEntries(
      (
        ["diagnosing", "mitigating", "repairing", "pr_open", "ci_running", "merging", "deploying", "verifying"] as const
      ).map((s) => [s, h.state_timeout]),
    ),
    pollMs: h.poll,
    maxActionErrors: 5,
  };
}

/** The app's orchestrator, if healing was started. */
export function healingOf(app: App): HealOrchestrator | undefined {
  return orchestrators.get(app);
}

/** Starts the healing loop with `actions` (once per app); returns the stop function. */
export function startHealing(app: App, actions: HealActions, settings: HealSettings = healSettingsOf(app)): () => void {
  if (!app.config.config.heal.enabled) return () => {};
  const orchestrator = new HealOrchestrator({
    heals: app.store.heals,
    incidents: app.store.incidents,
    events: app.events,
    actions,
    clock: app.clock,
    log: app.log,
    settings,
  });
  orchestrators.set(app, orchestrator);
  const stop = orchestrator.start(app.bus);
  return () => {
    stop();
    orchestrators.delete(app);
  };
}

/**
 * Starts the healing loop of a running server: the heal actions over the app's delivery (recent
 * deploys, rollback, shipping fixes), the forge (CI checks, merge) and `repairer` (the repair
 * chain, reproducing code bugs with the failing request captured by the router). Returns the
 * stop function.
 */
export function startServiceHealing(
  app: App,
  delivery: Delivery,
  repairer: HealRepairer = chainHealRepairer({
    forge: app.forge,
    repoOf: forgeRepoOf(app),
    replayOf: healReplayOf(app, delivery),
    llm: app.config.config.repair?.llm,
  }),
): () => void {
  const actions = serviceHealActions({
    store: app.store,
    forge: app.forge,
    clock: app.clock,
    delivery: healDeliveryOf(app, delivery),
    repairer,
    verifyWindowMs: app.config.config.heal.verify_window,
    anomalyThreshold: app.config.config.observe.anomaly_threshold,
    latencyP99Ms: routeLatencyP99(app),
  });
  return startHealing(app, actions);
}

/**
 * Where a service's code lives on the forge: the repository the service registry names (falling
 * back to a repository named like the service), on its project's default branch.
 */
export function forgeRepoOf(app: App): (service: string) => Promise<{ repo: string; baseBranch: string } | undefined> {
  return async (service) => {
    const project = await projectOfService(app.store, service);
    return project && { repo: project.name, baseBranch: project.defaultBranch };
  };
}
