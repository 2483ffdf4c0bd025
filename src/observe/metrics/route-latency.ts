/**
 * What a call to a service needs, from that service's own request metrics: the p99 latency of
 * its requests on the route a concrete path belongs to (`/products/p-3/recommendations` →
 * route `/products/:id/recommendations`), over the last 5 minutes of its
 * `http_request_duration_seconds` histogram in the metrics source. Diagnosis cites it as the
 * measured need of a timed-out call.
 */
import type { Clock } from "../../common/clock.js";
import type { MetricsSource } from "./metrics-source.js";
import { escapePromqlString } from "./promql/promql-string.js";
import { scalarOf } from "./promql/scalar-of.js";

const HISTOGRAM = "http_request_duration_seconds_bucket";

/** Whether a route pattern (`/carts/:id`, `/carts/{id}`, `/files/*`) covers `path`. */
export function routeCovers(route: string, path: string): boolean {
  const want = route.split("/");
  const have = path.split("/");
  if (want.length !== have.length && !want.includes("*")) return false;
  return want.every((seg, i) => seg === "*" || seg.startsWith(":") || /^\{.+\}$/.test(seg) || seg === have[i]);
}

/** The p99 latency in ms of `service`'s requests on `path`, or undefined when the metrics cannot tell. */
export function routeLatencyP99(
  source: MetricsSource,
  clock: Clock,
): (service: string, path: string) => Promise<number | undefined> {
  return async (service, path) => {
    const now = clock.now();
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
