import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqliteTestDatabase, type TestDatabase } from "../../../../test/support/databases.js";
import { systemClock } from "../../../common/clock.js";
import { silentLogger } from "../../../common/logger.js";
import { createMemoryBus, EventLog } from "../../../events/index.js";
import { EventsRepo } from "../../../store/repositories/events-repo.js";
import { SeriesRepo } from "../../../store/repositories/series-repo.js";
import { ServicesRepo } from "../../../store/repositories/services-repo.js";
import { ScraperFleet } from "./scraper-fleet.js";

let server: Server;
let url: string;
let tdb: TestDatabase;
let fleet: ScraperFleet;
let services: ServicesRepo;

beforeAll(async () => {
  server = createServer((_req, res) => res.end("up_total 1\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  tdb = await createSqliteTestDatabase();
  services = new ServicesRepo(tdb.database.db);
  const events = new EventLog(new EventsRepo(tdb.database.db), createMemoryBus(), systemClock);
  const series = new SeriesRepo(tdb.database.db);
  fleet = new ScraperFleet({ services, series, events, clock: systemClock, log: silentLogger() });
});
afterAll(async () => {
  fleet.stop();
  await new Promise((r) => server.close(r));
  await tdb.dispose();
});

const service = (name: string, metricsUrl: string | null, scrapeIntervalMs = 60_000) => ({
  name,
  environment: "test",
  metricsUrl,
  scrapeIntervalMs,
  logSource: null,
  repository: null,
  repoPath: null,
});
const running = () => [...fleet.scrapers.entries()].map(([name, s]) => [name, s.target.url, s.target.intervalMs]);

describe("ScraperFleet", () => {
  it("scrapes nothing before start, then follows the registry: new, changed and stopped services", async () => {
    await services.upsert(service("cart", url));
    await services.upsert(service("ledger", null));
    await fleet.sync();
    expect(running()).toEqual([]);

    await fleet.start();
    expect(running()).toEqual([["cart", url, 60_000]]);
    const first = fleet.scrapers.get("cart");

    await services.upsert(service("cart", url, 30_000));
    await services.upsert(service("ledger", `${url}?ledger`));
    await fleet.sync();
    expect(running()).toEqual([
      ["cart", url, 30_000],
      ["ledger", `${url}?ledger`, 60_000],
    ]);
    expect(fleet.scrapers.get("cart")).not.toBe(first);

    fleet.stop();
    expect(running()).toEqual([]);
    await fleet.sync();
    expect(running()).toEqual([]);
  });
});
