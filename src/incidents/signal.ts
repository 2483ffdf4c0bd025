import type { DomainEvent } from "../events/index.js";

/** An alert or anomaly as incidents see it. */
export interface Signal {
  kind: "alert" | "anomaly";
  /** Alert fingerprint or series key. */
  key: string;
  service: string;
  status: "firing" | "resolved";
  severity: string;
  title: string;
  /** When it started (firing) or ended (resolved), epoch ms. */
  at: number;
  /** Anomaly score 0..1 (alerts: undefined). */
  score?: number;
  /** The event's data, kept on the incident. */
  data: Record<string, unknown>;
}

/** The event types incidents consume. */
export const SIGNAL_EVENTS = ["alert.firing", "alert.resolved", "anomaly.detected"] as const;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const time = (v: unknown): number | undefined => {
  const t = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

/**
 * Reads an `alert.firing`/`alert.resolved` (subject `alert:<fingerprint>`) or `anomaly.detected`
 * (subject `series:<key>`) event; undefined for other events. Missing fields fall back: the key to
 * the subject, the service to labels `service`/`job` then `unknown`, the time to the event's.
 */
export function signalFromEvent(e: DomainEvent): Signal | undefined {
  const d = e.data;
  if (e.type === "alert.firing" || e.type === "alert.resolved") {
    const labels = (d.labels && typeof d.labels === "object" ? d.labels : {}) as Record<string, unknown>;
    const firing = e.type === "alert.firing";
    const name = str(d.name) ?? str(labels.alertname) ?? "alert";
    const service = str(d.service) ?? str(labels.service) ?? str(labels.job) ?? "unknown";
    return {
      kind: "alert",
      key: str(d.fingerprint) ?? e.subject.replace(/^alert:/, ""),
      service,
      status: firing ? "firing" : "resolved",
      severity: (str(d.severity) ?? str(labels.severity) ?? "warning").toLowerCase(),
      title: `${name} on ${service}`,
      at: (firing ? time(d.startsAt) : time(d.endsAt)) ?? e.at,
      data: d,
    };
  }
  if (e.type === "anomaly.detected") {
    const series = str(d.series) ?? e.subject.replace(/^series:/, "");
    const service = str(d.service) ?? "unknown";
    return {
      kind: "anomaly",
      key: series,
      service,
      status: "firing",
      severity: "warning",
      title: `anomaly in ${series} on ${service}`,
      at: time(d.at) ?? e.at,
      score: typeof d.score === "number" ? d.score : 0,
      data: d,
    };
  }
  return undefined;
}

const RANK: Record<string, number> = {
  critical: 4,
  page: 4,
  high: 3,
  error: 3,
  warning: 2,
  medium: 2,
  info: 1,
  low: 1,
};

/** The more severe of two severities (unknown words rank lowest). */
export function maxSeverity(a: string, b: string): string {
  return (RANK[b] ?? 0) > (RANK[a] ?? 0) ? b : a;
}
