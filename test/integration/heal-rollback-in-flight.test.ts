/**
 * A heal's rollback that meets a rollout in flight — a canary whose errors opened the incident
 * before its own analysis ended — aborts that rollout, and the rollout ending `rolled_back` is the
 * mitigation done (it used to count as a failed rollback, five times, and the heal failed); one
 * that meets a rollback in flight joins it (aborting it put the bad release back). Real
 * pipeline runs of a real repository, real replica processes behind the built-in router.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { healDeliveryOf } from "../../src/heal/index.js";
import { triggerRun } from "../../src/runner/index.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE = "name: ci\non: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
/** A canary that stops at 20 % until someone promotes it: in flight for as long as the test needs. */
const PAUSED_CANARY = { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } };

describe("a heal's rollback during a rollout", () => {
  let t: TestApp<DeliveringApp>;
  let stop: () => Promise<void>;
  let repo: string;
  let projectId: number;

  const runOf = async (version: string) => {
    const commit = commitFiles(repo, { "behaviour.json": JSON.stringify({ version }) }, `ship ${version}`);
    const res = await triggerRun(t.app.runner, projectId, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(res.run!.id)).toBe("success");
    return res.run!.id;
  };

  beforeAll(async () => {
    t = await startTestApp({
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: PAUSED_CANARY, env: {} }];
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
    const first = await t.app.delivery.deploy({
      project: "web",
      environment: "production",
      runId: await runOf("v1"),
      by: "test",
      reason: "first deploy",
    });
    expect(await t.app.delivery.wait(first.rollout.id)).toBe("succeeded");
  }, 120_000);
  afterAll(async () => {
    await stop?.();
    await t?.dispose();
  });

  it("aborts the rollout in flight and counts it rolled back as the mitigation done", async () => {
    const delivery = t.app.delivery;
    const heal = healDeliveryOf(t.app.runner, delivery);
    const before = (await t.app.store.releases.live("web", "production"))!;
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId: await runOf("v2"),
      by: "test",
      reason: "a canary the incident catches mid-way",
    });
    const end = Date.now() + 60_000;
    while ((await delivery.rollout(rollout.id)).state !== "paused" && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    const handle = await heal.startRollback("web", "incident #9: deploy regression");
    expect(handle).toBe(`abort:${rollout.id}`);
    let state = await heal.status(handle);
    while (state === "running" && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      state = await heal.status(handle);
    }
    expect(state).toBe("succeeded");
    expect((await delivery.rollout(rollout.id)).state).toBe("rolled_back");
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(before.id);
  }, 120_000);

  it("counts a rollout its own analysis already rolled back as the mitigation done (no second rollback)", async () => {
    const delivery = t.app.delivery;
    const heal = healDeliveryOf(t.app.runner, delivery);
    const before = (await t.app.store.releases.live("web", "production"))!;
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId: await runOf("v3"),
      by: "test",
      reason: "a canary its analysis rolls back before the heal acts",
    });
    const end = Date.now() + 60_000;
    while ((await delivery.rollout(rollout.id)).state !== "paused" && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    await delivery.abort(rollout.id, "analysis failed: judge-errors");
    expect(await delivery.wait(rollout.id)).toBe("rolled_back");
    const handle = await heal.startRollback("web", "incident #10: deploy regression", String(before.id));
    expect(handle).toBe(`abort:${rollout.id}`);
    expect(await heal.status(handle)).toBe("succeeded");
    expect((await t.app.store.releases.live("web", "production"))?.id).toBe(before.id);
    expect((await t.app.store.rollouts.list({ project: "web", limit: 1 }))[0]?.id).toBe(rollout.id);
  }, 120_000);

  it("joins a rollback already in flight instead of aborting it (a heal's and the post-deploy watch's meet)", async () => {
    const delivery = t.app.delivery;
    const heal = healDeliveryOf(t.app.runner, delivery);
    const before = (await t.app.store.releases.live("web", "production"))!;
    const { rollout } = await delivery.deploy({
      project: "web",
      environment: "production",
      runId: await runOf("v4"),
      by: "test",
      reason: "a release the incident comes with",
      strategy: { blueGreen: { autoPromote: true, scaleDownDelay: 0 } },
    });
    expect(await delivery.wait(rollout.id)).toBe("succeeded");
    const first = await heal.startRollback("web", "incident #10: deploy regression");
    const second = await delivery.rollback({
      project: "web",
      environment: "production",
      by: "pitcrew",
      reason: "watch",
    });
    expect(`rollout:${second.rollout.id}`).toBe(first);
    const end = Date.now() + 60_000;
    let state = await heal.status(first);
    while (state === "running" && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      state = await heal.status(first);
    }
    expect(state).toBe("succeeded");
    expect((await t.app.store.releases.live("web", "production"))?.commit).toBe(before.commit);
  }, 120_000);
});
