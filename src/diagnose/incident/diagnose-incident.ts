/**
 * Diagnoses an incident from what pitcrew observed around it: the error logs of its services
 * (stack traces, timeouts, refused connections — a record at any level whose text holds a stack
 * trace is an error, see observe/logs/infer-level.ts), when the leading error began, and the
 * deploys around that onset. Each hypothesis gets a confidence from how much of the evidence it
 * explains:
 *
 * - deploy_regression: the release that went live last before the error's onset, within
 *   `deployWindowMs` before the incident (0.95: rolling back is the safest first move; the code
 *   and config hypotheses still follow for the repair). A release that went live after the onset
 *   did not bring the error (0.2), nor did one that served all traffic long enough before the
 *   onset that, at the rate the error has occurred since, it would have been logged there too
 *   (0.2: something else changed at the onset — traffic, config, a dependency; clean-exposure.ts).
 *   A release blamed only because the errors so far are too few to tell whether its clean time
 *   clears it keeps 0.95 with `tooFewErrors` in its evidence (read the evidence again before
 *   acting: heal/actions/diagnose-with-evidence.ts); and when the error
 *   went on after a rollback, no release is the cause (0.15): the fix path leads instead of
 *   rolling back further. Without any error logs (a latency alert), the latest release is the
 *   suspect.
 * - code_bug: error logs carry a stack trace; the most frequent (exception type, top in-app frame)
 *   group is the suspect; 0.5 + 0.45 × its share of the error logs.
 * - config: error logs report timeouts (`timed out`, `ETIMEDOUT`, `deadline exceeded`, 504);
 *   0.5 + 0.45 × their share — with the configured limit when the line names one.
 * - dependency: connection refusals/resets to another host; 0.4 + 0.4 × their share.
 * - traffic_shift: the errors began with a new kind of request (route or parameter shape) or a
 *   surge of one, whose requests carry them (traffic-shift.ts); 0.5 + 0.4 × its share of the 5xx.
 *   A blamed release is cleared (0.2) when that shape's requests failed on another release too.
 * Only the errors still logged when the incident opened count (ongoing-errors.ts): an earlier
 * failure that had stopped by then neither leads nor dates the onset.
 * With no evidence at all, the diagnosis has no hypothesis and says so.
 */
import type { Diagnosis, Evidence, Hypothesis } from "../diagnosis.js";
import type { LogQuery, StoredLogRecord } from "../../store/index.js";
import type { Incident } from "../../store/index.js";
import { type ErrorEpisode, errorOnset } from "./error-onset.js";
import { ongoingErrors } from "./ongoing-errors.js";
import { errorSignature } from "./error-signature.js";
import { timeoutNeeds } from "./timeout-needs.js";
import { clearByTraffic, type TrafficByShape, type TrafficShiftData, trafficShift } from "./traffic-shift.js";
import { codeHypothesis } from "./code-hypothesis.js";
import { cleanExposure } from "./clean-exposure.js";

/** A deploy that went live, as the delivery history knows it. */
export interface RecentDeploy {
  service: string;
  environment: string;
  release: string;
  at: number;
  commit?: string;
  /** When its rollout began sending it traffic (a canary's first requests), before `at`. */
  startedAt?: number;
  /** True when this release went live by rolling back (it runs an earlier release's code). */
  rollback?: boolean;
  /** The release it replaced (what rolling it back returns to). */
  previous?: string;
}

/** Where the evidence comes from. */
export interface IncidentEvidence {
  searchLogs(q: LogQuery): Promise<StoredLogRecord[]>;
  recentDeploys(service: string, since: number, until: number): Promise<RecentDeploy[]>;
  /**
   * The p99 latency in ms of `peer`'s requests on `path` (a concrete path such as
   * `/products/p-3/recommendations`) over the last minutes, when metrics can tell.
   */
  latencyP99Ms?(peer: string, path: string): Promise<number | undefined>;
  /** What a service's listener answered, by request shape (traffic-shift.ts), when it can tell. */
  trafficByShape?: TrafficByShape;
}

/** Tuning of the look-back windows. */
export interface DiagnoseOptions {
  /** Logs from this long before the incident opened (default 5 min). */
  lookbackMs?: number;
  /** A deploy this long before the incident counts as a suspect (default 15 min). */
  deployWindowMs?: number;
  /** A silence this long ends an episode of the leading error when dating its onset (default 5 min). */
  quietGapMs?: number;
  /** How far back a service's traffic counts must reach before a request shape is called new (default 1 min). */
  trafficHistoryMs?: number;
  now: number;
}

