/**
 * The heal's diagnosis, read again while its evidence is still arriving. An incident opens on its
 * first signal (an anomaly, or an alert over a few seconds of errors), often before most of the
 * error logs that explain it are stored: a diagnosis at that instant may hold no stack trace yet
 * (one outside run found none 1.2 s after the incident where another found three). So:
 *
 * - diagnosing: when the diagnosis has nothing to act on — no stack trace, no config or
 *   dependency hypothesis, no likely deploy regression (≥ 0.5, whose rollback must not wait) — it
 *   is read again every `retryMs` until it has, or until `waitMs` after the incident opened. So is
 *   one that blames a release on errors too few to tell (`tooFewErrors`: the release served all
 *   traffic before the error began, and the count so far can neither clear it nor confirm it,
 *   diagnose/incident/clean-exposure.ts) — even beside a stack trace, since the blame would roll
 *   the release back at once: a few more errors clear it (a shift in traffic met an old bug) or
 *   confirm it, and a request shape that carries them gets the errors it needs to be named.
 *   A deploy regression the count decides is acted on at once;
 * - repairing: a stored diagnosis with neither a stack trace nor a config hypothesis (e.g. one led
 *   by a deploy regression, rolled back at once) is read again with the logs up to now, which
 *   hold the errors the release logged until it was rolled back; the fresher one is kept.
 * Each read takes the incident as stored then (signals that joined it add their services).
 */
import { sleep } from "../../common/clock.js";
import type { Clock } from "../../common/clock.js";
import { blameAwaitsErrors, type IncidentDiagnosis } from "../../diagnose/index.js";
import type { Incident } from "../../store/index.js";

/** How long after an incident opened the diagnosis waits for evidence (ms). */
export const EVIDENCE_WAIT_MS = 15_000;
/** Between two reads of the evidence (ms). */
export const EVIDENCE_RETRY_MS = 1_000;

/** True when `d` holds something a repair can start from: a stack trace or a config hypothesis. */
export function repairable(d: IncidentDiagnosis): boolean {
  return d.trace !== undefined || d.hypotheses.some((h) => h.kind === "config");
}

/** True when `d` says what to do next without more evidence (see the module comment). */
function actionable(d: IncidentDiagnosis): boolean {
  if (d.hypotheses.some(blameAwaitsErrors)) return false;
  return (
    repairable(d) ||
    d.hypotheses.some((h) => h.kind === "dependency" || (h.kind === "deploy_regression" && h.confidence >= 0.5))
  );
}

/** What the wait needs. */
export interface EvidenceWaitDeps {
  clock: Clock;
  /** The incident as stored now. */
  incident(id: number): Promise<Incident>;
  /** One diagnosis of `incident` from the evidence stored now. */
  diagnose(incident: Incident): Promise<IncidentDiagnosis>;
  waitMs?: number;
  retryMs?: number;
}

/**
 * Diagnoses `incident`, reading again while the diagnosis is not actionable and the incident is
 * younger than the wait (aborting `signal` ends the wait with the last diagnosis).
 */
export async function diagnoseWithEvidence(
  deps: EvidenceWaitDeps,
  incident: Incident,
  signal: AbortSignal,
): Promise<IncidentDiagnosis> {
  const waitMs = deps.waitMs ?? EVIDENCE_WAIT_MS;
  let diagnosis = await deps.diagnose(incident);
  while (!actionable(diagnosis) && deps.clock.now() - incident.openedAt < waitMs && !signal.aborted) {
    try {
      await sleep(deps.retryMs ?? EVIDENCE_RETRY_MS, signal);
    } catch {
      break; // aborted: the heal stops, the last diagnosis stands
    }
    diagnosis = await deps.diagnose(await deps.incident(incident.id));
  }
  return diagnosis;
}
