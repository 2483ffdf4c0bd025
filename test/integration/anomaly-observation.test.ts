/**
 * Rule-free detection end to end: a real service's /metrics scraped into the built-in TSDB, its
 * golden signals scored by the streaming detectors, and ingested logs mined for never-seen error
 * templates — each ending as an `anomaly.detected` event, and the log one as an open incident.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnomalyObservation } from "../../src/app/observe-anomalies.js";
import { DetectorRegistry } from "../../src/detect/anomaly/index.js";
import { startLogObservation } from "../../src/app/observe-logs.js";
import { startMetricsObservation } from "../../src/app/observe-metrics.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * A service whose counters grow by a fixed step per scrape (so the data does not depend on how
 * busy the machine is): about 1 % errors, then `fail` turns most requests into 500s.
 */
function fakeTraffic() {
  let ok = 0;
  let errors = 0;
  let scrapes = 0;
  let failing = false;
  const server: Server = createServer((_req, res) => {
    scrapes++;
    ok += failing ? 2 : 22;
    errors += failing ? 20 : scrapes % 4 === 0 ? 1 : 0;
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end(
      [
        "# TYPE http_requests_total counter",
        `http_requests_total{route="/cart",status="200"} ${ok}`,
        `http_requests_total{route="/cart",status="500"} ${errors}`,
        "",
      ].join("\n"),
    );
  });
  return {
    server,
    fail: () => {
      failing = true;
    },
    stop: () => {
      server.close();
    },
  };
}

const until = async <T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("anomaly observation", () => {
  let t: TestApp;
  let traffic: ReturnType<typeof fakeTraffic>;
  const stops: (() => void)[] = [];
  const registry = new DetectorRegistry({ detector: { window: 32 } });

  beforeAll(async () => {
    t = await startTestApp();
    Object.assign(t.app.config.config.observe, { anomaly_interval: 100, anomaly_window: 32, log_warmup: 60_000 });
    traffic = fakeTraffic();
    await new Promise<void>((r) => traffic.server.listen(0, "127.0.0.1", r));
    const { port } = traffic.server.address() as AddressInfo;
    await t.app.store.services.upsert({
      name: "cart",
      environment: "production",
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
      scrapeIntervalMs: 100,
      logSource: null,
      repository: null,
      repoPath: null,
    });
    stops.push(
      startLogObservation(t.app),
      startMetricsObservation(t.app),
      await startAnomalyObservation(t.app, { registry }),
    );
    await t.app.observation.scrapers.sync();
  });
  afterAll(async () => {
    for (const stop of stops) stop();
    traffic?.stop();
    await t?.dispose();
  });

  const anomalies = async (signal: string) =>
    (await t.app.events.list({ type: "anomaly.detected", limit: 100 })).filter((e) => e.data.signal === signal);

  it("flags the error ratio of a scraped service when its requests start failing", async () => {
    // let every component of the detector learn the steady state (a window of 32 samples, then
    // 50 calibrated scores), then break the service; only what is flagged after that counts here
    await until(
      "the error ratio detector to warm up",
      async () => (registry.samples("cart/error_ratio") >= 100 ? true : undefined),
      90_000,
    );
    const failedAt = t.app.clock.now();
    traffic.fail();
    const [event] = await until(
      "an error_ratio anomaly",
      async () => {
        const found = (await anomalies("error_ratio")).filter((e) => Number(e.data.at) >= failedAt);
        return found.length ? found : undefined;
      },
      30_000,
    );
    expect(event!.subject).toBe("series:cart/error_ratio");
    expect(event!.data).toMatchObject({ service: "cart", signal: "error_ratio" });
    expect(Number(event!.data.score)).toBeGreaterThanOrEqual(0.5);
    expect(Number(event!.data.value)).toBeGreaterThan(0.015);
    expect(String(event!.data.explanation)).not.toBe("");
    expect(event!.data.detector).toMatch(/^a new detector, \d+ samples$/); // no checkpoint to restore here
  }, 150_000);

  it("opens an incident for a never-seen error log line after the service's warm-up", async () => {
    const now = Date.now();
    const logs = t.app.observation.logs;
    const routine = Array.from({ length: 40 }, (_, i) => ({
      at: now - 600_000 + i * 10_000,
      service: "checkout",
      level: "info",
      message: `GET /checkout/${1000 + i} 200 in ${5 + (i % 7)} ms`,
      traceId: null,
      spanId: null,
      attributes: {},
      source: "http" as const,
    }));
    await logs.ingest(routine, "http");
    await logs.ingest(
      [
        {
          ...routine[0]!,
          at: now,
          level: "error",
          message: "TypeError: Cannot read properties of undefined (reading 'price') at total (/srv/cart.mjs:42:17)",
        },
      ],
      "http",
    );
    const [event] = await until("a new_log_template anomaly", async () => {
      const found = await anomalies("new_log_template");
      return found.length ? found : undefined;
    });
    expect(event!.data).toMatchObject({ service: "checkout", score: 0.9 });
    expect(String(event!.data.explanation)).toContain("TypeError");
    const incident = await until("an incident for checkout", async () => {
      await t.app.incidents.catchUp();
      const res = await t.server.inject({
        method: "GET",
        url: "/api/incidents",
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      return res.json().incidents.find((i: { services: string[] }) => i.services.includes("checkout"));
    });
    expect(incident.status).toBe("open");
  });
});
