/**
 * Every replica pitcrew starts is told its OpenTelemetry identity — `OTEL_SERVICE_NAME` (the
 * service that ships the project) and `OTEL_RESOURCE_ATTRIBUTES` with `service.instance.id`,
 * `pitcrew.release` and `pitcrew.replica` — unless the service's config sets them; and an OTLP
 * export made with that identity is labelled by the OTLP ingest exactly as pitcrew's scrape of
 * the replica is (`job`, `instance`, `release`, `replica`). Real pipeline runs, real replica
 * processes reporting the environment they were given.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { parseOtlpMetrics } from "../../src/observe/metrics/otlp/otlp-metrics.js";
import { triggerRun } from "../../src/runner/index.js";
import { createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** Answers its own OpenTelemetry variables. */
const SERVICE = `import { createServer } from "node:http";
createServer((req, res) => {
  if (req.url === "/readyz" || req.url === "/healthz") return res.end("ok");
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ name: process.env.OTEL_SERVICE_NAME, attributes: process.env.OTEL_RESOURCE_ATTRIBUTES, port: process.env.PORT }));
}).listen(Number(process.env.PORT), "127.0.0.1");
`;
const PIPELINE = "name: ci\non: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const manifest = (env = "") =>
  `start: [node, service.mjs]\nreplicas: 2\nhealth: { readiness: /readyz, liveness: /healthz }\n${env}`;

/** `key=value,…` as a map. */
const attributesOf = (text: string) =>
  Object.fromEntries(
    text.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")), decodeURIComponent(kv.slice(kv.indexOf("=") + 1))]),
  );

describe("the OpenTelemetry identity of replicas", () => {
  let t: TestApp<DeliveringApp>;
  let stop: () => Promise<void>;

  /** Deploys a project whose deploy.yaml ends with `env`; returns what each replica reports (replica order). */
  const ship = async (name: string, env = "") => {
    const repo = createRepo({
      "service.mjs": SERVICE,
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": manifest(env),
    });
    const project = await t.app.store.projects.create({ name, repoUrl: repo, defaultBranch: "main" });
    const run = await triggerRun(t.app.runner, project.id, { event: "manual", triggeredBy: "test" });
    expect(await t.waitForRun(run.run!.id)).toBe("success");
    const { rollout, release } = await t.app.delivery.deploy({
      project: name,
      environment: "production",
      runId: run.run!.id,
      by: "test",
      reason: "ship",
    });
    expect(await t.app.delivery.wait(rollout.id)).toBe("succeeded");
    const placement = (await t.app.delivery.status("production")).find((p) => p.project === name)!;
    const replicas: { address: string; name?: string; attributes?: string }[] = [];
    for (const r of placement.replicas) {
      const got = (await (await fetch(`http://${r.address}/`)).json()) as Record<string, string>;
      replicas.push({ address: r.address, ...got });
    }
    return { release, replicas };
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, env: {} }];
      },
      delivery: { drainMs: 500 },
    });
    stop = await startDelivery(t.app);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
    await t?.dispose();
  });

  it("names the registered service, the replica's address, release and index — labels the OTLP ingest maps as the scrape does", async () => {
    await t.app.store.services.upsert({
      name: "storefront",
      environment: "production",
      metricsUrl: null,
      scrapeIntervalMs: 15_000,
      logSource: null,
      repository: "shop",
      repoPath: null,
    });
    const { release, replicas } = await ship("shop");
    expect(replicas).toHaveLength(2);
    for (const [index, r] of replicas.entries()) {
      expect(r.name).toBe("storefront");
      expect(attributesOf(r.attributes!)).toEqual({
        "service.instance.id": r.address,
        "pitcrew.release": String(release.id),
        "pitcrew.replica": String(index),
      });
      // what the replica's SDK would export with that identity
      const resource = {
        attributes: [
          { key: "service.name", value: { stringValue: r.name } },
          ...Object.entries(attributesOf(r.attributes!)).map(([key, v]) => ({ key, value: { stringValue: v } })),
        ],
      };
      const gauge = {
        name: "up_like",
        gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: String(Date.now() * 1e6) }] },
      };
      const batch = parseOtlpMetrics(
        { resourceMetrics: [{ resource, scopeMetrics: [{ metrics: [gauge] }] }] },
        Date.now(),
      );
      // the scrape of this replica labels it job=<service>, instance=<host:port>, release, replica
      expect(batch.points[0]!.samples[0]!.labels).toMatchObject({
        job: "storefront",
        instance: r.address,
        release: String(release.id),
        replica: String(index),
      });
    }
  }, 120_000);

  it("keeps what the service's config sets, adding only the identity keys it lacks", async () => {
    const env =
      'env: { OTEL_SERVICE_NAME: "api", OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,pitcrew.replica=7" }\n';
    const { release, replicas } = await ship("api-server", env);
    for (const r of replicas) {
      expect(r.name).toBe("api");
      expect(attributesOf(r.attributes!)).toEqual({
        "deployment.environment": "prod",
        "pitcrew.replica": "7",
        "service.instance.id": r.address,
        "pitcrew.release": String(release.id),
      });
    }
  }, 120_000);
});
