/**
 * A refused log-templates checkpoint leaves the serving templates alone: a pitcrew app learns a
 * service's logs, checkpoints them (v1 live), learns a new kind of line, and an update that the
 * gate refuses is only not stored as live — the template learnt since v1 stays known, so its next
 * line raises nothing (before, the serving templates were put back to v1 and it was news again).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app/app.js";
import { checkpointLogTemplates } from "../../src/app/log-template-checkpoints.js";
import { configSchema } from "../../src/common/config/config-schema.js";
import { silentLogger } from "../../src/common/logger.js";
import { type LogTemplatesState, logTemplatesModel } from "../../src/detect/index.js";
import { ModelRegistry } from "../../src/learning/index.js";
import type { LogRecord } from "../../src/store/index.js";

const dataDir = mkdtempSync(join(tmpdir(), "pitcrew-logtemplates-refusal-"));
const T0 = Date.now() - 3600_000;

/** An update that forgets every template it learnt: the gate refuses it. */
const forgetful = {
  ...logTemplatesModel,
  update(state: LogTemplatesState, context: never[], items: Parameters<typeof logTemplatesModel.train>[0]) {
    return { ...logTemplatesModel.update!(state, context, items), templates: null };
  },
};

/** Cart's line `i` (one every 2 s from an hour ago); from line 900 on it also ships orders. */
function cart(i: number): LogRecord {
  const kinds = [`GET /cart/${1000 + (i % 97)} 200 in ${3 + (i % 11)} ms`, `cache hit for user ${(i * 13) % 501}`];
  if (i >= 900) kinds.push(`order ${i} shipped via carrier ${i % 3}`);
  const message = kinds[i % kinds.length]!;
  return {
    at: T0 + i * 2000,
    service: "cart",
    level: "info",
    message,
    traceId: null,
    spanId: null,
    attributes: {},
    source: "http",
  };
}

describe("a refused log-templates checkpoint", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps the templates learnt since the live version in the serving watcher", async () => {
    const config = configSchema.parse({ observe: { log_warmup: "1m" } });
    const app: App = await createApp(
      { config, dataDir, databaseUrl: `sqlite:${join(dataDir, "pitcrew.db")}` },
      { log: silentLogger() },
    );
    try {
      const watcher = app.observation.logTemplates;
      /** Stores lines [from, to) and mines them, as the log ingestion does. */
      const ingest = async (from: number, to: number) => {
        const records = Array.from({ length: to - from }, (_, j) => cart(from + j));
        await app.store.logRecords.insertMany(records);
        return watcher.observe(records);
      };
      await app.store.services.upsert({
        name: "cart",
        environment: "production",
        metricsUrl: null,
        scrapeIntervalMs: 15_000,
        logSource: null,
        repository: null,
        repoPath: null,
      });
      await ingest(0, 900);
      expect(await checkpointLogTemplates(app, "cart")).toMatchObject({ version: 1, status: "live" });
      const news = (await ingest(900, 1500)).filter((f) => f.kind === "new-template");
      expect(news.map((f) => f.template)).toEqual(["order <*> shipped via carrier <*>"]);

      const refusing = { ...app, models: new ModelRegistry(app, [forgetful]) } as App;
      expect(await checkpointLogTemplates(refusing, "cart")).toMatchObject({ version: 2, status: "refused" });
      expect((await app.store.modelVersions.live("log-templates", "service:cart"))?.version).toBe(1);

      // the order template learnt after v1 is still known: its next line is not news
      expect(cart(1502).message).toMatch(/^order /);
      expect(watcher.observe([cart(1502)])).toEqual([]);
      expect(watcher.provenance("cart")).toBe("learnt since it was first watched: 1501 lines");
      // a line never seen before still is
      const oops = { ...cart(1504), message: "disk full on /var/lib/cart" };
      expect(watcher.observe([oops]).map((f) => f.kind)).toEqual(["new-template"]);
    } finally {
      await app.close();
    }
  }, 60_000);
});
