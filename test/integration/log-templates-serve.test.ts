/**
 * A restarted server no longer learns a service's logs again: a pitcrew app ingests a service's
 * logs (stored, then mined by the log template watcher), checkpoints its templates through the
 * gate (the API's online update), stops, and a new app on the same store restores the live
 * `log-templates` version plus the lines after it — a routine line raises nothing, a never-seen
 * error is news naming the version. The versions show through `pitcrew models show log-templates
 * 1 --service cart` and a rollback through the API puts the serving templates back.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/app.js";
import { startAnomalyObservation } from "../../src/app/observe-anomalies.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { createServer } from "../../src/server/server.js";
import type { LogRecord } from "../../src/store/index.js";
import { runCli } from "../support/run-cli.js";

const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-logtemplates-"));
const databaseUrl = `sqlite:${join(dataDir, "pitcrew.db")}`;
const T0 = Date.now() - 3600_000;

async function start(): Promise<App> {
  const config = configSchema.parse({ observe: { log_warmup: "1m", anomaly_interval: "1h" } });
  return createApp({ config, dataDir, databaseUrl }, { log: silentLogger() });
}

/** Cart's routine line `i` (one every 2 s from an hour ago). */
function routine(i: number, level = "info", message?: string): LogRecord {
  const kinds = [`GET /cart/${1000 + (i % 97)} 200 in ${3 + (i % 11)} ms`, `cache hit for user ${(i * 13) % 501}`];
  return {
    at: T0 + i * 2000,
    service: "cart",
    level,
    message: message ?? kinds[i % 2]!,
    traceId: null,
    spanId: null,
    attributes: {},
    source: "http",
  };
}

describe("log templates across a restart", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("restores the checkpointed templates and the lines after them, then shows the versions", async () => {
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
    const stopWatch = await startAnomalyObservation(first);
    const newTemplates = () => first.store.events.list({ type: "log.template.new" });
    await first.observation.logs.ingest(
      Array.from({ length: 1000 }, (_, i) => routine(i)),
      "http",
    );
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
    const checkpoint = await call("POST", "/api/services/cart/models/log-templates/update");
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.body).toMatchObject({
      model: "log-templates",
      scope: "service:cart",
      version: 1,
      status: "live",
    });
    const listed = await call("GET", "/api/services/cart/models");
    expect(listed.body.models.map((m: { name: string }) => m.name)).toEqual(["anomaly-calibration", "log-templates"]);
    await first.observation.logs.ingest(
      Array.from({ length: 100 }, (_, i) => routine(1000 + i)),
      "http",
    );
    const before = first.observation.logTemplates.snapshot("cart")!;
    expect((await newTemplates()).length).toBe(0); // learnt during the warm-up
    stopWatch();
    await server.close();
    await first.close();

    const second = await start();
    try {
      const stop = await startAnomalyObservation(second);
      const restored = second.observation.logTemplates.snapshot("cart")!;
      expect(restored.miner).toEqual(before.miner);
      expect(restored.stats).toEqual(before.stats);
      expect(second.observation.logTemplates.provenance("cart")).toBe("log-templates v1 + 400 lines");
      // a routine line is known at once (no second warm-up), a never-seen error is news naming the version
      await second.observation.logs.ingest(
        [routine(1101), routine(1102, "error", "payment gateway refused card for order 77")],
        "http",
      );
      await new Promise((r) => setTimeout(r, 100)); // findings are emitted asynchronously
      const found = await second.store.events.list({ subjectPrefix: "service:cart" });
      const news = found.filter((e) => e.type === "log.template.new");
      expect(news).toHaveLength(1);
      expect(news[0]!.data).toMatchObject({ level: "error", learnt: "log-templates v1 + 401 lines" });
      stop();
      // rolled back to the shipped default: the service learns again
      const server2 = createServer(second);
      await server2.ready();
      const { token: t2 } = await second.store.tokens.create("t2", "admin");
      const rb = await server2.inject({
        method: "POST",
        url: "/api/services/cart/models/log-templates/rollback",
        payload: {},
        headers: { authorization: `Bearer ${t2}` },
      });
      expect(rb.statusCode).toBe(200);
      expect(second.observation.logTemplates.snapshot("cart")).toBeUndefined();
      await server2.close();
    } finally {
      await second.close();
    }

    const config = join(dataDir, "pitcrew.yaml");
    writeFileSync(config, `data_dir: ${dataDir}\ndatabase:\n  url: ${databaseUrl}\n`);
    const show = await runCli(config, "models", "show", "log-templates", "1", "--service", "cart");
    expect(show.out).toMatch(/held out: false_alarm_rate \d\.\d{4} \(before the update \d\.\d{4}\)/);
    const list = await runCli(config, "models", "list", "--service", "cart");
    expect(list.out).toMatch(/log-templates +service:cart +1 +retired/);
  }, 60_000);
});
