import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, expect, it } from "vitest";
import { systemClock } from "../common/clock.js";
import { silentLogger } from "../common/logger.js";
import { createSqliteTestDatabase, type TestDatabase } from "../../test/support/databases.js";
import { deployStore } from "../../test/support/deploy-store.js";
import { startPipelineDeploys } from "./pipeline-deploys.js";

let tdb: TestDatabase | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  await tdb?.dispose();
  tdb = stop = undefined;
});

it("with a post-deploy watch, a pending deploy waits for the watch's end, and past a regression for its rollback", async () => {
  tdb = await createSqliteTestDatabase();
  const t = await deployStore(tdb);
  t.delivery.environments[0]!.watchMs = 60_000;
  const [v1, v2, v3] = [await t.run("1".repeat(40)), await t.run("2".repeat(40)), await t.run("3".repeat(40))];
  await t.end((await t.launch(v1.id)).rollout, "succeeded");
  const { rollout } = await t.launch(v2.id); // v2's canary is in flight
  await t.store.pendingDeploys.record(
    { ...t.where, runId: v3.id, runNumber: v3.number, commit: v3.commit, waiting: "finished" },
    Date.now(),
  );
  stop = await startPipelineDeploys(
    { store: t.store, events: t.events, bus: t.bus, log: silentLogger(), clock: systemClock },
    t.delivery,
  );
  expect(t.deployed).toEqual([v3.id]); // refused: v2's rollout is in progress

  await t.end(rollout, "succeeded"); // v2 live: its watch runs now
  const watched = (verdict: string) =>
    t.events.emit("release.watched", { kind: "release", id: rollout.releaseId }, { ...t.where, verdict, reason: null });
  await watched("regressed"); // the watch rolls v2 back
  await sleep(500);
  expect(t.deployed).toEqual([v3.id]);

  await t.end((await t.launch(v1.id, "rollback")).rollout, "succeeded");
  await expect.poll(() => t.deployed).toEqual([v3.id, v3.id]);
  expect((await t.store.rollouts.active()).map((r) => r.project)).toEqual(["web"]);
});

it("with a post-deploy watch that passes, the pending deploy starts after it", async () => {
  tdb = await createSqliteTestDatabase();
  const t = await deployStore(tdb);
  t.delivery.environments[0]!.watchMs = 60_000;
  const [v1, v2] = [await t.run("1".repeat(40)), await t.run("2".repeat(40))];
  const { rollout } = await t.launch(v1.id);
  await t.store.pendingDeploys.record(
    { ...t.where, runId: v2.id, runNumber: v2.number, commit: v2.commit, waiting: "finished" },
    Date.now(),
  );
  stop = await startPipelineDeploys(
    { store: t.store, events: t.events, bus: t.bus, log: silentLogger(), clock: systemClock },
    t.delivery,
  );
  await t.end(rollout, "succeeded");
  await sleep(500);
  expect(t.deployed).toEqual([v2.id]);
  await t.events.emit(
    "release.watched",
    { kind: "release", id: rollout.releaseId },
    { ...t.where, verdict: "healthy", reason: null },
  );
  await expect.poll(() => t.deployed).toEqual([v2.id, v2.id]);
});
