/** Builds `WatchDeps.knownAlerts` from the stored alerts. */
import type { Alert } from "../../store/index.js";

/** The subset of the alerts repository the watch needs. */
export interface AlertLister {
  list(opts?: { limit?: number }): Promise<Alert[]>;
}

/** Fingerprints of every stored alert of `service` (label `service`, else `job`), in any status. */
export function knownAlertsOf(alerts: AlertLister): (service: string) => Promise<string[]> {
  return async (service) =>
    (await alerts.list()).filter((a) => (a.labels.service ?? a.labels.job) === service).map((a) => a.fingerprint);
}
