/**
 * Drift and online updates of a deployed model on real stored history (SQLite and PostgreSQL):
 * a stream whose inputs shift raises `model.drift`, a stable one does not; an online update that
 * scores worse on the held-out newest runs is rolled back, one that does not is checkpointed live.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { applyOnlineUpdate, checkDrift, ModelRegistry, seededRandom } from "../../src/learning/index.js";
import { createStore } from "../../src/store/index.js";
import { testFailureModel } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { storeRunOutcomes } from "../support/test-history.js";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 1);

/** A stationary stream: each of 20 tests fails at random (seeded per run) 15 % of the time; `broken`: every test fails. */
function outcomes(run: number, broken = false): Record<string, boolean> {
  const next = seededRandom(run + 1);
  const o: Record<string, boolean> = {};
  for (let k = 0; k < 20; k++) o[`a.T.s${k}`] = broken || next() < 0.15;
  return o;
}

/** Regressions that stay until fixed: test k fails in runs [6k, 6k + 3) (mod 60). */
function streaks(run: number): Record<string, boolean> {
  const o: Record<string, boolean> = {};
  for (let k = 0; k < 10; k++) o[`a.T.s${k}`] = run % 60 >= 6 * k && run % 60 < 6 * k + 3;
  return o;
}

/** An update that turns the model upside down. */
const sabotaged = {
  ...testFailureModel,
  name: "test-failure-sabotaged",
  update: (s: ReturnType<typeof testFailureModel.initialState>) => ({
    ...s,
    weights: s.weights.map((w) => -w - 1),
  }),
};

describe.each(await testDialects())("model drift and online updates on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup() {
    tdb = await make();
    let now = T0;
    const clock: Clock = { now: () => now };
    const store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await store.projects.create({ name: "app", repoUrl: "/tmp/app" });
    const deps = { store, events: new EventLog(store.events, createMemoryBus(), clock), clock };
    const registry = new ModelRegistry(deps, [testFailureModel, sabotaged]);
    const add = async (from: number, to: number, make: (run: number) => Record<string, boolean> = outcomes) => {
      for (let i = from; i < to; i++) {
        await storeRunOutcomes(store, p.id, `${i}`.padStart(40, "0"), [make(i)], T0 + i * HOUR);
      }
      now = T0 + to * HOUR;
    };
    const split = { trainFrom: T0, trainTo: T0 + 39 * HOUR, evalTo: T0 + 59 * HOUR };
    return { store, deps, registry, add, split, scope: `project:${p.id}` };
  }

  it("raises model.drift when the inputs shift past the bound, and not before", async () => {
    const { store, deps, registry, add, split, scope } = await setup();
    await add(0, 60);
    await registry.train("test-failure", scope, split);
    await registry.promote("test-failure", scope, 1, { force: true });
    await add(60, 80);
    const stable = await checkDrift(deps, registry, "test-failure", scope, {
      from: T0 + 60 * HOUR,
      to: T0 + 80 * HOUR,
    });
    expect(stable?.features.length).toBe(6);
    expect(stable?.reasons.filter((r) => r.includes("PSI"))).toEqual([]);
    await add(80, 90, (i) => outcomes(i, true));
    const shifted = await checkDrift(deps, registry, "test-failure", scope, {
      from: T0 + 80 * HOUR,
      to: T0 + 90 * HOUR,
    });
    expect(shifted?.drifted).toBe(true);
    expect(shifted?.reasons.join("\n")).toMatch(/PSI \d\.\d+ > 0\.25/);
    const drift = await store.events.list({ type: "model.drift" });
    expect(drift).toHaveLength(1);
    expect(drift[0]!.data).toMatchObject({ model: "test-failure", version: 1 });
    expect(await checkDrift(deps, registry, "test-failure", "project:999", { from: 0, to: 1 })).toBeUndefined();
  });

  it("rolls back an online update that is worse on held-out runs and checkpoints one that is not", async () => {
    const { store, deps, registry, add, split, scope } = await setup();
    await add(0, 60, streaks);
    await registry.train("test-failure-sabotaged", scope, split);
    await registry.promote("test-failure-sabotaged", scope, 1, { force: true });
    await add(60, 120, streaks);
    const week = { from: T0 + 60 * HOUR, to: T0 + 120 * HOUR };
    const bad = await applyOnlineUpdate(deps, registry, "test-failure-sabotaged", scope, week);
    expect(bad.status).toBe("refused");
    expect(bad.reason).toMatch(/^online update rolled back: worse on recent held-out data: apfd/);
    expect((await store.modelVersions.live("test-failure-sabotaged", scope))?.version).toBe(1);

    await registry.train("test-failure", scope, split);
    await registry.promote("test-failure", scope, 1, { force: true });
    const ok = await applyOnlineUpdate(deps, registry, "test-failure", scope, week);
    const figures = ok.metrics.online as { comparison: { meanDelta: number } };
    expect(ok.status).toBe(figures.comparison.meanDelta < 0 ? "refused" : "live");
    expect(ok.parentVersion).toBe(1);
    expect(ok.counts).toMatchObject({ update: 42, heldOut: 18 });
  });
});
