/**
 * A canary analysis with a PromQL check through a real `pitcrew serve`: the server scrapes a
 * registered service's /metrics into its built-in TSDB, and the deploy's analysis check queries
 * it — the check runs and records the value (not "no metrics source is configured").
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepo } from "../support/git-repo.js";
import { HAS_DIST, type ServeProcess, startServe, until } from "../support/serve-process.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE = "on: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const ORDERS = 42;

describe.skipIf(!HAS_DIST)("PromQL analysis checks under pitcrew serve", () => {
  let exporter: Server;
  let serve: ServeProcess;

  beforeAll(async () => {
    exporter = createServer((_req, res) => res.end(`# TYPE shop_orders_total counter\nshop_orders_total ${ORDERS}\n`));
    await new Promise<void>((r) => exporter.listen(0, "127.0.0.1", r));
    const metricsUrl = `http://127.0.0.1:${(exporter.address() as AddressInfo).port}/metrics`;
    const repo = createRepo({
      "service.mjs": SERVICE,
      "behaviour.json": JSON.stringify({ version: "v1" }),
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": MANIFEST,
    });
    serve = await startServe({
      projects: [{ name: "web", repo, branch: "main", sandbox: false }],
      services: [{ name: "orders", environment: "production", metrics_url: metricsUrl, scrape_interval: "300ms" }],
      environments: [{ name: "production", router: "builtin", watch: "0s" }],
    });
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await new Promise((r) => exporter?.close(r));
  });

  it("runs the check against the built-in TSDB and records its value", async () => {
    // the scraper has stored a sample before the deploy asks for it
    await until(async () => {
      const q = await serve.api("GET", `/api/metrics/query?query=${encodeURIComponent("shop_orders_total")}`);
      return q.body?.data?.result?.length ? true : undefined;
    }, 20_000);
    const run = await serve.api("POST", "/api/projects/web/runs", { body: {} });
    expect(run.status).toBe(201);
    expect((await serve.waitForRun(run.body.id)).status).toBe("success");

    const check = { name: "orders", metric: { query: 'sum(shop_orders_total{job="orders"})' }, min: 1 };
    const analysis = { interval: "300ms", count: 1, judge: false, checks: [check] };
    const deployed = await serve.api("POST", "/api/environments/production/deploy", {
      body: { project: "web", run: run.body.id, strategy: { canary: { steps: [{ setWeight: 50 }, { analysis }] } } },
    });
    expect(deployed.status).toBe(202);
    const rollout = await until(async () => {
      const r = await serve.api("GET", `/api/rollouts/${deployed.body.rollout.id}`);
      return ["succeeded", "rolled_back", "failed", "aborted"].includes(r.body.state) ? r.body : undefined;
    }, 60_000);

    expect(rollout.state).toBe("succeeded");
    const step = rollout.steps.find((s: { kind: string }) => s.kind === "analysis");
    expect(step.detail.verdict).toBe("pass");
    expect(step.detail.measurements[0].results).toEqual([
      expect.objectContaining({ name: "orders", status: "pass", value: ORDERS }),
    ]);
  }, 90_000);
});
