/** Payloads of the signal events (alerts, anomalies) for tests that emit them by hand. */
import type { EventPayloads } from "../../src/events/index.js";

/** The data of an `alert.firing` event of `name` on `service`, as the alert recorder writes it. */
export function firingAlertData(
  fingerprint: string,
  name: string,
  service: string,
  severity = "warning",
): EventPayloads["alert.firing"] {
  return {
    fingerprint,
    name,
    status: "firing",
    labels: { alertname: name, service, severity },
    annotations: {},
    severity,
    service,
    startsAt: new Date().toISOString(),
    endsAt: null,
    source: "pitcrew-rules",
  };
}

/** The data of an `anomaly.detected` event on `<service>/<signal>` with `score`. */
export function anomalyData(service: string, signal: string, score: number): EventPayloads["anomaly.detected"] {
  return { series: `${service}/${signal}`, service, signal, score, explanation: `score ${score}`, at: Date.now() };
}
