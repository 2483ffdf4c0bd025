/**
 * Test flakiness as an online learned component on real stored history (SQLite and PostgreSQL):
 * trained through the gate (its labels checked on later runs against same-commit evidence),
 * explained per test, updated online as runs arrive, and an update that a storm of one-run
 * failures makes worse on the newest runs is rolled back while the live version keeps serving.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { ConflictError } from "../../src/common/errors.js";
import { applyOnlineUpdate, ModelRegistry, seededRandom } from "../../src/learning/index.js";
import { createStore } from "../../src/store/index.js";
import { type FlakinessState, testFlakinessModel } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { storeRunOutcomes } from "../support/test-history.js";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 1);
const MODEL = testFlakinessModel.name;

/**
 * The attempts of run `i` (a job retried once after a failure): two flaky tests fail 30 % of the
 * time (seeded) and pass on the retry; regression k fails on both attempts in runs
 * [10k + 5, 10k + 8); eight clean tests pass, except in `storms` (every clean test fails once,
 * no retry) and in `broken` runs (c.T.t0–t3 fail on both attempts).
 */
function attempts(i: number, storms: ReadonlySet<number>, broken: ReadonlySet<number>): Record<string, boolean>[] {
  const next = seededRandom(i + 7);
  const first: Record<string, boolean> = {};
  const retry: Record<string, boolean> = {};
  for (const k of [0, 1]) {
    const failed = next() < 0.3;
    first[`f.T.flaky${k}`] = failed;
    if (failed) retry[`f.T.flaky${k}`] = false;
  }
  for (let k = 0; k < 10; k++) {
    const failed = i >= 10 * k + 5 && i < 10 * k + 8;
    first[`r.T.reg${k}`] = failed;
    if (failed) retry[`r.T.reg${k}`] = true;
  }
  for (let k = 0; k < 8; k++) {
    const hard = broken.has(i) && k < 4;
    first[`c.T.t${k}`] = storms.has(i) || hard;
    if (hard) retry[`c.T.t${k}`] = true;
  }
  return Object.keys(retry).length ? [first, retry] : [first];
}

