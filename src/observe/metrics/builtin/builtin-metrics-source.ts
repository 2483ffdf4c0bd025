import type { SeriesRepo } from "../../../store/index.js";
import type { MetricsSource } from "../metrics-source.js";
import type { Matcher } from "../promql/ast.js";
import { evaluateInstant, evaluateRange, type SeriesReader } from "../promql/evaluate.js";
import { parsePromql } from "../promql/parse-promql.js";
import { instantResult, matrixResult } from "../promql/query-result.js";
import { matchesAll } from "../promql/values.js";

/** Reads series from the store's TSDB: by metric name when the selector has `__name__="…"`. */
export function storeSeriesReader(series: SeriesRepo): SeriesReader {
  return {
    async select(matchers: Matcher[], from: number, to: number) {
      const name = matchers.find((m) => m.name === "__name__" && m.op === "=")?.value;
      const found = (await series.series(name)).filter((s) => matchesAll(s.labels, matchers));
      const points = await series.samples(
        found.map((s) => s.id),
        from,
        to,
      );
      return found.map((s) => ({ labels: s.labels, points: points.get(s.id) ?? [] }));
    },
  };
}

/** The embedded metrics source: the store's TSDB queried with pitcrew's PromQL subset. */
export function createBuiltinMetricsSource(series: SeriesRepo): MetricsSource {
  const reader = storeSeriesReader(series);
  return {
    kind: "builtin",
    async instantQuery(expr, timeMs) {
      return instantResult(await evaluateInstant(reader, parsePromql(expr), timeMs), timeMs);
    },
    async rangeQuery(expr, startMs, endMs, stepMs) {
      return matrixResult(await evaluateRange(reader, parsePromql(expr), startMs, endMs, stepMs));
    },
  };
}