/** The diagnosis plus the stack trace text the code hypothesis rests on (for the repair). */
export interface IncidentDiagnosis extends Diagnosis {
  /** The full text of one log record holding the leading trace. */
  trace?: string;
  /** The leading error (its signature) and when its current episode began, when there are error logs. */
  onset?: {
    service: string;
    signature: string;
    summary: string;
    /** True when the signature is a stack trace's (exception type and frame). */
    traced: boolean;
    at: number;
    last: number;
    count: number;
    /** Occurrences in the current episode (from `at` to `last`). */
    occurrences: number;
  };
}

const TIMEOUT = /\b(timed?[ -]?out|timeout|ETIMEDOUT|deadline exceeded|504 Gateway)/i;
const REFUSED = /\b(ECONNREFUSED|ECONNRESET|connection refused|connection reset|EHOSTUNREACH)\b/i;
/** An error that reports a dependency's failure: a refused connection or an upstream 5xx answer. */
const DEPENDENCY = new RegExp(
  `${REFUSED.source}|\\b(answered|returned|responded(?: with)?|status(?: code)?:?)\\s*5\\d\\d\\b|\\bupstream\\b.*\\b5\\d\\d\\b`,
  "i",
);
/** The levels the diagnosis reads as errors. */
export const ERROR_LEVELS = ["error", "err", "fatal", "critical", "crit", "alert", "emerg", "panic", "severe"];

/** Diagnoses `incident` from its services' logs and recent deploys. */
export async function diagnoseIncident(
  incident: Incident,
  evidence: IncidentEvidence,
  opts: DiagnoseOptions,
): Promise<IncidentDiagnosis> {
  const since = incident.openedAt - (opts.lookbackMs ?? 300_000);
  const services = incident.services.length ? incident.services : [incident.service];
  const logged: StoredLogRecord[] = [];
  for (const service of services) {
    logged.push(...(await evidence.searchLogs({ service, levels: ERROR_LEVELS, since, until: opts.now, limit: 500 })));
  }
  const errors = ongoingErrors(logged, incident.openedAt);
  const hypotheses: Hypothesis[] = [];
  let trace: string | undefined;

  const deployWindow = opts.deployWindowMs ?? 900_000;
  const onset = await leadingOnset(incident, errors, evidence, opts, deployWindow);
  for (const service of services) {
    const deploys = await evidence.recentDeploys(service, incident.openedAt - deployWindow, incident.openedAt);
    const h = deployHypothesis(
      service,
      deploys,
      errors.filter((r) => r.service === service),
      onset?.service === service ? onset : undefined,
      incident.openedAt,
    );
    if (h) hypotheses.push(h);
  }

  if (evidence.trafficByShape) {
    const shift = await trafficShift(onset?.service ?? incident.service, evidence.trafficByShape, {
      onsetAt: onset?.at,
      since,
      now: opts.now,
      minHistoryMs: opts.trafficHistoryMs,
    });
    if (shift) {
      hypotheses.push(shift);
      clearByTraffic(hypotheses, shift.evidence[0]?.data as TrafficShiftData);
    }
  }

  const own = errors.filter((r) => !DEPENDENCY.test(r.message));
  const code = codeHypothesis(own, errors.length);
  if (code) {
    hypotheses.push(code.hypothesis);
    trace = code.trace;
  }
  const timeouts = errors.filter((r) => TIMEOUT.test(r.message));
  if (timeouts.length) {
    const share = timeouts.length / errors.length;
    const limit = /(\d+(?:\.\d+)?)\s*ms\b/.exec(timeouts[0]!.message)?.[1];
    hypotheses.push({
      kind: "config",
      confidence: 0.5 + 0.45 * share,
      evidence: [...sample(timeouts, "timeout"), ...(await timeoutNeeds(timeouts, evidence.latencyP99Ms))],
      explanation: `${Math.round(share * 100)} % of ${errors.length} error logs are timeouts${limit ? ` at a ${limit} ms limit` : ""}; the limit is likely lower than what the call needs.`,
    });
  }
  const upstream = errors.filter((r) => DEPENDENCY.test(r.message));
  if (upstream.length) {
    const share = upstream.length / errors.length;
    hypotheses.push({
      kind: "dependency",
      confidence: 0.4 + 0.55 * share,
      evidence: sample(upstream, "dependency failure"),
      explanation: `${Math.round(share * 100)} % of the error logs are failures of a dependency (refused connections or 5xx answers): the fault is most likely there, not here.`,
    });
  }
  hypotheses.sort((a, b) => b.confidence - a.confidence);
  const summary = hypotheses.length
    ? hypotheses
        .map((h) => `${h.kind.replace("_", " ")} (${Math.round(h.confidence * 100)} %): ${h.explanation}`)
        .join(" ")
    : `no error logs with a stack trace, timeout or connection failure and no deploy within ${ago(deployWindow)} before the incident on ${services.join(", ")}.`;
  return {
    service: incident.service,
    incidentId: String(incident.id),
    hypotheses,
    summary,
    createdAt: opts.now,
    ...(trace ? { trace } : {}),
    ...(onset ? { onset, onsetAt: onset.at } : {}),
  };
}

