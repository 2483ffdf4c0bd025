import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../../test/support/databases.js";
import { SeriesRepo } from "../../../store/repositories/series-repo.js";
import type { MetricsSource } from "../metrics-source.js";
import { parseValue } from "../promql/query-result.js";
import { createBuiltinMetricsSource } from "./builtin-metrics-source.js";

const S = 1000;
let tdb: TestDatabase;
let src: MetricsSource;

const values = async (expr: string, t: number) => {
  const r = await src.instantQuery(expr, t);
  if (r.resultType === "scalar") return parseValue(r.result[1]);
  if (r.resultType !== "vector") throw new Error(r.resultType);
  return r.result.map((x) => [x.metric, parseValue(x.value[1])]);
};

beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
  const repo = new SeriesRepo(tdb.database.db);
  const samples = [];
  for (let t = 0; t <= 600 * S; t += 10 * S) {
    samples.push({ labels: { __name__: "c", job: "api", code: "200" }, t, v: t / S });
    samples.push({ labels: { __name__: "c", job: "api", code: "500" }, t, v: t / S / 10 });
  }
  for (const [i, v] of [0, 10, 20, 5, 15].entries())
    samples.push({ labels: { __name__: "reset", job: "api" }, t: i * 10 * S, v });
  for (const [le, v] of [
    ["0.1", 10],
    ["0.5", 60],
    ["+Inf", 100],
  ] as const) {
    samples.push({ labels: { __name__: "h_bucket", job: "api", le }, t: 600 * S, v });
  }
  samples.push({ labels: { __name__: "old", job: "api" }, t: 0, v: 1 });
  await repo.append(samples);
  src = createBuiltinMetricsSource(repo);
});
afterAll(() => tdb.dispose());

describe("builtin metrics source (PromQL subset on the store's TSDB)", () => {
  it("evaluates counter functions like Prometheus (extrapolation, resets)", async () => {
    expect(await values('rate(c{code="200"}[1m])', 600 * S)).toEqual([[{ job: "api", code: "200" }, 1]]);
    expect(await values('increase(c{code="200"}[1m])', 600 * S)).toEqual([[{ job: "api", code: "200" }, 60]]);
    expect(await values('irate(c{code="200"}[1m])', 595 * S)).toEqual([[{ job: "api", code: "200" }, 1]]);
    expect(await values("rate(reset[40s])", 40 * S)).toEqual([[{ job: "api" }, 0.875]]);
    // Samples 550..600 s in [545, 605]: 50 over 50 s, extrapolated by 5 s at each edge (< 1.1 × 10 s).
    expect(await values('increase(c{code="200"}[1m])', 605 * S)).toEqual([[{ job: "api", code: "200" }, 60]]);
    expect(await values('increase(c{code="200"}[1m])', 609 * S)).toEqual([[{ job: "api", code: "200" }, 60]]);
  });

  it("selects with matchers, offset and the 5 m lookback", async () => {
    expect(await values('c{code=~"2.."}', 605 * S)).toEqual([[{ __name__: "c", job: "api", code: "200" }, 600]]);
    expect(await values('c{code!="200"} offset 5m', 600 * S)).toEqual([
      [{ __name__: "c", job: "api", code: "500" }, 30],
    ]);
    expect(await values("old", 300 * S)).toHaveLength(1);
    expect(await values("old", 301 * S)).toEqual([]);
    expect(await values('{__name__=~"c|old", code!~"5.."}', 0)).toHaveLength(2);
  });

  it("aggregates, quantiles and binary operators", async () => {
    expect(await values("sum(c)", 600 * S)).toEqual([[{}, 660]]);
    expect(await values("max without (code) (c)", 600 * S)).toEqual([[{ job: "api" }, 600]]);
    expect(await values("count by (job) (c)", 600 * S)).toEqual([[{ job: "api" }, 2]]);
    expect(await values("avg(c) by (code)", 600 * S)).toEqual([
      [{ code: "200" }, 600],
      [{ code: "500" }, 60],
    ]);
    const [[labels, q]] = (await values("histogram_quantile(0.5, h_bucket)", 600 * S)) as [[object, number]];
    expect(labels).toEqual({ job: "api" });
    expect(q).toBeCloseTo(0.42, 12);
    expect(await values("c > 100", 600 * S)).toEqual([[{ __name__: "c", job: "api", code: "200" }, 600]]);
    expect(await values("c > bool 100", 600 * S)).toEqual([
      [{ job: "api", code: "200" }, 1],
      [{ job: "api", code: "500" }, 0],
    ]);
    expect(await values('c{code="500"} / ignoring(code) c{code="200"}', 600 * S)).toEqual([[{ job: "api" }, 0.1]]);
    expect(await values("100 < c", 600 * S)).toEqual([[{ __name__: "c", job: "api", code: "200" }, 600]]);
    expect(await values("-(2 ^ 3) + 1", 0)).toBe(-7);
    expect(await values("sum(c) / 0", 600 * S)).toEqual([[{}, Number.POSITIVE_INFINITY]]);
  });

  it("answers range queries as a matrix and rejects bad expressions with the column", async () => {
    const r = await src.rangeQuery('sum(rate(c{code="200"}[1m]))', 500 * S, 600 * S, 50 * S);
    expect(r).toEqual({
      resultType: "matrix",
      result: [
        {
          metric: {},
          values: [
            [500, "1"],
            [550, "1"],
            [600, "1"],
          ],
        },
      ],
    });
    await expect(src.instantQuery("sum(rate(c[1m])", 0)).rejects.toMatchObject({
      name: "ValidationError",
      details: { column: 16 },
    });
    await expect(src.instantQuery("topk(1, c)", 0)).rejects.toThrow(/unsupported aggregation "topk" at column 1/);
  });
});
