/**
 * Real Prometheus and Alertmanager (Debian packages) for tests, through
 * `src/observe/prometheus/prometheus-processes.ts`; tests needing them skip (or fail when every
 * outside service is required) when the binaries are missing.
 */
import {
  ALERTMANAGER_BIN,
  PROMETHEUS_BIN,
  prometheusInstalled,
  type RunningProcess,
  startPrometheus as startPrometheusProcess,
} from "../../src/observe/prometheus/prometheus-processes.js";
import { serviceAvailable } from "./services.js";

export { type RunningProcess, startAlertmanager } from "../../src/observe/prometheus/prometheus-processes.js";

/** Whether tests needing Prometheus and Alertmanager run (skip message, or failure when required). */
export function prometheusAvailable(withAlertmanager = false): Promise<boolean> {
  const what = withAlertmanager
    ? `Prometheus and Alertmanager (${PROMETHEUS_BIN}, ${ALERTMANAGER_BIN})`
    : `Prometheus (${PROMETHEUS_BIN})`;
  return serviceAvailable(what, async () => prometheusInstalled(withAlertmanager));
}

/** Starts Prometheus scraping `targets` (`job` → `host:port`, path /metrics) every second. */
export function startPrometheus(opts: {
  targets: Record<string, string>;
  rules?: string;
  alertmanager?: string;
}): Promise<RunningProcess> {
  return startPrometheusProcess({
    jobs: Object.entries(opts.targets).map(([job, target]) => ({ job, targets: [target] })),
    rules: opts.rules,
    alertmanager: opts.alertmanager,
  });
}
