/**
 * Stores alert updates and announces state changes. This is the events contract incidents rely on:
 * whenever an alert's stored status becomes `firing` or `resolved` (from anything else, including
 * "unknown"), `alert.firing` / `alert.resolved` is emitted with subject `alert:<fingerprint>` and
 * the data of `alertEventData`. An update with the status already stored only refreshes the row.
 * A batch and its events are stored in one transaction (multi-row INSERTs, one commit per batch);
 * the events are published on the bus after the commit, in batch order.
 */
import type { EventLog, EventPayloads } from "../../events/index.js";
import type { Alert, AlertsRepo } from "../../store/index.js";

/** The data of an `alert.firing` / `alert.resolved` event (events/payloads/observe-events.ts). */
export type AlertEventData = EventPayloads["alert.firing"];

/** An alert in one of the states that are announced. */
type AnnouncedAlert = Alert & { status: "firing" | "resolved" };
const isAnnounced = (a: Alert): a is AnnouncedAlert => a.status === "firing" || a.status === "resolved";

/** Builds the event data of an alert in state firing or resolved. */
export function alertEventData(a: AnnouncedAlert): AlertEventData {
  return {
    fingerprint: a.fingerprint,
    name: a.name,
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    severity: a.labels.severity ?? "warning",
    service: a.labels.service ?? a.labels.job ?? null,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: a.status === "resolved" && a.endsAt !== null ? new Date(a.endsAt).toISOString() : null,
    source: a.source,
  };
}

/** Applies alert updates to the store and emits the state-change events. */
export class AlertRecorder {
  constructor(
    private readonly alerts: AlertsRepo,
    private readonly events: EventLog,
  ) {}

  /** Stores `updates` all-or-nothing; returns the alerts whose status changed to firing/resolved. */
  async record(updates: Alert[]): Promise<Alert[]> {
    let changed: AnnouncedAlert[] = [];
    const { events } = await this.alerts.saveAnnounced(updates, (before) => {
      changed = updates.filter((a, i): a is AnnouncedAlert => isAnnounced(a) && before[i] !== a.status);
      return changed.map((a) =>
        this.events.draft(`alert.${a.status}` as const, { kind: "alert", key: a.fingerprint }, alertEventData(a)),
      );
    });
    this.events.publish(events);
    return changed;
  }
}
