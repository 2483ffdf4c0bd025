import { ValidationError } from "../../../common/errors.js";
import { type MetricsSource, MetricsSourceError } from "../metrics-source.js";
import type { QueryResult } from "../promql/query-result.js";
import { labelsKey } from "../promql/values.js";

interface ApiResponse {
  status: "success" | "error";
  data?: QueryResult | { resultType: "string"; result: unknown };
  errorType?: string;
  error?: string;
}

/**
 * A real Prometheus as the metrics source, over `/api/v1/query` and `/api/v1/query_range`
 * (form-encoded POST). `bad_data` errors become ValidationErrors; others MetricsSourceErrors.
 */
export function createPrometheusMetricsSource(baseUrl: string, opts: { timeoutMs?: number } = {}): MetricsSource {
  const base = baseUrl.replace(/\/+$/, "");
  const call = async (path: string, params: Record<string, string>): Promise<QueryResult> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: "POST",
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new MetricsSourceError(`Prometheus at ${base} is unreachable: ${(err as Error).message}`, { cause: err });
    }
    const body = (await res.json().catch(() => undefined)) as ApiResponse | undefined;
    if (!body) throw new MetricsSourceError(`Prometheus at ${base} answered ${res.status} without JSON`);
    if (body.status !== "success") {
      const msg = `Prometheus: ${body.error ?? "query failed"}`;
      if (body.errorType === "bad_data") throw new ValidationError(msg);
      throw new MetricsSourceError(msg);
    }
    const data = body.data!;
    if (data.resultType === "string") throw new ValidationError("string results are not supported");
    if (data.resultType !== "scalar") {
      (data.result as Array<{ metric: Record<string, string> }>).sort((a, b) =>
        labelsKey(a.metric).localeCompare(labelsKey(b.metric)),
      );
    }
    return data;
  };
  const secs = (ms: number) => String(ms / 1000);
  return {
    kind: "prometheus",
    instantQuery: (expr, timeMs) => call("/api/v1/query", { query: expr, time: secs(timeMs) }),
    rangeQuery: (expr, start, end, step) =>
      call("/api/v1/query_range", { query: expr, start: secs(start), end: secs(end), step: secs(step) }),
  };
}
