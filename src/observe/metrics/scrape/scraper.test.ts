import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../../test/support/databases.js";
import { systemClock } from "../../../common/clock.js";
import { silentLogger } from "../../../common/logger.js";
import { createMemoryBus, EventLog } from "../../../events/index.js";
import { EventsRepo } from "../../../store/repositories/events-repo.js";
import { SeriesRepo } from "../../../store/repositories/series-repo.js";
import { Scraper } from "./scraper.js";

let body = "";
let server: Server;
let url: string;
let tdb: TestDatabase;
let events: EventLog;
let series: SeriesRepo;

beforeAll(async () => {
  server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  tdb = await createSqliteTestDatabase();
  series = new SeriesRepo(tdb.database.db);
  events = new EventLog(new EventsRepo(tdb.database.db), createMemoryBus(), systemClock);
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await tdb.dispose();
});

const latest = async (name: string) => {
  const found = await series.series(name);
  const pts = await series.samples(
    found.map((s) => s.id),
    0,
    Number.MAX_SAFE_INTEGER,
  );
  return found.map((s) => ({ labels: s.labels, values: pts.get(s.id)!.map((p) => p.v) }));
};

describe("Scraper", () => {
  it("stores a scrape with job/instance labels and up, drops a malformed one whole, and caps series", async () => {
    const deps = { series, events, clock: systemClock, log: silentLogger(), maxSeries: 3 };
    const scraper = new Scraper({ job: "shop", url, intervalMs: 1000 }, deps);
    const instance = new URL(url).host;
    body = '# TYPE req_total counter\nreq_total{code="200",job="x"} 5\nreq_total{code="500"} 1\n';
    expect(await scraper.scrapeOnce()).toEqual({ up: true, samples: 2, dropped: 0 });
    expect((await latest("req_total"))[0]!.labels).toEqual({
      __name__: "req_total",
      code: "200",
      exported_job: "x",
      job: "shop",
      instance,
    });
    await new Promise((r) => setTimeout(r, 5));
    body = 'req_total{code="200",job="x"} 6\nreq_total{code="500"} oops\n';
    expect(await scraper.scrapeOnce()).toMatchObject({ up: false, error: /line 2: invalid value "oops"/ });
    expect((await latest("req_total")).map((s) => s.values)).toEqual([[5], [1]]);
    expect((await latest("up"))[0]!.values).toEqual([1, 0]);

    for (let round = 0; round < 2; round++) {
      await new Promise((r) => setTimeout(r, 5));
      body = Array.from({ length: 5 }, (_, i) => `req_total{code="${i}"} ${i}`).join("\n");
      expect(await scraper.scrapeOnce()).toEqual({ up: true, samples: 5, dropped: 4 });
    }
    expect((await latest("req_total")).length).toBe(3);
    const capped = await events.list({ type: "metrics.cardinality_capped" });
    expect(capped).toHaveLength(1);
    expect(capped[0]).toMatchObject({ subject: "service:shop", data: { service: "shop", limit: 3, dropped: 4 } });
  });

  it("records up 0 when the target is unreachable", async () => {
    const deps = { series, events, clock: systemClock, log: silentLogger() };
    const scraper = new Scraper({ job: "gone", url: "http://127.0.0.1:1/metrics", intervalMs: 500 }, deps);
    expect((await scraper.scrapeOnce()).up).toBe(false);
    expect((await latest("up")).find((s) => s.labels.job === "gone")!.values).toEqual([0]);
  });
});
