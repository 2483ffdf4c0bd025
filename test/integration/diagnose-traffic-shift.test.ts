/**
 * Diagnosis dates the error onset against shifts in traffic: a service that crashes only for a new
 * kind of request (a query key, a body field of another type), with no deploy or with an innocent
 * release in its canary, is diagnosed as a traffic shift carried by that request shape — which
 * leads to the fix path — and never as a deploy regression to roll back. Real pipeline runs of a
 * real repository, real replica processes behind the built-in router, their stderr ingested as logs.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { diagnoseIncident, type IncidentDiagnosis, type TrafficShiftData } from "../../src/diagnose/index.js";
import { healDeliveryOf } from "../../src/heal/index.js";
import { triggerRun } from "../../src/runner/index.js";
import type { Incident } from "../../src/store/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/shape-service.mjs", import.meta.url), "utf8");
const PIPELINE = "name: ci\non: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
/** A canary that stops at 50 % until the test promotes it. */
const PAUSED_CANARY = { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("diagnosis against shifts in traffic", () => {
  let t: TestApp<DeliveringApp>;
  let stop: () => Promise<void>;

  const project = async (name: string) => {
    const repo = createRepo({
      "service.mjs": SERVICE,
      "release.txt": "v0",
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": MANIFEST,
    });
    const { id } = await t.app.store.projects.create({ name, repoUrl: repo, defaultBranch: "main" });
    return { repo, id };
  };
  const runOf = async (p: { repo: string; id: number }, version: string) => {
    const commit = commitFiles(p.repo, { "release.txt": version }, `ship ${version}`);
    const res = await triggerRun(t.app.runner, p.id, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    return res.run!.id;
  };
  const deploy = async (name: string, runId: number) =>
    t.app.delivery.deploy({ project: name, environment: "production", runId, by: "test", reason: "ship" });
  /** `n` requests to `name`'s listener, one every `gapMs`; `shape(i)` says what each one is. */
  const traffic = async (
    name: string,
    n: number,
    gapMs: number,
    shape: (i: number) => RequestInit & { path: string },
  ) => {
    const base = t.app.delivery.urlOf(name, "production")!;
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const { path, ...init } = shape(i);
      const res = await fetch(`${base}${path}`, init);
      await res.text();
      statuses.push(res.status);
      await sleep(gapMs);
    }
    return statuses;
  };
  const incidentOf = (service: string, openedAt: number): Incident => ({
    id: 1,
    status: "open",
    title: "HighErrorRate",
    service,
    services: [service],
    severity: "critical",
    version: 1,
    openedAt,
    lastSignalAt: openedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    updatedAt: openedAt,
  });
  /** The diagnosis a heal makes of `service` now, with the heal's own delivery view. */
  const diagnose = async (service: string): Promise<IncidentDiagnosis> => {
    const heal = healDeliveryOf(t.app.runner, t.app.delivery);
    await sleep(500); // the replica's stderr is ingested in batches
    const now = Date.now();
    return diagnoseIncident(
      incidentOf(service, now - 1_000),
      {
        searchLogs: async (q) => (await t.app.store.logRecords.search(q)).records,
        recentDeploys: (s, since, until) => heal.recentDeploys(s, since, until),
        trafficByShape: (s, from, to) => heal.trafficByShape!(s, from, to),
      },
      { now, trafficHistoryMs: 3_000 },
    );
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: PAUSED_CANARY, env: {} }];
      },
      delivery: { drainMs: 1_000 },
    });
    stop = await startDelivery(t.app);
  }, 120_000);
  afterAll(async () => {
    await stop?.();
    await t?.dispose();
  });

  it("blames a new query shape, not a release, for a crash with no deploy", async () => {
    const items = await project("items");
    const first = await deploy("items", await runOf(items, "v1"));
    expect(await t.app.delivery.wait(first.rollout.id)).toBe("succeeded");

    const steady = await traffic("items", 40, 100, (i) => ({ path: `/items/${i % 50}` }));
    expect(steady.every((s) => s === 200)).toBe(true);
    // a client starts asking for tags: a few of those requests among the usual ones
    const mixed = await traffic("items", 40, 50, (i) =>
      i % 4 === 0 ? { path: `/items/${i}?expand=tags` } : { path: `/items/${i}` },
    );
    expect(mixed.filter((s) => s === 500)).toHaveLength(10);

    const d = await diagnose("items");
    const shift = d.hypotheses.find((h) => h.kind === "traffic_shift");
    expect(shift, d.summary).toBeDefined();
    const data = shift!.evidence[0]!.data as TrafficShiftData;
    expect(data).toMatchObject({
      shape: "GET /items/{int} ?expand=str",
      route: "GET /items/{int}",
      change: "new",
      before: { requests: 0 },
      after: { errors: 10 },
      errorShare: 1,
      othersErrorRate: 0,
    });
    expect(Object.values(data.errorsByRelease)).toEqual([10]);
    // the code path is there to fix, and nothing is rolled back
    expect(d.hypotheses.map((h) => h.kind)).toContain("code_bug");
    expect(d.trace).toMatch(/Cannot read properties of undefined \(reading 'map'\)/);
    expect(d.hypotheses.some((h) => h.kind === "deploy_regression" && h.confidence >= 0.5)).toBe(false);
    expect(d.hypotheses[0]!.kind).not.toBe("deploy_regression");
    // the values of the requests are not kept, only their shape
    expect(JSON.stringify(d)).not.toContain("expand=tags");
  }, 180_000);

  it("names a shape that one probe sent before, when its requests begin to fail late in a bucket", async () => {
    const catalog = await project("catalog");
    const first = await deploy("catalog", await runOf(catalog, "v1"));
    expect(await t.app.delivery.wait(first.rollout.id)).toBe("succeeded");
    await traffic("catalog", 20, 50, (i) => ({ path: `/items/${i % 50}` }));
    // someone tries the shape once (answered 200: `expand=name` has no tags to read), well
    // before clients start sending it for real — like a health probe of the outside e2e
    expect(await traffic("catalog", 1, 0, () => ({ path: "/items/1?expand=name" }))).toEqual([200]);
    // steady traffic for at least a bucket, then the errors begin 10 s into the next one: the 5xx
    // shape is under 5 % of the requests of the onset's whole bucket when the diagnosis reads them
    const { bucketMs } = (await healDeliveryOf(t.app.runner, t.app.delivery).trafficByShape!(
      "catalog",
      0,
      Date.now(),
    ))!;
    const bucketStart = (Math.ceil(Date.now() / bucketMs) + 1) * bucketMs;
    while (Date.now() < bucketStart + 10_000) await traffic("catalog", 10, 10, (i) => ({ path: `/items/${i}` }));
    const mixed = await traffic("catalog", 40, 10, (i) =>
      i % 10 === 0 ? { path: `/items/${i}?expand=tags` } : { path: `/items/${i}` },
    );
    expect(mixed.filter((s) => s === 500)).toHaveLength(4);

    const d = await diagnose("catalog");
    const shift = d.hypotheses.find((h) => h.kind === "traffic_shift");
    expect(shift, d.summary).toBeDefined();
    const data = shift!.evidence[0]!.data as TrafficShiftData;
    expect(data).toMatchObject({
      shape: "GET /items/{int} ?expand=str",
      change: "share jumped",
      before: { requests: 1 },
      after: { errors: 4 },
      errorShare: 1,
    });
    expect(data.after.share).toBeLessThan(0.05);
  }, 180_000);

  it("clears a release when the new body shape failed in its canary on the release it replaced too", async () => {
    const orders = await project("orders");
    const first = await deploy("orders", await runOf(orders, "v1"));
    expect(await t.app.delivery.wait(first.rollout.id)).toBe("succeeded");
    const order = (qty: number | string) => ({
      path: "/orders",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sku: "a-1", qty }),
    });
    await traffic("orders", 20, 100, () => order(2));

    // an innocent release goes into its canary; a client starts sending qty as a string; the
    // release is promoted and goes live
    const { rollout } = await deploy("orders", await runOf(orders, "v2"));
    const end = Date.now() + 60_000;
    while ((await t.app.delivery.rollout(rollout.id)).state !== "paused" && Date.now() < end) await sleep(100);
    await traffic("orders", 20, 100, () => order(2));
    const mixed = await traffic("orders", 60, 30, (i) => (i % 3 === 0 ? order("3") : order(1)));
    await t.app.delivery.promote(rollout.id);
    expect(await t.app.delivery.wait(rollout.id)).toBe("succeeded");
    // the errors go on for a while on the live release: the incident opens after it went live
    mixed.push(...(await traffic("orders", 30, 100, (i) => (i % 3 === 0 ? order("3") : order(1)))));
    expect(mixed.filter((s) => s === 500)).toHaveLength(30);

    const d = await diagnose("orders");
    const shift = d.hypotheses.find((h) => h.kind === "traffic_shift");
    expect(shift, d.summary).toBeDefined();
    const data = shift!.evidence[0]!.data as TrafficShiftData;
    expect(data.shape).toBe("POST /orders {qty:string,sku:string}");
    expect(data.after.errors).toBe(30);
    // both releases answered some of those requests, and both failed them
    expect(Object.keys(data.errorsByRelease).sort()).toEqual(
      [String(first.release.id), String(rollout.releaseId)].sort(),
    );
    const blame = d.hypotheses.find((h) => h.kind === "deploy_regression");
    expect(blame?.confidence).toBe(0.2);
    expect(blame?.explanation).toMatch(/failed on other releases too/);
    expect(d.hypotheses[0]!.kind).not.toBe("deploy_regression");
  }, 180_000);
});
