/**
 * When a service was in an incident: the spans (opened … resolved, or still open) of its newest
 * incidents, which the models learnt per service read to tell their data inside incidents apart.
 */
import type { Store } from "../../store/index.js";

/** Newest incidents of a service read (older ones lie before any data a model reads). */
const MAX_INCIDENTS = 500;

/** A closed time span in epoch ms (`to` is +∞ while the incident is open). */
export interface IncidentSpan {
  from: number;
  to: number;
}

/** The spans of `service`'s newest {@link MAX_INCIDENTS} incidents. */
export async function incidentSpans(store: Store, service: string): Promise<IncidentSpan[]> {
  return (await store.incidents.list({ service, limit: MAX_INCIDENTS })).map((i) => ({
    from: i.openedAt,
    to: i.resolvedAt ?? Number.POSITIVE_INFINITY,
  }));
}

/** True when `at` lies inside one of `spans`. */
export function inIncident(spans: readonly IncidentSpan[], at: number): boolean {
  return spans.some((s) => at >= s.from && at <= s.to);
}
