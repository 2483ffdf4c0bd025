/**
 * A React hook that runs PromQL range queries over the last minutes and runs them again every few
 * seconds; the previous answers stay on screen until all new ones have arrived (no flicker).
 */
import { useEffect, useState } from "react";
import { ApiError, apiGet } from "../api.js";
import type { RangeQueryAnswer } from "../types.js";
import { type Point, parsePoints } from "./chart-scale.js";

/** One query's answer: its series by `job` label, or why it failed. */
export interface QueryOutcome {
  series: Map<string, Point[]>;
  error?: string;
}

/** The answers of one round of queries and the time span they cover (unix seconds). */
export interface RangeData<K extends string> {
  from: number;
  to: number;
  /** The query step, in seconds. */
  step: number;
  results: Record<K, QueryOutcome>;
}

/** How much to query and how often. */
export interface RangeOptions {
  minutes: number;
  stepSeconds: number;
  everyMs: number;
}

/** Runs `queries` over the last `minutes` now and every `everyMs` (skipped while the page is hidden). */
export function useRangeQueries<K extends string>(
  queries: Record<K, string>,
  { minutes, stepSeconds, everyMs }: RangeOptions,
): RangeData<K> | undefined {
  const [data, setData] = useState<RangeData<K>>();
  const key = JSON.stringify(queries);
  useEffect(() => {
    const wanted = JSON.parse(key) as Record<K, string>;
    let live = true;
    let busy = false;
    const round = async () => {
      if (busy || document.hidden) return;
      busy = true;
      const to = Date.now() / 1000;
      const from = to - minutes * 60;
      const entries = await Promise.all(
        (Object.entries(wanted) as [K, string][]).map(
          async ([k, q]) => [k, await run(q, from, to, stepSeconds)] as const,
        ),
      );
      busy = false;
      if (live) {
        setData({ from, to, step: stepSeconds, results: Object.fromEntries(entries) as Record<K, QueryOutcome> });
      }
    };
    void round();
    const timer = setInterval(round, everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, minutes, stepSeconds, everyMs]);
  return data;
}

async function run(query: string, from: number, to: number, step: number): Promise<QueryOutcome> {
  const params = new URLSearchParams({ query, start: from.toFixed(3), end: to.toFixed(3), step: `${step}s` });
  try {
    const answer = await apiGet<RangeQueryAnswer>(`/api/metrics/query_range?${params}`);
    const series = new Map<string, Point[]>();
    for (const s of answer.data.result) series.set(s.metric.job ?? "", parsePoints(s.values));
    return { series };
  } catch (e) {
    return { series: new Map(), error: e instanceof ApiError ? e.message : String(e) };
  }
}
