/**
 * A latent-fault scenario: traffic starts reaching the fault, and the healing loop must take it
 * from there — an alert or anomaly opens an incident on the service, its heal diagnoses, repairs
 * (pull request, CI, merge), ships the fix by canary and verifies it. The scenario ends when the
 * heal reaches a final state (or the time limit), and reports what happened at each stage.
 *
 * Resuming (`pitcrew demo --resume` after a crash), the newest incident the service opened is the
 * scenario's own (its heal resumes where it was, even if the incident already resolved while its
 * heal was verifying), and a scenario whose service's last heal already ended is reported from
 * that heal instead of being played again.
 */
import type { App } from "../../app/app.js";
import type { Incident } from "../../store/index.js";
import type { Heal } from "../../store/index.js";
import { SHOP_DIR } from "../demo-settings.js";
import type { ShopScenario } from "../shop-manifest.js";
import { startTraffic } from "../traffic-process.js";
import type { ScenarioResult } from "./scenario-result.js";

const FINAL = new Set(["resolved", "escalated", "failed"]);

/** Plays a scenario the healing loop must heal; `timeoutMs` bounds the wait for the heal. */
export async function playHeal(
  ctx: { app: App; gatewayUrl: string; say: (s: string) => void; timeoutMs: number; resume?: boolean },
  scenario: ShopScenario,
): Promise<ScenarioResult> {
  const { app, say } = ctx;
  const since = app.clock.now();
  const ended = ctx.resume ? await endedBefore(app, scenario.service) : undefined;
  if (ended) {
    say(`scenario ${scenario.name}: already played before the restart (heal ${ended.heal.state})`);
    return resultOf(app, scenario, since, ended.incident, ended.heal);
  }
  say(`scenario ${scenario.name}: ${scenario.trigger.explanation}`);
  const trigger = startTraffic(SHOP_DIR, {
    url: ctx.gatewayUrl,
    rate: 3,
    durationS: Math.ceil(ctx.timeoutMs / 1000),
    journeys: [scenario.trigger.journey],
  });
  const end = since + ctx.timeoutMs;
  let incident: Incident | undefined;
  let heal: Heal | undefined;
  try {
    while (app.clock.now() < end && !(heal && FINAL.has(heal.state))) {
      incident ??= scenarioIncident(await app.store.incidents.list({ limit: 20 }), scenario.service, since, ctx.resume);
      if (incident) heal = await app.store.heals.findByIncident(incident.id);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await trigger.stop();
  }
  return resultOf(app, scenario, since, incident, heal);
}

/**
 * The scenario's incident among the newest ones: one the service opened itself first (a caller's
 * incident may list the service too, when both alerts fired in the same instant, and its heal
 * rightly escalates to the dependency), else one that merely lists it. After a restart the newest
 * such incident counts even when it already resolved: its heal may still be verifying.
 */
function scenarioIncident(incidents: Incident[], service: string, since: number, resume?: boolean) {
  const candidates = incidents.filter((i) => i.services.includes(service) && (i.openedAt >= since || !!resume));
  return (
    candidates.find((i) => i.service === service) ??
    candidates.find((i) => i.openedAt >= since || i.status !== "resolved")
  );
}

/** The service's last heal when it ended and no incident of the service is still open. */
async function endedBefore(app: App, service: string): Promise<{ incident: Incident; heal: Heal } | undefined> {
  const open = (await app.store.incidents.listUnresolved()).filter((i) => i.services.includes(service));
  const [heal] = await app.store.heals.list({ service, limit: 1 });
  if (open.length || !heal || !FINAL.has(heal.state)) return undefined;
  return { incident: await app.store.incidents.get(heal.incidentId), heal };
}

/** The scenario's row from its incident and heal (or their absence). */
async function resultOf(
  app: App,
  scenario: ShopScenario,
  since: number,
  incident: Incident | undefined,
  heal: Heal | undefined,
): Promise<ScenarioResult> {
  const base = { scenario: scenario.name, fault: scenario.faultClass };
  if (!incident) {
    return {
      ...base,
      detection: "none",
      diagnosis: "-",
      action: "-",
      pr: "-",
      healed: false,
      branch: [],
      stagesMs: {},
    };
  }
  const timeline = heal ? await app.store.heals.timeline(heal.id) : [];
  const signal = (await app.store.incidents.signals(incident.id))[0];
  const pr = heal?.data.pr as { repo?: string; number?: number } | undefined;
  return {
    ...base,
    detection: signal ? `${signal.kind}: ${incident.title}` : incident.title,
    diagnosis: heal?.kind
      ? `${heal.kind}: ${String((heal.data.diagnosis as { summary?: string })?.summary ?? "")}`
      : "-",
    action: heal ? `heal ${heal.state}${heal.reason ? ` (${heal.reason})` : ""}` : "no heal started",
    pr: pr?.repo ? `${pr.repo}#${pr.number}` : "-",
    mttrMs: heal?.mttrMs ?? undefined,
    healed: heal?.state === "resolved",
    branch: timeline.map((e) => e.to),
    stagesMs: stagesOf(since, incident.openedAt, timeline),
  };
}

/** Which stage each heal state's time counts for. */
const STAGE: Record<string, string> = {
  diagnosing: "diagnose",
  mitigating: "mitigate",
  repairing: "patch",
  pr_open: "ci",
  ci_running: "ci",
  merging: "ci",
  deploying: "deploy",
  verifying: "verify",
};

/** Time per stage: trigger → incident (detect), then each state's time until the next one. */
export function stagesOf(
  since: number,
  openedAt: number,
  timeline: { to: string; at: number }[],
): Record<string, number> {
  const out: Record<string, number> = { detect: Math.max(0, openedAt - since) };
  timeline.forEach((e, i) => {
    const next = timeline[i + 1];
    const stage = STAGE[e.to];
    if (stage && next) out[stage] = (out[stage] ?? 0) + (next.at - e.at);
  });
  return out;
}
