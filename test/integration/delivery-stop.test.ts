/**
 * Stopping delivery while a canary analysis is in progress: the analysis (one measurement every
 * 10 minutes) is interrupted, `stop` returns at once, the rollout stays in flight in the store
 * (nothing rolled back on the way out), and the next start's recovery reads it as interrupted.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { rolloutOutcome } from "../../src/deploy/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE = "on: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
const SLOW_CANARY = { canary: { steps: [{ setWeight: 20 }, { analysis: { interval: "10m", count: 3 } }] } };

describe("stopping delivery", () => {
  let t: TestApp<DeliveringApp>;
  let repo: string;
  let projectId: number;

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: SLOW_CANARY }];
      },
      delivery: { drainMs: 100 },
    });
    repo = createRepo({
      "service.mjs": SERVICE,
      "behaviour.json": JSON.stringify({ version: "v0" }),
      ".pitcrew/pipeline.yaml": PIPELINE,
      ".pitcrew/deploy.yaml": MANIFEST,
    });
    projectId = (await t.app.store.projects.create({ name: "web", repoUrl: repo, sandbox: false })).id;
  }, 60_000);
  afterAll(async () => {
    await t?.dispose();
  });

  const build = async (version: string) => {
    const commit = commitFiles(repo, { "behaviour.json": JSON.stringify({ version }) }, version);
    const { run } = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(run!.id)).toBe("success");
    return run!.id;
  };

  it("interrupts a canary analysis in progress and leaves the rollout to recovery", async () => {
    const stop = await startDelivery(t.app);
    const first = await t.app.delivery.deploy({
      project: "web",
      environment: "production",
      runId: await build("v1"),
      by: "test",
      reason: "first",
    });
    expect(await t.app.delivery.wait(first.rollout.id)).toBe("succeeded");

    const { rollout } = await t.app.delivery.deploy({
      project: "web",
      environment: "production",
      runId: await build("v2"),
      by: "test",
      reason: "canary",
    });
    await expect
      .poll(async () => (await t.app.delivery.rollout(rollout.id)).steps.map((s) => [s.kind, s.status]), {
        timeout: 30_000,
      })
      .toContainEqual(["analysis", "running"]);

    await stop(); // would wait out the 10-minute measurement interval without the interruption
    expect((await t.app.store.rollouts.get(rollout.id)).state).toBe("progressing");
    expect(await t.app.events.list({ type: "rollout.rolling_back" })).toEqual([]);

    await t.app.delivery.recover();
    expect(rolloutOutcome(await t.app.store.rollouts.get(rollout.id))).toMatchObject({ kind: "interrupted" });
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(first.release.id);
  }, 60_000);
});
