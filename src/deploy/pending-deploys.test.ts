import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../common/clock.js";
import { silentLogger } from "../common/logger.js";
import { createSqliteTestDatabase, type TestDatabase } from "../../test/support/databases.js";
import { deployStore } from "../../test/support/deploy-store.js";
import { PendingDeploys } from "./pending-deploys.js";
import { undeployedRuns } from "./undeployed-runs.js";

describe("pending deploys", () => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });
  const setUp = async () => {
    tdb = await createSqliteTestDatabase();
    const d = await deployStore(tdb);
    const pendingOf = (delivery = d.delivery) =>
      new PendingDeploys({ store: d.store, events: d.events, log: silentLogger(), clock: systemClock }, delivery);
    const pendingRun = async () => (await d.store.pendingDeploys.get("web", "production"))?.runId;
    return { ...d, pendingOf, pendingRun };
  };

  it("a run whose deploy is under way is not reported superseded by a newer run queued meanwhile", async () => {
    const t = await setUp();
    const [v3, v4] = [await t.run("3".repeat(40)), await t.run("4".repeat(40))];
    const open = t.holdDeploys();
    const pending = t.pendingOf();
    const first = pending.queue(v3, "web", "production", "finished");
    await expect.poll(() => t.deployed).toEqual([v3.id]);
    const second = pending.queue(v4, "web", "production", "finished");
    await expect.poll(t.pendingRun).toBe(v4.id);
    open();
    await Promise.all([first, second]);
    expect(await t.skipped()).toEqual([]); // v3 ships; v4 waits for its rollout
    expect(t.deployed).toEqual([v3.id, v4.id]);
    expect((await t.events.list({ type: "deploy.pending", limit: 10 })).map((e) => e.subject)).toEqual([
      `run:${v4.id}`,
    ]);
  });

  it("keeps a run's row while its rollout is in flight, and removes it quietly once the rollout succeeded", async () => {
    const t = await setUp();
    const v1 = await t.run("1".repeat(40));
    const pending = t.pendingOf();
    await pending.queue(v1, "web", "production", "finished");
    expect(await t.pendingRun()).toBe(v1.id);
    const [rollout] = await t.store.rollouts.active();
    await pending.attemptAll(); // its rollout is in flight: nothing to do
    expect(t.deployed).toEqual([v1.id]);
    await t.end(rollout!, "succeeded");
    await pending.attemptAll();
    expect(await t.pendingRun()).toBeUndefined();
    expect(t.deployed).toEqual([v1.id]);
    expect(await t.skipped()).toEqual([]);
  });

  it("after a restart aborted the newest run's rollout, that run ships again and the older one never does", async () => {
    const t = await setUp();
    const [v3, v4] = [await t.run("3".repeat(40)), await t.run("4".repeat(40))];
    const before = t.pendingOf();
    await before.queue(v4, "web", "production", "finished"); // v4's rollout recorded, in flight
    await before.queue(v3, "web", "production", "finished"); // v3 finished later
    expect((await t.skipped()).map((s) => s.runId)).toEqual([v3.id]);
    before.stop();
    // the restart: recovery aborted v4's rollout; the scan and the pending deploys run at start
    const [rollout] = await t.store.rollouts.active();
    await t.end(rollout!, "aborted");
    expect(await undeployedRuns({ store: t.store, events: t.events }, ["production"])).toEqual([]);
    await t.pendingOf().attemptAll();
    expect(t.deployed).toEqual([v4.id, v4.id]);
    expect(await t.pendingRun()).toBe(v4.id);
    expect((await t.store.rollouts.active()).map((r) => r.releaseId)).toHaveLength(1);
  });
});
