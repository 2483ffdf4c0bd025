/**
 * The pipeline's deploy stage never loses a green protected run (deploy/pending-deploys.ts): a run
 * that finishes while another rollout is in progress waits as the pending deploy and ships when
 * that rollout ends; of two that finish meanwhile only the newer ships; a pending deploy survives a
 * restart and ships after it; and a run that finished while no deploy stage listened (a server
 * killed in between) is found by the scan at start; a run whose own rollout a restart aborted is
 * deployed again. On SQLite and PostgreSQL, with real processes.
 */
import { readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { DeliveringApp } from "../../src/app/app.js";
import { startDelivery } from "../../src/app/delivery.js";
import { triggerRun } from "../../src/runner/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { commitFiles, createRepo } from "../support/git-repo.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SERVICE = readFileSync(new URL("../fixtures/deploy/service.mjs", import.meta.url), "utf8");
const PIPELINE =
  "on: { manual: {} }\njobs:\n  test:\n    steps:\n      - run: node --check service.mjs\ndeploy:\n  - environment: production\n";
const MANIFEST = "start: [node, service.mjs]\nreplicas: 1\nhealth: { readiness: /readyz, liveness: /healthz }\n";
/** A canary that waits for `promote`: a rollout stays in progress as long as the test wants. */
const HELD_CANARY = { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } };

describe.each(await testDialects())("pending pipeline deploys on %s", (_name, makeDatabase) => {
  let tdb: TestDatabase;
  let t: TestApp<DeliveringApp>;
  let stopDelivery: () => Promise<void>;
  const dataDirs: string[] = [];
  const repo = createRepo({
    "service.mjs": SERVICE,
    "behaviour.json": JSON.stringify({ version: "v0" }),
    ".pitcrew/pipeline.yaml": PIPELINE,
    ".pitcrew/deploy.yaml": MANIFEST,
  });

  /** Starts a server on the test database, and its delivery (recovery and the deploy stage). */
  const start = async () => {
    t = await startTestApp({
      databaseUrl: tdb.url,
      configure: (c) => {
        c.environments = [{ name: "production", router: "builtin", watch: 0, strategy: HELD_CANARY }];
      },
      delivery: { drainMs: 100 },
    });
    dataDirs.push(t.dataDir);
    stopDelivery = await startDelivery(t.app);
  };
  /** Stops the server without cleaning up after it, as a crash would (its rollouts stay in flight). */
  const halt = async () => {
    await stopDelivery();
    await t.server.close();
    await t.app.close();
  };
  const build = async (version: string) => {
    const commit = commitFiles(repo, { "behaviour.json": JSON.stringify({ version }) }, version);
    const project = (await t.app.store.projects.findByName("web"))!;
    const { run } = await triggerRun(t.app.runner, project.id, { event: "manual", commit, triggeredBy: "test" });
    expect(await t.waitForRun(run!.id)).toBe("success");
    return run!.id;
  };
  const pendingRun = async () => (await t.app.store.pendingDeploys.get("web", "production"))?.runId;
  const liveRun = async () => (await t.app.store.releases.live("web", "production"))?.runId;
  /** The rollout held at its pause, newer than rollout `after`. */
  const heldRollout = async (after = 0) => {
    const held = async () => (await t.app.store.rollouts.active()).filter((r) => r.id > after);
    await expect.poll(async () => (await held()).map((r) => r.state), { timeout: 30_000 }).toEqual(["paused"]);
    return (await held())[0]!;
  };
  /** Promotes a held rollout (its runner waits for it shortly after the state says `paused`). */
  const promote = async (rolloutId: number) =>
    expect
      .poll(() =>
        t.app.delivery.promote(rolloutId).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
  const releasedRuns = async () =>
    (await t.app.store.releases.list({ project: "web", environment: "production", limit: 100 })).map((r) => r.runId);
  const events = async (type: string) =>
    (await t.app.events.list({ type, limit: 1000 })).map((e) => e.data as { runId: number; reason: string });

  afterAll(async () => {
    await halt().catch(() => {});
    await tdb?.dispose();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it("a run finishing during a rollout ships once it ends, and of two only the newer", async () => {
    tdb = await makeDatabase();
    await start();
    await t.app.store.projects.create({ name: "web", repoUrl: repo, sandbox: false });
    const v1 = await build("v1");
    await expect.poll(liveRun, { timeout: 30_000 }).toBe(v1);

    const v2 = await build("v2");
    const held = await heldRollout();
    const v3 = await build("v3");
    await expect.poll(async () => (await events("deploy.pending")).map((e) => e.runId)).toContain(v3);
    const v4 = await build("v4");
    await expect.poll(pendingRun).toBe(v4);
    expect((await events("deploy.skipped")).find((e) => e.runId === v3)?.reason).toMatch(/superseded/);
    const res = await t.server.inject({
      method: "GET",
      url: "/api/environments",
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(res.json().environments[0].projects[0].pending).toMatchObject({ runId: v4, runNumber: expect.any(Number) });

    await promote(held.id); // v2 goes live; the pending v4 follows
    const next = await heldRollout(held.id);
    expect(await liveRun()).toBe(v2);
    await promote(next.id);
    await expect.poll(liveRun, { timeout: 30_000 }).toBe(v4);
    expect(await releasedRuns()).not.toContain(v3);
    await expect.poll(pendingRun).toBeUndefined(); // removed once its rollout ended
  }, 180_000);

  it("a pending deploy, and a run no deploy stage saw, ship after a restart", async () => {
    const v5 = await build("v5");
    const held = await heldRollout(); // v5's canary
    expect((await t.app.store.releases.get(held.releaseId)).runId).toBe(v5);
    const v6 = await build("v6");
    await expect.poll(pendingRun).toBe(v6);

    await halt(); // v5's rollout in flight, v6 pending
    await start();
    await expect.poll(async () => (await t.app.store.rollouts.get(held.id)).state).toBe("aborted");
    await promote((await heldRollout()).id);
    await expect.poll(liveRun, { timeout: 30_000 }).toBe(v6);
    await expect.poll(pendingRun).toBeUndefined();

    await stopDelivery(); // no deploy stage listens while v7 finishes: the run is never recorded
    const v7 = await build("v7");
    expect(await pendingRun()).toBeUndefined();
    await t.server.close();
    await t.app.close();
    await start();
    await promote((await heldRollout()).id);
    await expect.poll(liveRun, { timeout: 30_000 }).toBe(v7);
    expect((await releasedRuns()).filter((r) => r === v5)).toHaveLength(1);
  }, 180_000);

  it("a run whose own rollout a restart aborted is deployed again after it", async () => {
    const v8 = await build("v8");
    const held = await heldRollout();
    expect((await t.app.store.releases.get(held.releaseId)).runId).toBe(v8);
    expect(await pendingRun()).toBe(v8); // kept while its rollout is in flight

    await halt();
    await start();
    await expect.poll(async () => (await t.app.store.rollouts.get(held.id)).state).toBe("aborted");
    const again = await heldRollout(held.id);
    expect((await t.app.store.releases.get(again.releaseId)).runId).toBe(v8);
    await promote(again.id);
    await expect.poll(liveRun, { timeout: 30_000 }).toBe(v8);
    await expect.poll(pendingRun).toBeUndefined();
  }, 180_000);
});
