/**
 * A restarted server keeps scoring with what its detectors had learnt: a pitcrew app watches a
 * service's signal (stored samples of the built-in TSDB), checkpoints the calibration through the
 * gate (the API's online update), stops, and a new app on the same store restores the live version
 * plus the inputs after it — its detector is exactly the stopped one's, not a learning one. The
 * versions show through `pitcrew models list|show --service` and `GET /api/services/…/models`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resetCalibration } from "../../src/app/anomaly-checkpoints.js";
import { type App, createApp } from "../../src/app/app.js";
import { startAnomalyObservation } from "../../src/app/observe-anomalies.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { createServer } from "../../src/server/server.js";
import { runCli } from "../support/run-cli.js";

const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-calibration-"));
const databaseUrl = `sqlite:${join(dataDir, "pitcrew.db")}`;

/** An app on the shared store watching signal `load` (`demo_load{job=…}`) every 20 ms with a window of 64. */
async function start(): Promise<App> {
  const config = configSchema.parse({
    observe: {
      anomaly_interval: "20ms",
      anomaly_window: 64,
      signals: [{ name: "load", query: 'demo_load{job="{{service}}"}' }],
    },
  });
  return createApp({ config, dataDir, databaseUrl }, { log: silentLogger() });
}

const until = async (what: string, f: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("anomaly calibration across a restart", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("restores the checkpointed detectors and the inputs after them, then shows the versions", async () => {
    const first = await start();
    await first.store.services.upsert({
      name: "cart",
      environment: "production",
      metricsUrl: null,
      scrapeIntervalMs: 15_000,
      logSource: null,
      repository: null,
      repoPath: null,
    });
    let i = 0;
    const feed = setInterval(() => {
      const v = 50 + 10 * Math.abs((Math.sin(++i * 12.9898) * 43758.5453) % 1);
      void first.store.series.append([{ labels: { __name__: "demo_load", job: "cart" }, t: Date.now(), v }]);
    }, 7);
    const stopWatch = await startAnomalyObservation(first);
    const detectors = first.observation.detectors;
    await until("150 samples", () => detectors.samples("cart/load") >= 150);

    const server = createServer(first);
    await server.ready();
    const { token } = await first.store.tokens.create("t", "admin");
    const call = async (method: "GET" | "POST", url: string) => {
      const r = await server.inject({
        method,
        url,
        payload: method === "POST" ? {} : undefined,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: r.statusCode, body: r.json() };
    };
    const checkpoint = await call("POST", "/api/services/cart/models/anomaly-calibration/update");
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.body).toMatchObject({
      model: "anomaly-calibration",
      scope: "service:cart",
      version: 1,
      status: "live",
    });
    expect(checkpoint.body.state).toBeUndefined();
    const listed = await call("GET", "/api/services/cart/models");
    expect(listed.body.models.map((m: { name: string }) => m.name)).toEqual(["anomaly-calibration", "log-templates"]);
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
    expect((await call("POST", "/api/services/cart/models/test-flakiness/update")).status).toBe(400);
    expect((await call("GET", "/api/services/nope/models")).status).toBe(404);

    await until("60 samples after the checkpoint", () => detectors.samples("cart/load") >= 210);
    stopWatch();
    clearInterval(feed);
    await new Promise((r) => setTimeout(r, 200)); // a tick under way finishes
    const stopped = detectors.snapshot("cart/load")!;
    const seen = detectors.samples("cart/load");
    await server.close();
    await first.close();

    const second = await start();
    try {
      const stop = await startAnomalyObservation(second);
      stop();
      // no tick ran yet: what it holds is the restore (v1) plus the stored inputs after v1
      expect(second.observation.detectors.samples("cart/load")).toBe(seen);
      expect(second.observation.detectors.snapshot("cart/load")).toEqual(stopped);
      const v1 = (await second.store.modelVersions.get("anomaly-calibration", "service:cart", 1)).state as {
        series: [string, { ensemble: { seen: number } }][];
      };
      expect(second.observation.detectors.provenance("cart/load")).toBe(
        `anomaly-calibration v1 + ${seen - v1.series[0]![1].ensemble.seen} samples`,
      );
      // after a rolled-back checkpoint the detectors go back to the live version, without the samples since
      const live = (await second.store.modelVersions.live("anomaly-calibration", "service:cart"))!;
      await resetCalibration(second, "cart");
      expect(second.observation.detectors.snapshot("cart/load")).toEqual(
        (live.state as { series: [string, unknown][] }).series[0]![1],
      );
      // rolled back to the shipped default: they learn from nothing
      await second.models.rollback("anomaly-calibration", "service:cart");
      await resetCalibration(second, "cart");
      expect(second.observation.detectors.has("cart/load")).toBe(false);
    } finally {
      await second.close();
    }

    const config = join(dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${dataDir}\ndatabase:\n  url: ${databaseUrl}\n`);
    const list = await runCli(config, "models", "list", "--service", "cart");
    expect(list.out).toMatch(/anomaly-calibration +service +how unusual/);
    expect(list.out).toMatch(/anomaly-calibration +service:cart +1 +retired +rolled back by a user/);
    const show = await runCli(config, "models", "show", "anomaly-calibration", "1", "--service", "cart");
    expect(show.out).toMatch(/held out: calibration_error \d\.\d{4} \(before the update \d\.\d{4}\)/);
    const update = await runCli(config, "models", "update", "anomaly-calibration", "--service", "cart", "--json");
    expect(JSON.parse(update.out)).toMatchObject({ version: 2, parentVersion: null, scope: "service:cart" });
    const neither = await runCli(config, "models", "show", "anomaly-calibration", "1");
    expect(neither.err).toMatch(/give either --project .* or --service/);
  }, 60_000);
});
