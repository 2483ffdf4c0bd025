import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../test/support/test-app.js";
import { startMetricsObservation } from "./observe-metrics.js";

let t: TestApp;
let exporter: Server;
let dir: string;
let errors = 0;

beforeAll(async () => {
  t = await startTestApp();
  exporter = createServer((_req, res) => res.end(`errors_total ${errors++}\n`));
  await new Promise<void>((r) => exporter.listen(0, "127.0.0.1", r));
  dir = mkdtempSync(join(tmpdir(), "pitcrew-rules-"));
});
afterAll(async () => {
  await new Promise((r) => exporter.close(r));
  await t.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("startMetricsObservation", () => {
  it("refuses to start with an invalid rule file, listing positions", () => {
    writeFileSync(
      join(dir, "bad.yaml"),
      "groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: rate(x[1m]\n",
    );
    t.app.config.config.alerts.rule_files = [join(dir, "bad.yaml")];
    expect(() => startMetricsObservation(t.app)).toThrow(/bad\.yaml:5:15: error\[invalid-expr\]/);
  });

  it("registers configured services, scrapes them and fires pitcrew's rules", async () => {
    const c = t.app.config.config;
    const port = (exporter.address() as AddressInfo).port;
    c.services = [
      { name: "svc", environment: "test", metrics_url: `http://127.0.0.1:${port}/metrics`, scrape_interval: 500 },
    ];
    writeFileSync(
      join(dir, "rules.yaml"),
      "groups:\n  - name: svc\n    interval: 500ms\n    rules:\n      - alert: Growing\n        expr: errors_total > 1\n",
    );
    c.alerts.rule_files = [join(dir, "rules.yaml")];
    const stop = startMetricsObservation(t.app);
    try {
      let fired: unknown[] = [];
      for (let i = 0; i < 60 && fired.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        fired = await t.app.events.list({ type: "alert.firing" });
      }
      expect(fired).toMatchObject([
        { data: { name: "Growing", service: "svc", severity: "warning", source: "pitcrew-rules" } },
      ]);
      expect(await t.app.store.services.get("svc")).toMatchObject({ environment: "test", scrapeIntervalMs: 500 });
      const up = await t.app.observation.metrics.instantQuery("up", Date.now());
      expect(up.result).toMatchObject([
        { metric: { job: "svc", instance: `127.0.0.1:${port}` }, value: [expect.any(Number), "1"] },
      ]);
    } finally {
      stop();
    }
    expect(t.app.observation.scrapers.scrapers.size).toBe(0);
  });
});