describe.each(await testDialects())("test flakiness model on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup(runs: number) {
    tdb = await make();
    let now = T0 + runs * HOUR;
    const clock: Clock = { now: () => now };
    const store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await store.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const deps = { store, events: new EventLog(store.events, createMemoryBus(), clock), clock };
    const registry = new ModelRegistry(deps, [testFlakinessModel]);
    const add = async (from: number, to: number, storms = new Set<number>(), broken = new Set<number>()) => {
      for (let i = from; i < to; i++)
        await storeRunOutcomes(store, p.id, `${i}`.padStart(40, "0"), attempts(i, storms, broken), T0 + i * HOUR);
      now = T0 + to * HOUR;
    };
    await add(0, runs);
    return { store, deps, registry, scope: `project:${p.id}`, add };
  }

  it("promotes a trained version whose labels beat the shipped default on later runs, and explains them", async () => {
    const { store, registry, scope } = await setup(60);
    const v = await registry.train(MODEL, scope, { trainFrom: T0, trainTo: T0 + 39 * HOUR, evalTo: T0 + 59 * HOUR });
    const live = await registry.promote(MODEL, scope, v.version);
    expect(live.status).toBe("live");
    expect(live.reason).toMatch(/^promoted: .*accuracy/);
    const d = live.metrics.decision as {
      candidate: { metrics: Record<string, number> };
      incumbent: typeof d.candidate;
    };
    expect(d.candidate.metrics).toMatchObject({ precision: 1, recall: 1, accuracy: 1 });
    expect(d.incumbent.metrics.recall).toBe(0);
    expect(d.candidate.metrics.failures).toBeGreaterThanOrEqual(5);

    const state = (await store.modelVersions.live(MODEL, scope))!.state as FlakinessState;
    expect(testFlakinessModel.predict(state, "f.T.flaky0")).toMatchObject({ flaky: true });
    expect(testFlakinessModel.predict(state, "r.T.reg1")).toMatchObject({ flaky: false, score: 0 });
    const why = testFlakinessModel.explain(state, "f.T.flaky0");
    expect(why.summary).toMatch(/^flaky: score 0\.\d\d from \d+ fail-and-pass runs, .* in 40 runs; latest: run \d+/);
    expect(why.features[0]).toMatchObject({ name: "mixed_runs" });
    expect(testFlakinessModel.explain(state, "c.T.t0").summary).toMatch(/^not flaky: score 0\.00 from 0 fail-and-pass/);
    expect(testFlakinessModel.explain(state, "x.T.unknown").summary).toBe("not flaky: never seen in the runs counted");
  });

  it("checkpoints an update that is not worse and rolls back one that a storm makes worse", async () => {
    const { store, deps, registry, scope, add } = await setup(60);
    const v1 = await registry.promote(
      MODEL,
      scope,
      (await registry.train(MODEL, scope, { horizonMs: 20 * HOUR })).version,
    );
    expect(v1.status).toBe("live");

    await add(60, 80);
    const kept = await applyOnlineUpdate(deps, registry, MODEL, scope, { from: v1.trainTo + 1, to: T0 + 80 * HOUR });
    expect(kept).toMatchObject({ status: "live", parentVersion: v1.version, counts: { update: 27, heldOut: 12 } });
    expect(kept.reason).toMatch(/^online update kept: not worse on recent held-out data: accuracy/);
    expect((kept.state as FlakinessState).through).toBe(kept.trainTo);
    expect((await store.modelVersions.get(MODEL, scope, v1.version)).status).toBe("retired");

    // a storm: every clean test fails once in two runs of the update's part; then four of them
    // really break in the held-out part, which labels learnt from the storm call flaky
    const from = kept.trainTo + 1;
    await add(80, 100, new Set([82, 84]), new Set([95, 96, 97]));
    const bad = await applyOnlineUpdate(deps, registry, MODEL, scope, { from, to: T0 + 100 * HOUR });
    expect(bad.status).toBe("refused");
    expect(bad.reason).toMatch(/^online update rolled back: worse on recent held-out data: accuracy 0\.\d+ vs 1\.0000/);
    expect((await store.modelVersions.live(MODEL, scope))?.version).toBe(kept.version);
    const stormed = bad.state as FlakinessState;
    expect(testFlakinessModel.predict(stormed, "c.T.t0").flaky).toBe(true);
    const types = (await store.events.list({ subjectPrefix: "model:" })).map((e) => e.type);
    expect(types.slice(-2)).toEqual(["model.updated", "model.update_rolled_back"]);
  });

  it("lets one of two online updates at once go live and refuses the other as superseded", async () => {
    const { store, deps, registry, scope, add } = await setup(60);
    const v1 = await registry.promote(
      MODEL,
      scope,
      (await registry.train(MODEL, scope, { horizonMs: 20 * HOUR })).version,
    );
    await add(60, 80);
    const window = { from: v1.trainTo + 1, to: T0 + 80 * HOUR };
    // the second update reads the live version, then the first one completes before it retires it
    let raced = false;
    const modelVersions = Object.create(store.modelVersions) as typeof store.modelVersions;
    modelVersions.transition = async (id, from, change) => {
      if (!raced && from.includes("live")) {
        raced = true;
        await applyOnlineUpdate(deps, registry, MODEL, scope, window);
      }
      return store.modelVersions.transition(id, from, change);
    };
    const racing = { ...deps, store: { ...store, modelVersions } };
    await expect(applyOnlineUpdate(racing, registry, MODEL, scope, window)).rejects.toThrow(ConflictError);
    const versions = await store.modelVersions.list({ model: MODEL, scope });
    expect(versions.filter((v) => v.status === "live")).toHaveLength(1);
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [3, "live"],
      [2, "refused"],
      [1, "retired"],
    ]);
    expect(versions[1]!.reason).toMatch(/^online update refused: superseded by a concurrent update/);
  });
});
