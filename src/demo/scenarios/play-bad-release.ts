/**
 * The bad-release scenario: a developer's change ships through a reviewed PR and CI, goes out by
 * canary under extra traffic on the affected journey, and the canary analysis must roll it back
 * by itself; then the developer reverts the change on `main` (so the demo can run again).
 */
import type { App } from "../../app/app.js";
import type { Delivery } from "../../deploy/index.js";
import { DEMO_ENVIRONMENT, SHOP_DIR } from "../demo-settings.js";
import type { ShopScenario } from "../shop-manifest.js";
import type { SeededService } from "../seed-shop.js";
import { startTraffic } from "../traffic-process.js";
import type { ScenarioResult } from "./scenario-result.js";
import { shipChange } from "./ship-change.js";

/** Plays `scenario` (which must have a `change`) and says whether the canary caught it. */
export async function playBadRelease(
  ctx: { app: App; delivery: Delivery; gatewayUrl: string; say: (s: string) => void },
  scenario: ShopScenario,
  service: SeededService,
): Promise<ScenarioResult> {
  const { app, delivery, say } = ctx;
  const change = scenario.change!;
  say(`scenario ${scenario.name}: a developer ships "${change.message}"`);
  const shipped = await shipChange(app, {
    repo: service.repo,
    projectId: service.project.id,
    patchPath: change.patch,
    message: change.message,
    branch: `demo/${scenario.name}-${Date.now()}`,
  });
  const extra = startTraffic(SHOP_DIR, {
    url: ctx.gatewayUrl,
    rate: 40,
    durationS: 300,
    journeys: [scenario.trigger.journey],
  });
  const started = app.clock.now();
  let state: string;
  let message: string;
  try {
    const { rollout } = await delivery.deploy({
      project: service.repo,
      environment: DEMO_ENVIRONMENT,
      runId: shipped.runId,
      by: "developer",
      reason: change.message,
    });
    state = await delivery.wait(rollout.id);
    message = (await delivery.rollout(rollout.id)).message;
  } finally {
    await extra.stop();
  }
  const mttrMs = app.clock.now() - started;
  say(`scenario ${scenario.name}: the developer reverts the change on main`);
  await shipChange(app, {
    repo: service.repo,
    projectId: service.project.id,
    patchPath: change.patch,
    message: `Revert "${change.message}"`,
    branch: `demo/${scenario.name}-revert-${Date.now()}`,
    reverse: true,
  });
  return {
    scenario: scenario.name,
    fault: scenario.faultClass,
    detection: "canary analysis",
    diagnosis: message,
    action: state === "rolled_back" ? "automatic rollback" : `rollout ${state}`,
    pr: `${service.repo}#${shipped.pr}`,
    mttrMs,
    healed: state === "rolled_back",
    branch: ["deploy", state],
    stagesMs: { deploy: mttrMs },
  };
}
