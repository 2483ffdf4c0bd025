/**
 * Threshold checks: built-ins over a release's requests, and PromQL templates run through the
 * real built-in metrics source (SQLite TSDB) via `scalarQuery`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import type { Clock } from "../../common/clock.js";
import { createBuiltinMetricsSource } from "../../observe/index.js";
import { SeriesRepo } from "../../store/repositories/series-repo.js";
import { createBuiltinRouter } from "../routers/builtin/builtin-router.js";
import type { AnalysisContext } from "./analysis.js";
import { evaluateCheck } from "./metric-checks.js";
import { scalarQuery } from "./metrics-query.js";
import { renderQuery } from "./promql-template.js";

const NOW = 1_000_000;
const RELEASE = `r"1'\\`;
let tdb: TestDatabase;
let ctx: AnalysisContext;

beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
  const repo = new SeriesRepo(tdb.database.db);
  await repo.append([
    { labels: { __name__: "errors_ratio", release: RELEASE, service: "shop" }, t: NOW - 1000, v: 0.2 },
    { labels: { __name__: "errors_ratio", release: "other", service: "shop" }, t: NOW - 1000, v: 0.001 },
  ]);
  const clock: Clock = { now: () => NOW };
  ctx = {
    service: "shop",
    environment: "prod",
    canaryReleaseId: RELEASE,
    router: createBuiltinRouter(),
    query: scalarQuery(createBuiltinMetricsSource(repo), clock),
  };
});
afterAll(async () => {
  await ctx.router.close();
  await tdb.dispose();
});

const ok = (n: number, errors: number, ms: number) => ({ latenciesMs: Array(n).fill(ms), errors });

describe("built-in checks", () => {
  it("measure success rate, error rate and latency percentiles", async () => {
    const sample = { latenciesMs: [...Array(99).fill(10), 500], errors: 5 };
    const sr = await evaluateCheck({ name: "sr", metric: "success_rate", min: 0.99 }, sample, ctx);
    expect(sr).toMatchObject({ status: "fail", value: 0.95, explanation: "success rate 0.95 < min 0.99" });
    const er = await evaluateCheck({ name: "er", metric: "error_rate", max: 0.1 }, sample, ctx);
    expect(er).toMatchObject({ status: "pass", explanation: "error rate 0.05 ≤ max 0.1" });
    const p50 = await evaluateCheck({ name: "p50", metric: "latency_p50", max: 20 }, sample, ctx);
    expect(p50).toMatchObject({ status: "pass", value: 10, explanation: "p50 latency 10 ms ≤ max 20 ms" });
    const p99 = await evaluateCheck({ name: "p99", metric: "latency_p99", min: 0, max: 200 }, sample, ctx);
    expect(p99).toMatchObject({ status: "pass", value: 10 });
    const max = await evaluateCheck({ name: "p99", metric: "latency_p99", max: 5 }, ok(10, 0, 8), ctx);
    expect(max.explanation).toBe("p99 latency 8 ms > max 5 ms");
  });

  it("are inconclusive without traffic", async () => {
    const r = await evaluateCheck({ name: "sr", metric: "success_rate", min: 0.99 }, ok(0, 0, 0), ctx);
    expect(r.status).toBe("inconclusive");
  });
});

describe("query checks", () => {
  it("substitute escaped placeholders and compare the value", async () => {
    const check = {
      name: "errors",
      metric: { query: 'errors_ratio{release="{{ release }}", service="{{service}}"}' },
      max: 0.05,
    };
    const r = await evaluateCheck(check, ok(0, 0, 0), ctx);
    expect(r).toMatchObject({ status: "fail", value: 0.2, explanation: "errors 0.2 > max 0.05" });
  });

  it("are inconclusive on no data, a bad query, an unknown placeholder or no source", async () => {
    const run = (query: string, over: Partial<AnalysisContext> = {}) =>
      evaluateCheck({ name: "q", metric: { query }, max: 1 }, ok(0, 0, 0), { ...ctx, ...over });
    expect(await run('errors_ratio{release="nope"}')).toMatchObject({
      status: "inconclusive",
      explanation: 'query returned no data: errors_ratio{release="nope"}',
    });
    const bad = await run("sum(");
    expect(bad.status).toBe("inconclusive");
    expect(bad.explanation).toMatch(/^query failed: /);
    expect((await run("x{a='{{team}}'}")).explanation).toMatch(/unknown placeholder \{\{team\}\}/);
    expect((await run("up", { query: undefined })).explanation).toBe('no metrics source is configured to run "up"');
  });
});

describe("renderQuery", () => {
  it("escapes values as PromQL string bodies", () => {
    expect(
      renderQuery('up{service="{{service}}",env="{{environment}}"}', {
        release: "r",
        service: 'x"}',
        environment: "prod",
      }),
    ).toBe('up{service="x\\"}",env="prod"}');
  });
});
