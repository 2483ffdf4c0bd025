/**
 * What a call to a service needs, from that service's own request metrics: the p99 latency of
 * its requests on the route a concrete path belongs to (`/products/p-3/recommendations` →
 * route `/products/:id/recommendations`), over the last 5 minutes of its
 * `http_request_duration_seconds` histogram in the metrics source. Diagnosis cites it as the
 * measured need of a timed-out call.
 */
import { escapePromqlString } from "../observe/index.js";
import type { App } from "./app.js";
import { scalarOf } from "./observe-anomalies.js";
import { metricsObservationOf } from "./observe-metrics.js";

const HISTOGRAM = "http_request_duration_seconds_bucket";

/** Whether a route pattern (`/carts/:id`, `/carts/{id}`, `/files/*`) covers `path`. */
export function routeCovers(route: string, path: string): boolean {
  const want = route.split("/");
  const have = path.split("/");
  if (want.length !== have.length && !want.includes("*")) return false;
  return want.every((seg, i) => seg === "*" || seg.startsWith(":") || /^\{.+\}$/.test(seg) || seg === have[i]);
}

/** The p99 latency in ms of `service`'s requests on `path`, or undefined when the metrics cannot tell. */
export function routeLatencyP99(app: App): (service: string, path: string) => Promise<number | undefined> {
  return async (service, path) => {
    const { source } = metricsObservationOf(app);
    const now = app.clock.now();
    const job = escapePromqlString(service);
    const series = await source.instantQuery(`${HISTOGRAM}{job="${job}"}`, now);
    if (series.resultType !== "vector") return undefined;
    const routes = [...new Set(series.result.map((s) => s.metric.route).filter((r): r is string => !!r))];
    const route = routes.find((r) => r === path) ?? routes.find((r) => routeCovers(r, path));
    if (!route) return undefined;
    const expr = `histogram_quantile(0.99, sum by (le) (rate(${HISTOGRAM}{job="${job}",route="${escapePromqlString(route)}"}[5m])))`;
    const seconds = scalarOf(await source.instantQuery(expr, now));
    return seconds === undefined || seconds <= 0 ? undefined : seconds * 1000;
  };
}