/**
 * The leading error of the incident (the most frequent signature among its services' own errors,
 * dependency failures only when there is nothing else) and its episode's onset, looked for up to
 * the deploy window plus the look-back before the incident.
 */
async function leadingOnset(
  incident: Incident,
  errors: StoredLogRecord[],
  evidence: IncidentEvidence,
  opts: DiagnoseOptions,
  deployWindow: number,
): Promise<IncidentDiagnosis["onset"]> {
  const own = errors.filter((r) => !DEPENDENCY.test(r.message));
  const counts = new Map<string, { service: string; summary: string; traced: boolean; count: number }>();
  for (const r of own.length ? own : errors) {
    const sig = errorSignature(r);
    const key = `${r.service}\0${sig.key}`;
    const c = counts.get(key) ?? { service: r.service, summary: sig.summary, traced: sig.traced, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  const lead = [...counts.entries()].sort((a, b) => b[1].count - a[1].count)[0];
  if (!lead) return undefined;
  const [key, { service, summary, traced, count }] = lead;
  const signature = key.slice(service.length + 1);
  const episode: ErrorEpisode | undefined = await errorOnset(evidence.searchLogs, {
    service,
    key: signature,
    levels: ERROR_LEVELS,
    since: incident.openedAt - deployWindow - (opts.lookbackMs ?? 300_000),
    until: opts.now,
    quietGapMs: opts.quietGapMs,
  });
  if (!episode) return undefined;
  return {
    service,
    signature,
    summary,
    traced,
    at: episode.onset,
    last: episode.last,
    count,
    occurrences: episode.occurrences.length,
  };
}

/** Errors logged this soon after a rollback went live were still in flight on the old release. */
const ROLLBACK_GRACE_MS = 5_000;

/**
 * The deploy hypothesis of one service: blame the release that went live last before the error's
 * onset (see the module comment); undefined when no release went live in the window.
 */
function deployHypothesis(
  service: string,
  deploys: RecentDeploy[],
  errors: StoredLogRecord[],
  onset: IncidentDiagnosis["onset"],
  openedAt: number,
): Hypothesis | undefined {
  const latest = deploys.at(-1);
  if (!latest) return undefined;
  const when = (at: number) => new Date(at).toISOString();
  if (onset) {
    const persisted = deploys.find((d) => d.rollback && d.at >= onset.at && onset.last > d.at + ROLLBACK_GRACE_MS);
    // a release can bring an error from its first request (a canary's), before it is fully live
    const started = (d: RecentDeploy) => Math.min(d.startedAt ?? d.at, d.at);
    if (persisted)
      return {
        kind: "deploy_regression",
        confidence: 0.15,
        evidence: [
          {
            kind: "release",
            summary: `${service} was rolled back to release ${persisted.release} at ${when(persisted.at)}, and ${onset.summary} went on after it`,
            data: { ...persisted, onset: onset.at, lastError: onset.last },
          },
        ],
        explanation: `the error (${onset.summary}) began at ${when(onset.at)} and went on after ${service} was rolled back (release ${persisted.release} at ${when(persisted.at)}): no release is the cause, the code is — fix it instead of rolling back further.`,
      };
    const suspect = deploys.filter((d) => !d.rollback && started(d) <= onset.at).at(-1);
    if (!suspect) {
      const first = deploys[0] as RecentDeploy;
      return {
        kind: "deploy_regression",
        confidence: 0.2,
        evidence: [
          {
            kind: "release",
            summary: `the error began ${ago(started(first) - onset.at)} before ${service} release ${first.release} went live`,
            data: { ...latest, onset: onset.at },
          },
        ],
        explanation: `${onset.summary} was already logged at ${when(onset.at)}, before ${service} release ${first.release} went live at ${when(first.at)}: the error was already logged before it, the release did not bring it.`,
      };
    }
    const clean = cleanExposure(suspect, onset);
    if (clean?.verdict === "cleared")
      return {
        kind: "deploy_regression",
        confidence: 0.2,
        evidence: [
          {
            kind: "release",
            summary: `${service} release ${suspect.release} served all traffic for ${ago(clean.ms)} before ${onset.summary} began, without it`,
            data: { ...suspect, onset: onset.at, cleanMs: clean.ms, expectedErrors: clean.expected },
          },
        ],
        explanation: `${service} release ${suspect.release} served all traffic for ${ago(clean.ms)} without ${onset.summary}; at the rate it has occurred since ${when(onset.at)}, about ${clean.expected} would have been logged in that time (p < 0.001): the release did not bring the error, something else changed when it began (traffic, config, a dependency).`,
      };
    const undecided = clean ? { errors: clean.errors, cleanMs: clean.ms } : undefined;
    return blame(service, suspect, errors, onset.at, openedAt, suspect !== latest, undecided);
  }
  return blame(service, latest, errors, undefined, openedAt, false);
}

/**
 * The deploy_regression hypothesis against `suspect` (0.95, or 0.25 when most errors since are a
 * dependency's); `tooFewErrors` when its clean time might still clear it (clean-exposure.ts).
 */
function blame(
  service: string,
  suspect: RecentDeploy,
  errors: StoredLogRecord[],
  onset: number | undefined,
  openedAt: number,
  notLatest: boolean,
  tooFewErrors?: { errors: number; cleanMs: number },
): Hypothesis {
  const after = errors.filter((r) => r.at >= suspect.at);
  const upstream = after.length ? after.filter((r) => DEPENDENCY.test(r.message)).length / after.length : 0;
  const since = ago(openedAt - suspect.at);
  const began =
    onset === undefined
      ? ""
      : ` (the error began ${ago(onset - Math.min(suspect.startedAt ?? suspect.at, suspect.at))} after it)`;
  return {
    kind: "deploy_regression",
    confidence: upstream >= 0.5 ? 0.25 : 0.95,
    evidence: [
      {
        kind: "release",
        summary: `${service} release ${suspect.release} went live ${since} before the incident${began}`,
        data: {
          ...suspect,
          errorsFromDependencies: Math.round(upstream * 100) / 100,
          ...(onset === undefined ? {} : { onset }),
          // roll back to what the suspect replaced, even when later releases followed it
          ...(notLatest && suspect.previous ? { rollbackTo: suspect.previous } : {}),
          ...(tooFewErrors ? { tooFewErrors } : {}),
        },
      },
    ],
    explanation:
      upstream >= 0.5
        ? `${service} release ${suspect.release} went live ${since} before the incident, but ${Math.round(upstream * 100)} % of the errors since then are failures of a dependency: the release is unlikely to be the cause.`
        : `${service} started failing after release ${suspect.release} went live ${since} before the incident${began}${notLatest ? `; later releases did not bring the error, so the rollback goes back to release ${suspect.previous ?? "before it"}` : ""}; rolling back is the fastest mitigation${tooFewErrors ? ` — but it served all traffic for ${ago(tooFewErrors.cleanMs)} before the error began, and ${tooFewErrors.errors} error${tooFewErrors.errors === 1 ? "" : "s"} since are too few to tell whether that clears it` : ""}.`,
  };
}

function sample(records: StoredLogRecord[], what: string): Evidence[] {
  return records.slice(0, 3).map((r) => ({
    kind: "log_line",
    summary: `${what}: ${r.message.slice(0, 200)}`,
    data: { id: r.id, service: r.service, at: r.at },
  }));
}

function ago(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(0, Math.round(ms / 1000))} s`;
}
