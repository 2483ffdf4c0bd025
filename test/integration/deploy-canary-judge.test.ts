/**
 * The default canary judge through the delivery API with real processes and the built-in router:
 * the canary is compared with a fresh baseline (replicas of the live release started with it and
 * given the same share of traffic) after a warm-up. An A/A deploy (the live commit again) passes
 * and a release answering 10 % of requests with 500s is rolled back; the fresh baseline takes
 * the canary's share of requests and is stopped afterwards.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDelivery } from "../../src/app/delivery.js";
import type { Delivery } from "../../src/deploy/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import type { DeliveringApp } from "../../src/app/app.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE =
  "name: ci\non: { push: { branches: [main] }, manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
// the default judge (fresh baseline, 50 requests per metric, alpha 0.01, minEffect 1.2), shorter windows
const CANARY = {
  canary: {
    steps: [
      { setWeight: 20 },
      { analysis: { interval: "2s", count: 3, inconclusiveLimit: 10, judge: { warmup: "2s" } } },
    ],
  },
};

describe("the canary judge through the delivery API", () => {
  let t: TestApp<DeliveringApp>;
  let repo: string;
  let delivery: Delivery;
  let stop: () => Promise<void>;
  let projectId: number;
  let liveRun: number;
  let running = true;
  let loops: Promise<void>[] = [];

  const build = async (behaviour: Record<string, unknown>) => {
    const commit = commitFiles(repo, { "behaviour.json": JSON.stringify(behaviour) }, `ship ${behaviour.version}`);
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    return res.run!.id;
  };
  const deploy = async (runId: number) => {
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId,
      by: "test",
      reason: "test",
    });
    return { rollout, state: await delivery.wait(rollout.id) };
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: CANARY }];
      },
      delivery: { drainMs: 1_000 },
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
    liveRun = await build({ version: "v1", delayMs: 2 });
    expect((await deploy(liveRun)).state).toBe("succeeded");
    // steady traffic: 4 clients, one request each per ~10 ms
    loops = Array.from({ length: 4 }, async () => {
      while (running) {
        const url = delivery.urlOf("web", "production");
        await fetch(`${url}/`).then(
          (r) => r.arrayBuffer(),
          () => undefined,
        );
        await new Promise((r) => setTimeout(r, 10));
      }
    });
  }, 120_000);
  afterAll(async () => {
    running = false;
    await Promise.all(loops);
    await stop?.();
    await t?.dispose();
  });

  it("passes an A/A deploy of the live commit, judged against a fresh baseline that then stops", async () => {
    const { rollout, state } = await deploy(liveRun);
    const done = await delivery.rollout(rollout.id);
    expect({ state, message: done.message }).toMatchObject({ state: "succeeded" });
    const start = done.steps.find((s) => s.kind === "start")?.detail as { freshBaseline?: string };
    expect(start.freshBaseline).toMatch(/^\d+~fresh\d+$/);
    const analysis = done.steps.find((s) => s.kind === "analysis")?.detail as {
      measurements: { results: { name: string; stats?: { canarySamples: number; baselineSamples: number } }[] }[];
    };
    const judged = analysis.measurements.at(-1)!.results.find((r) => r.name === "judge-errors")!.stats!;
    expect(judged.canarySamples).toBeGreaterThanOrEqual(50);
    // the fresh baseline had about the canary's share of the requests
    expect(judged.baselineSamples / judged.canarySamples).toBeGreaterThan(0.6);
    expect(judged.baselineSamples / judged.canarySamples).toBeLessThan(1.6);
    const seen = new Set(delivery.exchanges("production").map((e) => e.releaseId));
    expect(seen.has(start.freshBaseline!)).toBe(true);
    // stopped with the rollout: only the new live release runs
    const live = await t.app.store.releases.live("web", "production");
    expect(live?.id).toBe(rollout.releaseId);
    // every request arriving after the rollout ended goes to it (wait for 20 of them: a loaded
    // machine may send none in a fixed window)
    const ended = Date.now();
    const arrived = () => delivery.exchanges("production").filter((e) => e.at > ended);
    for (let i = 0; i < 600 && arrived().length < 20; i++) await new Promise((r) => setTimeout(r, 50));
    expect(arrived().length).toBeGreaterThanOrEqual(20);
    expect(new Set(arrived().map((e) => e.releaseId))).toEqual(new Set([String(rollout.releaseId)]));
  }, 90_000);

  it("rolls back a release that answers 10 % of requests with 500s", async () => {
    const before = await t.app.store.releases.live("web", "production");
    const { rollout, state } = await deploy(await build({ version: "v2", delayMs: 2, errorEvery: 10 }));
    expect(state).toBe("rolled_back");
    expect((await delivery.rollout(rollout.id)).message).toMatch(/^analysis failed: judge-errors: error rate/);
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(before?.id);
  }, 90_000);
});
