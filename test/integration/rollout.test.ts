/**
 * Progressive delivery end to end with real processes and real HTTP: releases built from real
 * pipeline runs of a real git repository, replicas supervised by the process target, traffic
 * through the built-in proxy under a steady client load, canaries judged by the statistical
 * judge with no thresholds written, blue-green switch and rollback, bad input, and recovery after
 * pitcrew dies mid-rollout.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDelivery } from "../../src/app/delivery.js";
import type { DeliveringApp } from "../../src/app/app.js";
import { healDeliveryOf } from "../../src/heal/index.js";
import type { Delivery } from "../../src/deploy/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE =
  "name: ci\non: { push: { branches: [main] }, manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 2\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const fast = { interval: "1s", count: 4, failureLimit: 1, inconclusiveLimit: 4 };
const CANARY = { canary: { steps: [{ setWeight: 50 }, { analysis: fast }] } };

/** A client that keeps requesting `url()` with 4 concurrent loops and counts what it saw. */
function steadyLoad(url: () => string | undefined) {
  const seen = { ok: 0, status5xx: 0, connectionErrors: 0, bodies: new Set<string>() };
  let running = true;
  const loop = async () => {
    while (running) {
      const u = url();
      if (!u) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      try {
        const res = await fetch(`${u}/`);
        const body = await res.text();
        if (res.status >= 500) seen.status5xx++;
        else seen.ok++;
        seen.bodies.add(body.split(" ")[0]!);
      } catch {
        seen.connectionErrors++;
      }
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  return {
    seen,
    reset() {
      Object.assign(seen, { ok: 0, status5xx: 0, connectionErrors: 0, bodies: new Set<string>() });
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe("progressive delivery", () => {
  let t: TestApp<DeliveringApp>;
  let repo: string;
  let delivery: Delivery;
  let stop: () => Promise<void>;
  let load: ReturnType<typeof steadyLoad>;
  let projectId: number;

  /** Commits a new behaviour, runs the pipeline on it and returns the run id. */
  const release = async (behaviour: Record<string, unknown>, extra: Record<string, string> = {}) => {
    const commit = commitFiles(
      repo,
      { "behaviour.json": JSON.stringify(behaviour), ...extra },
      `ship ${behaviour.version}`,
    );
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    return res.run!.id;
  };
  const deploy = async (runId: number, strategy: unknown = CANARY) => {
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId,
      strategy,
      by: "test",
      reason: "test",
    });
    return { rollout, state: await delivery.wait(rollout.id) };
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [
          { name: "production", router: "builtin", watch: 0, strategy: CANARY, env: { REGION: "eu-{{environment}}" } },
        ];
      },
      delivery: { drainMs: 2_000 },
    });
    repo = createRepo({
      "service.mjs": SERVICE,
      "behaviour.json": JSON.stringify({ version: "v0" }),
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": MANIFEST,
    });
    projectId = (await t.app.store.projects.create({ name: "web", repoUrl: repo, defaultBranch: "main" })).id;
    stop = await startDelivery(t.app);
    delivery = t.app.delivery;
    load = steadyLoad(() => delivery.urlOf("web", "production"));
    const first = await deploy(await release({ version: "v1" }));
    expect(first.state).toBe("succeeded");
  }, 120_000);
  afterAll(async () => {
    await load?.stop();
    await stop?.();
    await t?.dispose();
  });

  it("completes a canary of a good version, with no failed request on the way", async () => {
    load.reset();
    const { rollout, state } = await deploy(await release({ version: "v2" }));
    expect(state).toBe("succeeded");
    const done = await delivery.rollout(rollout.id);
    expect(done.steps.map((s) => [s.kind, s.status])).toEqual([
      ["start", "passed"],
      ["setWeight", "passed"],
      ["analysis", "passed"],
      ["setWeight", "passed"],
      ["scaleDown", "passed"],
    ]);
    const live = await t.app.store.releases.live("web", "production");
    expect(live?.id).toBe(rollout.releaseId);
    expect(live?.spec.env.REGION).toBe("eu-production"); // the environment's variables, rendered
    await new Promise((r) => setTimeout(r, 300));
    expect(load.seen).toMatchObject({ connectionErrors: 0, status5xx: 0 });
    expect(load.seen.bodies).toEqual(new Set(["v1", "v2"]));
  }, 90_000);

  it("rolls back a canary that answers 5 % of requests with 500s, judged without thresholds", async () => {
    const before = await t.app.store.releases.live("web", "production");
    load.reset();
    const { rollout, state } = await deploy(await release({ version: "v3", errorEvery: 20 }));
    expect(state).toBe("rolled_back");
    const done = await delivery.rollout(rollout.id);
    expect(done.message).toMatch(/analysis failed: .*error/i);
    expect((await t.app.store.releases.get(rollout.releaseId)).status).toBe("rolled_back");
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(before?.id);
    expect(load.seen.connectionErrors).toBe(0);
  }, 90_000);

  it("rolls back a canary that is 200 ms slower", async () => {
    load.reset();
    const { rollout, state } = await deploy(await release({ version: "v4", delayMs: 200 }));
    expect(state).toBe("rolled_back");
    expect((await delivery.rollout(rollout.id)).message).toMatch(/latency/i);
    expect(load.seen.connectionErrors).toBe(0);
  }, 90_000);

  it("switches blue-green and rolls back with zero failed requests", async () => {
    const before = await t.app.store.releases.live("web", "production");
    load.reset();
    const bg = { blueGreen: { autoPromote: true, scaleDownDelay: 0 } };
    const { rollout, state } = await deploy(await release({ version: "v5" }), bg);
    expect(state).toBe("succeeded");
    const back = await delivery.rollback({ project: "web", environment: "production", by: "test", reason: "test" });
    expect(await delivery.wait(back.rollout.id)).toBe("succeeded");
    const live = await t.app.store.releases.live("web", "production");
    expect(live?.commit).toBe(before?.commit);
    expect((await t.app.store.releases.get(rollout.releaseId)).status).toBe("rolled_back");
    await new Promise((r) => setTimeout(r, 300));
    expect(load.seen).toMatchObject({ connectionErrors: 0, status5xx: 0 });
    expect(load.seen.bodies.has("v5")).toBe(true);
  }, 90_000);

  it("rejects bad input with a clear error and deploys nothing", async () => {
    const count = async () => (await t.app.store.releases.list({ limit: 1000 })).length;
    const n = await count();
    const good = await release({ version: "v6" });
    await expect(deploy(good, { canary: { steps: [{ setWeight: 10, pauze: {} }] } })).rejects.toThrow(/strategy/);
    await expect(deploy(good, { canary: { steps: [{ setWeight: 120 }] } })).rejects.toThrow(/strategy/);
    await expect(deploy(good, { linear: {} })).rejects.toThrow(/strategy/);
    const broken = await release(
      { version: "v7" },
      { ".pitcrew/deploy.yaml": "start: node service.mjs\nreplica: 2\n" },
    );
    await expect(deploy(broken)).rejects.toThrow(/deploy\.yaml:\d+:\d+/);
    const remote = await release(
      { version: "v7b" },
      { ".pitcrew/deploy.yaml": `${MANIFEST}`.replace("/readyz", "http://10.0.0.1/readyz") },
    );
    await expect(deploy(remote)).rejects.toThrow(/health\.readiness: an absolute URL path on the replica/);
    const failing = commitFiles(repo, { "service.mjs": "this is not javascript(" }, "break the build");
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit: failing, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("failure");
    await expect(deploy(res.run!.id)).rejects.toThrow(/only a successful run is released/);
    await expect(
      delivery.deploy({ project: "web", environment: "moon", runId: good, by: "t", reason: "t" }),
    ).rejects.toThrow(/environment/);
    expect(await count()).toBe(n);
    commitFiles(repo, { "service.mjs": SERVICE, ".pitcrew/deploy.yaml": MANIFEST }, "repair the build");
  }, 90_000);

  it("fails a release whose replicas crash at start, leaving the live release serving", async () => {
    const before = await t.app.store.releases.live("web", "production");
    load.reset();
    const { rollout, state } = await deploy(await release({ version: "v8", crash: true }));
    expect(state).toBe("failed");
    expect((await t.app.store.releases.get(rollout.releaseId)).status).toBe("failed");
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(before?.id);
    expect(load.seen.connectionErrors).toBe(0);
    expect(load.seen.status5xx).toBe(0);
  }, 90_000);

  it("serves the healing loop: recent deploys, shipping a fix commit through CI, and a rollback", async () => {
    const heal = healDeliveryOf(t.app.runner, delivery);
    const settle = async (handle: string) => {
      const end = Date.now() + 60_000;
      for (;;) {
        const state = await heal.status(handle);
        if (state !== "running") return state;
        if (Date.now() > end) throw new Error(`${handle} still running`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const before = (await t.app.store.releases.live("web", "production"))!;
    const recent = await heal.recentDeploys("web", 0, Date.now());
    expect(recent.at(-1)).toMatchObject({
      environment: "production",
      release: String(before.id),
      commit: before.commit,
    });

    const fix = commitFiles(repo, { "behaviour.json": JSON.stringify({ version: "v9" }) }, "fix");
    const handle = await heal.startDeploy("web", fix, "heal of incident 1");
    expect(handle).toMatch(/^ship:web:production:\d+$/);
    expect(await settle(handle)).toBe("succeeded");
    const shipped = (await t.app.store.releases.live("web", "production"))!;
    expect(shipped.commit).toBe(fix);
    // what verification proves the fix with: every replica on it, and the requests it answered
    expect(await heal.replicasOf("web", fix)).toEqual(
      expect.arrayContaining([
        { release: String(shipped.id), commit: fix, hasFix: true, releasedAt: shipped.createdAt },
      ]),
    );
    const served = await heal.servedBy("web", [String(shipped.id)]);
    expect(served?.requests).toBeGreaterThan(0);
    expect(served?.total).toBeGreaterThan(served!.requests);
    expect(served?.failed).toBe(0);

    expect(await settle(await heal.startRollback("web", "the fix did not hold"))).toBe("succeeded");
    expect((await t.app.store.releases.live("web", "production"))?.commit).toBe(before.commit);
    await expect(heal.status("nonsense")).rejects.toThrow(/unknown delivery handle/);
  }, 120_000);

  it("reports DORA figures from the rollouts: deployments and the share that failed or was rolled back", async () => {
    const res = await t.server.inject({
      method: "GET",
      url: "/api/dora?days=1&environment=production",
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(res.statusCode).toBe(200);
    const dora = res.json();
    // v0 v2 v5 v9 succeeded (v5 and v9 rolled back later); v3 v4 rolled back by the judge; v8 failed
    expect(dora.deployments).toBe(7);
    expect(dora.changeFailureRate).toBeCloseTo(5 / 7, 5);
    expect(dora.byService).toEqual([expect.objectContaining({ service: "web", deployments: 7, failedDeployments: 5 })]);
  });

  it("deploys from the pipeline's deploy: stage once a run on main succeeds, never from a pull request", async () => {
    const withStage = `${PIPELINE.replace("on: {", "on: { pull_request: {},")}deploy:\n  - environment: production\n    branches: [main]\n`;
    const commit = commitFiles(
      repo,
      { ".pitcrew/pipeline.yaml": withStage, "behaviour.json": '{"version":"v10"}' },
      "stage",
    );
    const pr = await triggerRun(t.app.runner, projectId, {
      event: "pull_request",
      branch: "feature",
      baseBranch: "main",
      commit,
      triggeredBy: "test",
    });
    expect(await t.waitForRun(pr.run!.id)).toBe("success");
    expect(pr.run!.plan.deploy).toBeUndefined();
    const res = await triggerRun(t.app.runner, projectId, {
      event: "push",
      branch: "main",
      commit,
      triggeredBy: "test",
    });
    expect(res.run!.plan.deploy).toEqual(["production"]);
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    const end = Date.now() + 60_000;
    let release: Awaited<ReturnType<typeof t.app.store.releases.list>>[number] | undefined;
    while (!release && Date.now() < end) {
      release = (await t.app.store.releases.list({ project: "web", limit: 5 })).find((r) => r.runId === res.run!.id);
      if (!release) await new Promise((r) => setTimeout(r, 100));
    }
    expect(release?.triggeredBy).toMatch(/^pipeline:web#\d+$/);
    const rollout = (await t.app.store.rollouts.list({ project: "web", limit: 1 }))[0]!;
    expect(await delivery.wait(rollout.id)).toBe("succeeded");
  }, 120_000);
});
