import type { Signal } from "./signal.js";

/** What the correlator knows of an unresolved incident. */
export interface OpenIncident {
  id: number;
  services: string[];
  lastSignalAt: number;
  /** `kind:key` of the signals it holds that still fire. */
  activeSignals: string[];
}

/** Grouping rules. */
export interface CorrelatorOptions {
  /** Signals this close in time (ms) to an incident's last signal may join it. */
  windowMs: number;
  /** Anomalies below this score (0..1) are ignored. */
  anomalyThreshold: number;
}

/** The correlator's answer for one firing signal. */
export type Decision =
  | { action: "ignore"; reason: string }
  | { action: "duplicate"; incidentId: number }
  | { action: "join"; incidentId: number; reason: "same service" | "called service" }
  | { action: "open" };

/**
 * Decides where a firing signal goes, without side effects:
 * 1. an anomaly scoring below the threshold is ignored;
 * 2. a signal an unresolved incident already holds (same kind and key, still firing) is a duplicate;
 * 3. it joins the incident with the most recent signal within the window that names the same
 *    service; failing that, one that names a service the signal's service calls (an edge
 *    signal → incident in `edges`): failures travel from callee to caller, so a caller's signal
 *    is a symptom of the callee's incident, while a callee's signal may be the cause and gets
 *    its own incident (and its own heal);
 * 4. otherwise it opens a new incident.
 */
export function correlate(
  signal: Signal,
  open: OpenIncident[],
  edges: Array<{ from: string; to: string }>,
  opts: CorrelatorOptions,
): Decision {
  if (signal.kind === "anomaly" && (signal.score ?? 0) < opts.anomalyThreshold) {
    return { action: "ignore", reason: `anomaly score ${signal.score} is below ${opts.anomalyThreshold}` };
  }
  const id = `${signal.kind}:${signal.key}`;
  const holder = open.find((i) => i.activeSignals.includes(id));
  if (holder) return { action: "duplicate", incidentId: holder.id };
  const recent = open
    .filter((i) => Math.abs(signal.at - i.lastSignalAt) <= opts.windowMs)
    .sort((a, b) => b.lastSignalAt - a.lastSignalAt);
  const same = recent.find((i) => i.services.includes(signal.service));
  if (same) return { action: "join", incidentId: same.id, reason: "same service" };
  const callees = new Set(edges.filter((e) => e.from === signal.service).map((e) => e.to));
  const near = recent.find((i) => i.services.some((s) => callees.has(s)));
  if (near) return { action: "join", incidentId: near.id, reason: "called service" };
  return { action: "open" };
}
