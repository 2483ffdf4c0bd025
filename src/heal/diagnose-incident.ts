/**
 * Diagnoses an incident from what pitcrew observed around it: the error logs of its services
 * (stack traces, timeouts, refused connections) and the deploys that shortly preceded it. Each
 * hypothesis gets a confidence from how much of the evidence it explains:
 *
 * - deploy_regression: a release of the service went live within `deployWindowMs` before the
 *   incident opened (0.95: rolling back is the safest first move; the code and config hypotheses
 *   still follow for the repair).
 * - code_bug: error logs carry a stack trace; the most frequent (exception type, top in-app frame)
 *   group is the suspect; 0.5 + 0.45 × its share of the error logs.
 * - config: error logs report timeouts (`timed out`, `ETIMEDOUT`, `deadline exceeded`, 504);
 *   0.5 + 0.45 × their share — with the configured limit when the line names one.
 * - dependency: connection refusals/resets to another host; 0.4 + 0.4 × their share.
 * With no evidence at all, the diagnosis has no hypothesis and says so.
 */
import { findTraces } from "../diagnose/index.js";
import type { Diagnosis, Evidence, Hypothesis } from "../repair/index.js";
import type { LogQuery, StoredLogRecord } from "../store/index.js";
import type { Incident } from "../store/index.js";

/** A deploy that went live, as the delivery history knows it. */
export interface RecentDeploy {
  service: string;
  environment: string;
  release: string;
  at: number;
  commit?: string;
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
}

/** Tuning of the look-back windows. */
export interface DiagnoseOptions {
  /** Logs from this long before the incident opened (default 5 min). */
  lookbackMs?: number;
  /** A deploy this long before the incident counts as a suspect (default 15 min). */
  deployWindowMs?: number;
  now: number;
}

/** The diagnosis plus the stack trace text the code hypothesis rests on (for the repair). */
export interface IncidentDiagnosis extends Diagnosis {
  /** The full text of one log record holding the leading trace. */
  trace?: string;
}

const TIMEOUT = /\b(timed?[ -]?out|timeout|ETIMEDOUT|deadline exceeded|504 Gateway)/i;
const REFUSED = /\b(ECONNREFUSED|ECONNRESET|connection refused|connection reset|EHOSTUNREACH)\b/i;
/** An error that reports a dependency's failure: a refused connection or an upstream 5xx answer. */
const DEPENDENCY = new RegExp(
  `${REFUSED.source}|\\b(answered|returned|responded(?: with)?|status(?: code)?:?)\\s*5\\d\\d\\b|\\bupstream\\b.*\\b5\\d\\d\\b`,
  "i",
);
const ERROR_LEVELS = ["error", "err", "fatal", "critical", "crit", "alert", "emerg", "panic", "severe"];

