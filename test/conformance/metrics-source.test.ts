import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/common/clock.js";
import { silentLogger } from "../../src/common/logger.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import {
  createBuiltinMetricsSource,
  createPrometheusMetricsSource,
  type MetricsSource,
  Scraper,
} from "../../src/observe/index.js";
import { EventsRepo } from "../../src/store/repositories/events-repo.js";
import { SeriesRepo } from "../../src/store/repositories/series-repo.js";
import { createSqliteTestDatabase } from "../support/databases.js";
import { prometheusAvailable, startPrometheus } from "../support/prometheus.js";
import {
  type Exporter,
  runMetricsSourceConformance,
  startExporter,
  vectorValues,
  waitForScrapes,
} from "./metrics-source.conformance.js";

/** pitcrew's TSDB on SQLite, fed by its own scraper every second. */
async function builtin(exporter: Exporter) {
  const tdb = await createSqliteTestDatabase();
  const series = new SeriesRepo(tdb.database.db);
  const events = new EventLog(new EventsRepo(tdb.database.db), createMemoryBus(), systemClock);
  const scraper = new Scraper(
    { job: exporter.job, url: `http://${exporter.target}/metrics`, intervalMs: 1000 },
    { series, events, clock: systemClock, log: silentLogger() },
  );
  scraper.start();
  return {
    source: createBuiltinMetricsSource(series),
    async dispose() {
      scraper.stop();
      await new Promise((r) => setTimeout(r, 50));
      await tdb.dispose();
    },
  };
}

/** A real Prometheus scraping the exporter every second. */
async function prometheus(exporter: Exporter) {
  const prom = await startPrometheus({ targets: { [exporter.job]: exporter.target } });
  return { source: createPrometheusMetricsSource(prom.url), dispose: prom.stop };
}

runMetricsSourceConformance("builtin", builtin);

const withPrometheus = await prometheusAvailable();
if (withPrometheus) runMetricsSourceConformance("prometheus", prometheus);

/**
 * Both sources scrape the same exporter; the same queries at the same instant must return the same
 * label sets, with rates within 3 % and raw counter values within one second of growth (the two
 * scrapers are not aligned).
 */
describe.skipIf(!withPrometheus)("builtin and Prometheus answer alike", () => {
  let exporter: Exporter;
  const envs: Array<{ source: MetricsSource; dispose(): Promise<void> }> = [];
  beforeAll(async () => {
    exporter = await startExporter();
    envs.push(await builtin(exporter), await prometheus(exporter));
    await Promise.all(envs.map((e) => waitForScrapes(e.source, 6)));
  }, 60_000);
  afterAll(async () => {
    for (const e of envs) await e.dispose();
    await exporter?.close();
  });

  it.each([
    ["sum by (code) (rate(demo_requests_total[4s]))", 0.03, 0],
    ['rate(demo_latency_seconds_bucket{le!="0.1"}[5s]) * 2', 0.03, 0],
    ["histogram_quantile(0.75, sum by (le, job) (rate(demo_latency_seconds_bucket[5s])))", 0.03, 0],
    ["demo_requests_total offset 2s", 0, 10 * 1.1],
    ['demo_requests_total{code="500"} - ignoring(code) demo_requests_total{code="200"} / 10', 0, 1.1],
    ["count without (le) (demo_latency_seconds_bucket > 0)", 0, 0],
  ])("%s", async (expr, rel, abs) => {
    const t = Date.now() - 200;
    const [a, b] = await Promise.all(envs.map((e) => e.source.instantQuery(expr, t)));
    const va = vectorValues(a!);
    const vb = vectorValues(b!);
    expect(Object.keys(va).sort()).toEqual(Object.keys(vb).sort());
    for (const k of Object.keys(va)) {
      expect(Math.abs(va[k]! - vb[k]!), `${k}: builtin ${va[k]} vs prometheus ${vb[k]}`).toBeLessThanOrEqual(
        Math.abs(vb[k]!) * rel + abs,
      );
    }
  });
});
