/**
 * Conformance suite of the metrics-source port (src/observe/metrics/metrics-source.ts).
 *
 * A loopback exporter serves counters and a histogram that grow linearly with wall time since it
 * started (so every rate is known exactly whatever the scrape alignment) plus a constant gauge
 * and NaN/+Inf samples. Each implementation scrapes it every second for at least 8 s; then the
 * queries below must return the known answer.
 *
 * Tolerances: rates, increases and quantiles within 3 % (the sample timestamp is the scrape's
 * start, the value is computed a few ms later); instant values of growing counters are not
 * compared against the truth because they depend on when the last scrape happened.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsSource } from "../../src/observe/index.js";
import { parseValue, type QueryResult } from "../../src/observe/metrics/promql/query-result.js";

/** The exporter: `job`, `host:port`, and when its counters started. */
export interface Exporter {
  job: string;
  target: string;
  startedAt: number;
  close(): Promise<void>;
}

/** Starts the exporter on a free loopback port. */
export async function startExporter(job = "demo"): Promise<Exporter> {
  const startedAt = Date.now();
  const server: Server = createServer((_req, res) => {
    const s = (Date.now() - startedAt) / 1000;
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(`# HELP demo_requests_total Requests.
# TYPE demo_requests_total counter
demo_requests_total{code="200"} ${10 * s}
demo_requests_total{code="500"} ${1 * s}
# TYPE demo_latency_seconds histogram
demo_latency_seconds_bucket{le="0.1"} ${2 * s}
demo_latency_seconds_bucket{le="0.5"} ${8 * s}
demo_latency_seconds_bucket{le="+Inf"} ${10 * s}
demo_latency_seconds_sum ${2.5 * s}
demo_latency_seconds_count ${10 * s}
# TYPE demo_temperature gauge
demo_temperature 21.5
demo_special{kind="nan"} NaN
demo_special{kind="inf"} +Inf
`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    job,
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    startedAt,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Label sets and numeric values of a vector result, by a readable key. */
export function vectorValues(r: QueryResult): Record<string, number> {
  if (r.resultType !== "vector") throw new Error(`expected a vector, got ${r.resultType}`);
  return Object.fromEntries(r.result.map((x) => [JSON.stringify(x.metric), parseValue(x.value[1])]));
}

const close = (actual: number, expected: number, rel = 0.03) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(Math.abs(expected) * rel);

/** Waits until `source` has `up == 1` for the exporter for `seconds` (bounded). */
export async function waitForScrapes(source: MetricsSource, seconds: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const up = await source.rangeQuery("up", Date.now() - seconds * 1000, Date.now(), 1000).catch(() => undefined);
    if (up?.resultType === "matrix" && (up.result[0]?.values.length ?? 0) >= seconds) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`no ${seconds} s of scrapes after 30 s`);
}

/**
 * Runs the suite against one implementation. `setup` gets the exporter and returns the source
 * (already scraping it) and its disposer.
 */
export function runMetricsSourceConformance(
  name: string,
  setup: (exporter: Exporter) => Promise<{ source: MetricsSource; dispose(): Promise<void> }>,
): void {
  describe(`metrics source conformance: ${name}`, () => {
    let exporter: Exporter;
    let env: { source: MetricsSource; dispose(): Promise<void> } | undefined;
    let t: number;
    beforeAll(async () => {
      exporter = await startExporter();
      env = await setup(exporter);
      await waitForScrapes(env.source, 8);
      t = Date.now() - 200;
    }, 60_000);
    afterAll(async () => {
      await env?.dispose();
      await exporter?.close();
    });
    const q = (expr: string) => env!.source.instantQuery(expr, t);
    const labels = (extra: Record<string, string>) =>
      JSON.stringify({ ...extra, instance: exporter.target, job: "demo" });

    it("reports up with job and instance labels", async () => {
      const r = await q("up");
      expect(r.resultType).toBe("vector");
      expect(r.result).toEqual([
        { metric: { __name__: "up", instance: exporter.target, job: "demo" }, value: [t / 1000, "1"] },
      ]);
    });

    it("computes rate, irate and increase with Prometheus' extrapolation", async () => {
      const rate = vectorValues(await q("rate(demo_requests_total[5s])"));
      expect(Object.keys(rate).sort()).toEqual([labels({ code: "200" }), labels({ code: "500" })].sort());
      close(rate[labels({ code: "200" })]!, 10);
      close(rate[labels({ code: "500" })]!, 1);
      close(vectorValues(await q('irate(demo_requests_total{code="200"}[5s])'))[labels({ code: "200" })]!, 10);
      const inc = vectorValues(await q("sum by (code) (increase(demo_requests_total[5s]))"));
      close(inc['{"code":"200"}']!, 50);
      close(inc['{"code":"500"}']!, 5);
    });

    it("aggregates and computes histogram quantiles", async () => {
      close(vectorValues(await q("sum(rate(demo_requests_total[5s]))"))["{}"]!, 11);
      close(
        vectorValues(await q("histogram_quantile(0.5, sum by (le) (rate(demo_latency_seconds_bucket[5s])))"))["{}"]!,
        0.3,
      );
      close(vectorValues(await q("histogram_quantile(0.9, rate(demo_latency_seconds_bucket[5s]))"))[labels({})]!, 0.5);
      expect(vectorValues(await q("count(demo_latency_seconds_bucket)"))).toEqual({ "{}": 3 });
      expect(vectorValues(await q("max without (instance) (demo_temperature) * 2"))).toEqual({ '{"job":"demo"}': 43 });
      expect(vectorValues(await q('min by (job) ({__name__="demo_temperature"})'))).toEqual({ '{"job":"demo"}': 21.5 });
    });

    it("keeps NaN and +Inf samples and applies comparisons and bool", async () => {
      const special = vectorValues(await q("demo_special"));
      expect(
        special[JSON.stringify({ __name__: "demo_special", instance: exporter.target, job: "demo", kind: "inf" })],
      ).toBe(Number.POSITIVE_INFINITY);
      expect(
        special[JSON.stringify({ __name__: "demo_special", instance: exporter.target, job: "demo", kind: "nan" })],
      ).toBeNaN();
      expect(Object.values(vectorValues(await q('demo_requests_total{code=~"5.."} > bool 0')))).toEqual([1]);
      expect(vectorValues(await q('demo_requests_total{code!="200"} < 0'))).toEqual({});
      expect(await q("1 + 2 * 3")).toEqual({ resultType: "scalar", result: [t / 1000, "7"] });
    });

    it("answers range queries with one point per step", async () => {
      const r = await env!.source.rangeQuery("sum(rate(demo_requests_total[3s]))", t - 3000, t, 1000);
      if (r.resultType !== "matrix") throw new Error(r.resultType);
      expect(r.result).toHaveLength(1);
      expect(r.result[0]!.values.map((v) => v[0])).toEqual([t - 3000, t - 2000, t - 1000, t].map((x) => x / 1000));
      for (const [, v] of r.result[0]!.values) close(parseValue(v), 11);
    });

    it("rejects an invalid expression with a ValidationError", async () => {
      await expect(q("sum(rate(demo_requests_total[5s])")).rejects.toMatchObject({ name: "ValidationError" });
    });
  });
}