/** The text of a log record a trace may hide in: message plus string attributes (stack, err.stack…). */
export function recordText(r: StoredLogRecord): string {
  const parts = [r.message];
  const walk = (v: unknown, depth: number) => {
    if (typeof v === "string" && v.includes("\n")) parts.push(v);
    else if (v && typeof v === "object" && depth < 3) for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(r.attributes, 0);
  return parts.join("\n");
}

/** Diagnoses `incident` from its services' logs and recent deploys. */
export async function diagnoseIncident(
  incident: Incident,
  evidence: IncidentEvidence,
  opts: DiagnoseOptions,
): Promise<IncidentDiagnosis> {
  const since = incident.openedAt - (opts.lookbackMs ?? 300_000);
  const services = incident.services.length ? incident.services : [incident.service];
  const errors: StoredLogRecord[] = [];
  for (const service of services) {
    errors.push(...(await evidence.searchLogs({ service, levels: ERROR_LEVELS, since, until: opts.now, limit: 500 })));
  }
  const hypotheses: Hypothesis[] = [];
  let trace: string | undefined;

  const deployWindow = opts.deployWindowMs ?? 900_000;
  for (const service of services) {
    const deploys = await evidence.recentDeploys(service, incident.openedAt - deployWindow, incident.openedAt);
    const last = deploys.at(-1);
    if (!last) continue;
    const after = errors.filter((r) => r.service === service && r.at >= last.at);
    const before = await evidence.searchLogs({
      service,
      levels: ERROR_LEVELS,
      since: last.at - (opts.lookbackMs ?? 300_000),
      until: last.at - 1,
      limit: 500,
    });
    const known = new Set(before.map(errorShape));
    // errors the release did not bring: already logged before it, or failures of a dependency
    const notNew = (r: StoredLogRecord) => known.has(errorShape(r)) || DEPENDENCY.test(r.message);
    const old = after.length ? after.filter(notNew).length / after.length : 0;
    const since = ago(incident.openedAt - last.at);
    hypotheses.push({
      kind: "deploy_regression",
      // the same errors before the release went live: it did not bring them
      confidence: old >= 0.5 ? 0.25 : 0.95,
      evidence: [
        {
          kind: "release",
          summary: `${service} release ${last.release} went live ${since} before the incident`,
          data: { ...last, errorsSeenBefore: Math.round(old * 100) / 100 },
        },
      ],
      explanation:
        old >= 0.5
          ? `${service} release ${last.release} went live ${since} before the incident, but ${Math.round(old * 100)} % of the errors since then were already logged before it or are failures of a dependency: the release is unlikely to be the cause.`
          : `${service} started failing ${since} after release ${last.release} went live; rolling back is the fastest mitigation.`,
    });
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
      evidence: [...sample(timeouts, "timeout"), ...(await timeoutNeeds(timeouts, evidence))],
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
  };
}

/** The most common stack trace among `errors` (the service's own errors), its share of `total`. */
function codeHypothesis(
  errors: StoredLogRecord[],
  total: number,
): { hypothesis: Hypothesis; trace: string } | undefined {
  const groups = new Map<string, { count: number; text: string; summary: string; record: StoredLogRecord }>();
  for (const r of errors) {
    const text = recordText(r);
    const found = findTraces(text)[0];
    if (!found) continue;
    const t = found.trace;
    const top = t.frames.find((f) => f.inApp) ?? t.frames[0];
    const where = top
      ? `${top.file}:${top.line ?? "?"}${top.function ? ` (${top.function})` : ""}`
      : "an unknown frame";
    const key = `${t.exception.type}@${where}`;
    const g = groups.get(key);
    if (g) g.count++;
    else
      groups.set(key, {
        count: 1,
        text,
        summary: `${t.exception.type}: ${t.exception.message} at ${where}`,
        record: r,
      });
  }
  const best = [...groups.values()].sort((a, b) => b.count - a.count)[0];
  if (!best) return undefined;
  const share = best.count / total;
  const evidence: Evidence[] = [
    { kind: "frame", summary: best.summary },
    {
      kind: "log_line",
      summary: `${best.count} of ${total} error logs of ${best.record.service} carry this trace`,
      data: { id: best.record.id, at: best.record.at },
    },
  ];
  return {
    trace: best.text,
    hypothesis: {
      kind: "code_bug",
      confidence: 0.5 + 0.45 * share,
      evidence,
      explanation: `${best.summary} — a code bug, in ${Math.round(share * 100)} % of the error logs.`,
    },
  };
}

/** A timed-out call named in a log line: `<peer> <METHOD> <path> timed out`. */
const TIMED_OUT_CALL = /(\S+)\s+(?:GET|HEAD|POST|PUT|PATCH|DELETE)\s+(\/\S*)\s+timed?[ -]?out/i;

/**
 * What the timed-out calls need: for each (peer, path) the timeouts name (up to three), the
 * peer's measured p99 latency on that path, as metric evidence the config fixer sizes from.
 */
async function timeoutNeeds(timeouts: StoredLogRecord[], evidence: IncidentEvidence): Promise<Evidence[]> {
  if (!evidence.latencyP99Ms) return [];
  const calls = new Map<string, { peer: string; path: string }>();
  for (const r of timeouts) {
    const m = TIMED_OUT_CALL.exec(r.message);
    if (m?.[1] && m[2] && calls.size < 3) calls.set(`${m[1]} ${m[2]}`, { peer: m[1], path: m[2].split("?")[0]! });
  }
  const out: Evidence[] = [];
  for (const { peer, path } of calls.values()) {
    const p99Ms = await evidence.latencyP99Ms(peer, path).catch(() => undefined);
    if (p99Ms === undefined) continue;
    out.push({
      kind: "metric",
      summary: `${peer} answers ${path} in ${Math.round(p99Ms)} ms at p99 (its own request metrics)`,
      data: { peer, path, p99Ms },
    });
  }
  return out;
}

/** What kind of error a log record is: its first line with numbers masked. */
function errorShape(r: StoredLogRecord): string {
  return (r.message.split("\n")[0] ?? "").replace(/\d+/g, "#").slice(0, 200);
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
