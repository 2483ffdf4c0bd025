/**
 * The healing loop of a running pitcrew, built once from config (`heal.enabled`): one
 * HealOrchestrator with the real heal actions over the app's delivery (recent deploys, rollback,
 * shipping fixes), the forge (CI checks, merge) and the repair chain (reproducing code bugs with
 * the failing request captured by the router) — or with the actions the caller gives; and the
 * release reverter (`heal.revert_rollbacks`), which reverts by a pull request what a rollback took
 * out of traffic.
 */
import type { Delivery } from "../deploy/index.js";
import {
  type HealActions,
  HealOrchestrator,
  type HealSettings,
  forgeRepoOf,
  healDeliveryOf,
  healReplayOf,
  ReleaseReverter,
  serviceHealActions,
} from "../heal/index.js";
import { routeLatencyP99 } from "../observe/index.js";
import { chainHealRepairer } from "../repair/index.js";
import type { App } from "./app.js";
import type { Core } from "./core.js";
import type { Observation } from "./observation.js";

/** How healing is built: by default the service actions over delivery. */
export interface HealingOptions {
  /** Heal with these actions instead (delivery not needed). */
  actions?: HealActions;
  /** Overrides of the settings read from the `heal:` section. */
  settings?: Partial<HealSettings>;
}

/** The orchestrator settings from the `heal:` config section. */
export function healSettingsOf(core: Pick<Core, "config">): HealSettings {
  const h = core.config.config.heal;
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

/**
 * Builds the orchestrator when `heal.enabled` and it has actions (given, or the service actions
 * over `delivery`); undefined otherwise.
 */
export function buildHealing(
  core: Core,
  observation: Observation,
  delivery: Delivery | undefined,
  opts: HealingOptions = {},
  reverter?: ReleaseReverter,
): HealOrchestrator | undefined {
  const h = core.config.config.heal;
  if (!h.enabled) return undefined;
  const actions = opts.actions ?? (delivery && serviceActions(core, observation, delivery, reverter));
  if (!actions) return undefined;
  return new HealOrchestrator({
    heals: core.store.heals,
    incidents: core.store.incidents,
    events: core.events,
    actions,
    clock: core.clock,
    log: core.log,
    settings: { ...healSettingsOf(core), ...opts.settings },
  });
}

/** The release reverter when healing is on with `heal.revert_rollbacks` and there is delivery; undefined otherwise. */
export function buildReleaseReverter(core: Core, delivery: Delivery | undefined): ReleaseReverter | undefined {
  const h = core.config.config.heal;
  if (!h.enabled || !h.revert_rollbacks || !delivery) return undefined;
  const { store, forge, events, clock, log } = core;
  return new ReleaseReverter({ store, forge, events, clock, log, pollMs: h.poll });
}

/** The real heal actions of a server. */
function serviceActions(
  core: Core,
  observation: Observation,
  delivery: Delivery,
  reverter: ReleaseReverter | undefined,
): HealActions {
  const { store, forge, clock } = core;
  return serviceHealActions({
    store,
    forge,
    clock,
    delivery: healDeliveryOf(core.runner, delivery),
    repairer: chainHealRepairer({
      forge,
      repoOf: forgeRepoOf(store),
      replayOf: healReplayOf(store, clock, delivery),
      llm: core.config.config.repair?.llm,
    }),
    reverter,
    verifyWindowMs: core.config.config.heal.verify_window,
    anomalyThreshold: core.config.config.observe.anomaly_threshold,
    latencyP99Ms: routeLatencyP99(observation.metrics, clock),
  });
}

/** Starts the healing loop and the release reverter when the app has them; returns the stop function. */
export function startHealing(app: App): () => void {
  const stops = [app.healing?.start(app.bus), app.reverter?.start(app.bus)];
  return () => {
    for (const stop of stops) stop?.();
  };
}
