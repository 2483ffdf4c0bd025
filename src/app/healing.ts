/**
 * The healing loop of a running pitcrew: one HealOrchestrator per app (the routes reach it through
 * `healingOf`), started by `pitcrew serve` with the real heal actions.
 */
import type { HealActions } from "../heal/heal-actions.js";
import { HealOrchestrator, type HealSettings } from "../heal/heal-orchestrator.js";
import type { App } from "./app.js";

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
