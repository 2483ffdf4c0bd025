/**
 * A service's stored log lines (table `log_records`, stored before the log template watcher reads
 * them) as the items the `log-templates` model learns from and validates its checkpoints on.
 */
import type { DataItem, TimeWindow } from "../../learning/index.js";
import type { Store } from "../../store/index.js";
import { incidentSpans, inIncident } from "./service-incidents.js";

/**
 * Most lines a data set reads: the newest of the window. A service that logs more than this
 * between two checkpoints is checkpointed from its newest lines only (the serving watcher still
 * learnt every line in memory).
 */
export const MAX_LOG_LINES = 50_000;

/** One stored log line of a service. */
export interface LogLine extends DataItem {
  service: string;
  level: string;
  message: string;
  /** The line lies inside an incident of its service (opened … resolved, or still open). */
  incident: boolean;
}

/** The newest {@link MAX_LOG_LINES} stored lines of `service` in `window` (both ends included), oldest first. */
export async function storedLogLines(store: Store, service: string, window: TimeWindow): Promise<LogLine[]> {
  const { records } = await store.logRecords.search({
    service,
    since: window.from,
    until: window.to + 1,
    limit: MAX_LOG_LINES,
  });
  if (records.length === 0) return [];
  const incidents = await incidentSpans(store, service);
  return records.reverse().map((r) => ({
    at: r.at,
    service,
    level: r.level,
    message: r.message,
    incident: inIncident(incidents, r.at),
  }));
}
