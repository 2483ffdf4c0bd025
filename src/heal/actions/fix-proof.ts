/**
 * When a fix is proven before the verification window ends, from the requests the releases that
 * run it answered since their first traffic (the canary's), so verification overlaps the rollout:
 *
 * - p0, the share of requests that failed with the incident's own error (its stack trace's
 *   signature) while it burned: its occurrences by releases without the fix, over their span, give
 *   a rate r0 per second — conservatively the count less two standard deviations, (n − 2√n) / span,
 *   from at least MIN_OCCURRENCES — divided by the service's request rate λ now (the router's
 *   exchange log: requests over their span): p0 = min(1, r0 / λ).
 * - Had the fix not fixed it, each request it answered would fail with that error with
 *   probability p0: P(none in n) = (1 − p0)^n ≤ e^(−p0·n). The fix is proven when that is below
 *   PROOF_ALPHA = 0.001: n ≥ ln(1000) / p0 ≈ 6.9 / p0 requests (84 when 8 % of requests failed),
 *   none of which logged the error, and at most MAX_FAILED_SHARE of them answered 5xx (a fix that
 *   turns the crash into another failure proves nothing: the window and the alerts decide it).
 * - It assumes the request mix is what it was during the incident (clients still send the request
 *   that failed); the window's verdict rests on the same assumption.
 * Nothing is proven without a traced signature, without an exchange log (nginx), or when the
 * occurrences do not fit one page of the log search (the count would be a guess).
 */
import { ERROR_LEVELS, errorSignature, type IncidentDiagnosis } from "../../diagnose/index.js";
import type { Store } from "../../store/index.js";
import type { ReplicaCommit, ServedRequests } from "./service-heal-actions.js";

/** P(no occurrence on the fix's requests | the fix still fails at the incident's rate) that proves it. */
export const PROOF_ALPHA = 0.001;
/** Occurrences of the incident's error needed to estimate its rate. */
export const MIN_OCCURRENCES = 5;
/** Largest share of the fix's requests answered 5xx for a proof. */
export const MAX_FAILED_SHARE = 0.01;
const PAGE = 500;

/** A proof that the fix holds, with its figures. */
export interface FixProof {
  /** The incident's error's share of requests while it burned (p0). */
  share: number;
  /** Requests the fix's releases answered, and how many were needed. */
  served: number;
  needed: number;
  releases: string[];
  note: string;
}

/** Requests needed without an occurrence to prove a fix against an error that failed `share` of them. */
export function requestsNeeded(share: number): number {
  return Math.ceil(Math.log(1 / PROOF_ALPHA) / share);
}

/**
 * The proof for `onset`'s error on the replicas that run the fix (all of `replicas` must), or
 * undefined when the figures do not prove it (yet).
 */
export async function proveFix(
  store: Store,
  onset: NonNullable<IncidentDiagnosis["onset"]>,
  replicas: ReplicaCommit[],
  servedBy: (releases: string[]) => Promise<ServedRequests | undefined>,
  now: number,
): Promise<FixProof | undefined> {
  if (!onset.traced || !replicas.length || replicas.some((r) => !r.hasFix)) return undefined;
  const releases = [...new Set(replicas.map((r) => r.release))];
  const { records } = await store.logRecords.search({
    service: onset.service,
    levels: ERROR_LEVELS,
    since: onset.at,
    until: now + 1,
    limit: PAGE,
  });
  if (records.length >= PAGE) return undefined;
  const same = records.filter((r) => errorSignature(r).key === onset.signature);
  const fixed = new Set(releases);
  if (same.some((r) => typeof r.attributes.release === "string" && fixed.has(r.attributes.release))) return undefined;
  const before = same.filter((r) => typeof r.attributes.release === "string").map((r) => r.at);
  const n = before.length;
  const spanMs = n ? Math.max(...before) - Math.min(...before) : 0;
  if (n < MIN_OCCURRENCES || spanMs <= 0) return undefined;
  const served = await servedBy(releases);
  if (!served || served.total < 2 || served.spanMs <= 0) return undefined;
  const rate = (n - 2 * Math.sqrt(n)) / (spanMs / 1000);
  const share = Math.min(1, rate / (served.total / (served.spanMs / 1000)));
  if (!(share > 0)) return undefined;
  const needed = requestsNeeded(share);
  if (served.requests < needed || served.failed > MAX_FAILED_SHARE * served.requests) return undefined;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return {
    share,
    served: served.requests,
    needed,
    releases,
    note:
      `release ${releases.join(", ")} (the fix, on every replica) answered ${served.requests} requests, ` +
      `${served.failed} of them 5xx, without ${onset.summary}, which failed about ${pct(share)} of requests ` +
      `while the incident burned: ${needed} were needed for P(none | not fixed) < ${PROOF_ALPHA}`,
  };
}
