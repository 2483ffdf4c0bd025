import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../../test/support/databases.js";
import { systemClock } from "../../../common/clock.js";
import { silentLogger } from "../../../common/logger.js";
import { createMemoryBus, EventLog } from "../../../events/index.js";
import { EventsRepo } from "../../../store/repositories/events-repo.js";
import { SeriesRepo } from "../../../store/repositories/series-repo.js";
import { OtlpMetricsIngestor } from "./otlp-metrics-ingestor.js";

let tdb: TestDatabase;
let series: SeriesRepo;
let events: EventLog;

beforeAll(async () => {
  tdb = await createSqliteTestDatabase();
  series = new SeriesRepo(tdb.database.db);
  events = new EventLog(new EventsRepo(tdb.database.db), createMemoryBus(), systemClock);
});
afterAll(() => tdb.dispose());

const gauge = (service: string, name: string, shards: number[], atMs: number) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
      scopeMetrics: [
        {
          metrics: [
            {
              name,
              gauge: {
                dataPoints: shards.map((shard) => ({
                  attributes: [{ key: "shard", value: { intValue: shard } }],
                  timeUnixNano: String(BigInt(atMs) * 1_000_000n),
                  asDouble: shard,
                })),
              },
            },
          ],
        },
      ],
    },
  ],
});

describe("OtlpMetricsIngestor", () => {
  it("caps new series per service and in total, keeps known ones, and warns once per service", async () => {
    const ingestor = new OtlpMetricsIngestor({
      series,
      events,
      clock: systemClock,
      log: silentLogger(),
      maxPoints: 1000,
      maxSeriesPerService: 3,
      maxSeries: 5,
    });
    const now = Date.now();
    expect(await ingestor.ingest(gauge("a", "load", [1, 2, 3, 4], now - 2000))).toEqual({
      rejected: 1,
      message: 'series limit reached for job "a"',
    });
    // known series still flow; the over-cap one stays refused without a second warning
    expect(await ingestor.ingest(gauge("a", "load", [1, 2, 3, 4], now - 1000))).toMatchObject({ rejected: 1 });
    // the total cap (5) leaves service b two series
    expect(await ingestor.ingest(gauge("b", "load", [1, 2, 3], now))).toMatchObject({ rejected: 1 });
    const stored = await series.series("load");
    expect(stored.map((s) => `${s.labels.job}/${s.labels.shard}`).sort()).toEqual(["a/1", "a/2", "a/3", "b/1", "b/2"]);
    const points = await series.samples(
      stored.map((s) => s.id),
      0,
      now,
    );
    expect(points.get(stored[0]!.id)).toHaveLength(2);
    const capped = (await events.list({ type: "metrics.cardinality_capped" })).map((e) => e.data);
    expect(capped).toEqual([
      expect.objectContaining({ service: "a", dropped: 1 }),
      expect.objectContaining({ service: "b", dropped: 1 }),
    ]);
  });

  it("forgets series not written for an hour, so a restarted process's new instance fits", async () => {
    let now = Date.now() - 3 * 3_600_000;
    const ingestor = new OtlpMetricsIngestor({
      series,
      events,
      clock: { now: () => now },
      log: silentLogger(),
      maxPoints: 1000,
      maxSeriesPerService: 2,
      maxSeries: 100,
    });
    expect(await ingestor.ingest(gauge("restarts", "heap", [1, 2], now))).toBe(undefined);
    now += 30 * 60_000; // the process is replaced: new series (here: another shard label)
    expect(await ingestor.ingest(gauge("restarts", "heap", [3], now))).toMatchObject({ rejected: 1 });
    now += 61 * 60_000; // the old ones have been idle for over an hour
    expect(await ingestor.ingest(gauge("restarts", "heap", [3, 4], now))).toBe(undefined);
    expect(await ingestor.ingest(gauge("restarts", "heap", [1], now))).toMatchObject({ rejected: 1 });
  });

  it("adds delta counter points up to a cumulative series, once each", async () => {
    const ingestor = new OtlpMetricsIngestor({
      series,
      events,
      clock: systemClock,
      log: silentLogger(),
      maxPoints: 1000,
      maxSeriesPerService: 100,
      maxSeries: 100,
    });
    const now = Date.now();
    const delta = (v: number, at: number) => ({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "c" } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "jobs.done",
                  sum: {
                    aggregationTemporality: "AGGREGATION_TEMPORALITY_DELTA",
                    isMonotonic: true,
                    dataPoints: [{ timeUnixNano: String(BigInt(at) * 1_000_000n), asInt: String(v) }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    for (const [i, v] of [2, 0, 5].entries())
      expect(await ingestor.ingest(delta(v, now - 3000 + i * 1000))).toBe(undefined);
    // the same export again (a client retrying after a lost answer) adds nothing
    expect(await ingestor.ingest(delta(5, now - 1000))).toBe(undefined);
    expect(await ingestor.ingest(delta(1, now + 3_600_000))).toEqual({
      rejected: 1,
      message: "a point is timed more than 10 minutes ahead",
    });
    const [s] = await series.series("jobs_done_total");
    const pts = await series.samples([s!.id], 0, now);
    expect(pts.get(s!.id)!.map((p) => p.v)).toEqual([2, 2, 7]);
  });
});
