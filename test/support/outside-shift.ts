/**
 * A shift in traffic meets an old bug, on the outside service under a real `pitcrew serve`: a
 * latent bug ships healthy (test/support/outside-service.ts, `TRAFFIC_SHIFT_FAULT`), serves all
 * traffic for a while, and then clients start sending a request shape nobody sent before, which
 * carries every 5xx — with no release at that moment. What the heal did is read through the CLI
 * (`pitcrew heal list|show --json`, outside-read.ts): its path, and the diagnosis its repair started from (the
 * `traffic_shift` hypothesis with the shape and its counts).
 */
import { gitIn } from "./git-repo.js";
import { type FaultResult, type OutsideSystem, SHIFTED_PATH } from "./outside-heal.js";
import {
  endedRollout,
  mainHealthy,
  mainStory,
  newHeals,
  OUTSIDE_PROJECT,
  rolloutSteps,
  stageTimes,
  waitMainHealthy,
} from "./outside-read.js";
import { type OutsideFault, pushFault } from "./outside-service.js";
import { until } from "./serve-process.js";

/** How long the latent bug's release serves all traffic before the new requests start. */
const SETTLE_MS = 20_000;

/** The traffic shift the heal's diagnosis named (its evidence data, see diagnose's traffic-shift.ts). */
export interface ShiftSeen {
  /** The leading hypothesis' kind (a crash with a stack trace leads as `code_bug`: the same fix path). */
  lead: string;
  /** The traffic_shift hypothesis' confidence, when the diagnosis named one. */
  confidence?: number;
  shape?: string;
  change?: string;
  before?: { requests: number; share: number };
  after?: { requests: number; errors: number; share: number };
  errorShare?: number;
  /** Why the release that shipped the bug was or was not blamed (deploy_regression hypotheses). */
  deploys: string[];
}

/** A traffic-shift fault's result: the fault's, with what the diagnosis saw. */
export interface ShiftResult extends FaultResult {
  shift?: ShiftSeen;
}

/** The diagnosis a heal's timeline recorded when it left diagnosing. */
function shiftOf(timeline: any[]): ShiftSeen | undefined {
  const diagnosis = timeline.map((e) => e.data?.diagnosis).find(Boolean);
  if (!diagnosis) return undefined;
  const hypotheses = (diagnosis.report?.hypotheses ?? []) as any[];
  const shift = hypotheses.find((h) => h.kind === "traffic_shift");
  const data = shift?.evidence?.[0]?.data ?? {};
  return {
    lead: diagnosis.kind,
    confidence: shift?.confidence,
    shape: data.shape,
    change: data.change,
    before: data.before,
    after: data.after,
    errorShare: data.errorShare,
    deploys: hypotheses
      .filter((h) => h.kind === "deploy_regression")
      .map((h) => `${h.confidence}: ${String(h.explanation).slice(0, 200)}`),
  };
}

/**
 * Pushes `fault` (a latent bug), waits until its release is live and has served all traffic for
 * SETTLE_MS, then starts the new kind of request and waits for the heal of the incident that opens.
 */
export async function playTrafficShift(sys: OutsideSystem, fault: OutsideFault, ms = 480_000): Promise<ShiftResult> {
  const commit = pushFault(sys.clone, fault);
  const rollout = await endedRollout(sys, commit, 180_000);
  const base: ShiftResult = {
    fault: fault.name,
    kind: fault.kind,
    commit,
    outcome: "not-healed",
    path: [],
    mainFixedBy: "nobody",
    mainHealthy: false,
    note: "",
  };
  if (rollout.state !== "succeeded")
    return { ...base, note: `the latent bug's release did not go live: ${rollout.state} ${rollout.message ?? ""}` };
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const known = new Set((await newHeals(sys, new Set())).map((h) => h.id as number));
  const mark = sys.traffic.mark();
  sys.traffic.shifted = true;
  const heal = await until(
    async () => {
      const h = (await newHeals(sys, known)).at(-1);
      return h && ["resolved", "escalated", "failed"].includes(h.state) ? h : undefined;
    },
    ms,
    `the heal of ${fault.name}`,
  ).catch(async (err: Error) => {
    // still running (or none started): say where it got to
    const h = (await newHeals(sys, known)).at(-1);
    const incidents = (await sys.serve.api("GET", "/api/incidents?limit=3")).body;
    const alerts = (await sys.serve.api("GET", "/api/alerts")).body;
    const answered = sys.traffic.since(mark);
    return {
      ...h,
      state: "timeout",
      reason: `${err.message}; traffic since the shift: ${answered.errors} errors in ${answered.total} answers; incidents: ${JSON.stringify(incidents).slice(0, 600)}; alerts: ${JSON.stringify(alerts).slice(0, 800)}; ${await mainStory(sys)}`,
    } as any;
  });
  const shown = heal.id ? await sys.cli("heal", "show", String(heal.id), "--json") : heal;
  if (heal.state === "timeout") shown.reason = `${heal.reason} (heal ${heal.id ?? "none"} was ${shown.state})`;
  const timeline = (shown.timeline ?? []) as any[];
  const found = {
    path: timeline.map((e) => e.to),
    stagesMs: stageTimes(timeline),
    shift: shiftOf(timeline),
  };
  if (heal.state !== "resolved")
    return {
      ...base,
      ...found,
      note: `heal ${heal.state}: ${shown.reason ?? ""}; timeline: ${timeline.map((e) => `${e.to}: ${String(e.note ?? "").slice(0, 300)}`).join(" | ")}`,
      mainHealthy: await mainHealthy(sys, [SHIFTED_PATH]),
    };
  const pr = timeline.map((e) => e.data?.pr).find(Boolean);
  const healthy = await waitMainHealthy(sys, 120_000, [SHIFTED_PATH]).catch(() => false as const);
  return {
    ...base,
    ...found,
    outcome: "fixed",
    mttrMs: shown.mttrMs ?? undefined,
    rolloutSteps: await rolloutSteps(sys, gitIn(sys.repoUrl, "rev-parse", "main")),
    pr: pr ? `${OUTSIDE_PROJECT}#${typeof pr === "object" ? pr.number : pr}` : undefined,
    mainFixedBy: "pitcrew",
    mainHealthy: healthy === true,
    note: shown.reason ?? "",
  };
}
