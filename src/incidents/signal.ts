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

const time = (iso: string | null): number | undefined => {
  const t = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) && t > 0 ? t : undefined;
};

/**
 * Reads an `alert.firing`/`alert.resolved` or `anomaly.detected` event; undefined for other
 * events. An alert without a service is `unknown`'s; its time falls back to the event's.
 */
export function signalFromEvent(e: DomainEvent): Signal | undefined {
  if (e.type === "alert.firing" || e.type === "alert.resolved") {
    const d = e.data;
    const firing = e.type === "alert.firing";
    const service = d.service ?? "unknown";
    return {
      kind: "alert",
      key: d.fingerprint,
      service,
      status: firing ? "firing" : "resolved",
      severity: d.severity.toLowerCase(),
      title: `${d.name} on ${service}`,
      at: time(firing ? d.startsAt : d.endsAt) ?? e.at,
      data: d,
    };
  }
  if (e.type === "anomaly.detected") {
    const d = e.data;
    return {
      kind: "anomaly",
      key: d.series,
      service: d.service,
      status: "firing",
      severity: "warning",
      title: `anomaly in ${d.series} on ${d.service}`,
      at: d.at,
      score: d.score,
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
