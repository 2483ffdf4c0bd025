/**
 * The learning loop on real stored history, SQLite and PostgreSQL: the test-failure model is
 * trained on a project's stored runs up to T, evaluated beside the incumbent on the runs after T,
 * and the gate's decision is applied with its figures; a deliberately broken candidate is refused
 * with the reason; forced promotion, rollback and shadow figures go through the same versions.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../src/common/clock.js";
import { createSecretBox } from "../../src/common/secret-box.js";
import { createMemoryBus, EventLog } from "../../src/events/index.js";
import { ModelRegistry } from "../../src/learning/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { testFailureModel } from "../../src/testintel/index.js";
import { type TestDatabase, testDialects } from "../support/databases.js";
import { storeRunOutcomes } from "../support/test-history.js";

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 1);

/** Test k fails in runs [6k, 6k + 3): regressions that stay until fixed. */
function outcomes(run: number): Record<string, boolean> {
  const o: Record<string, boolean> = {};
  for (let k = 0; k < 10; k++) o[`a.T.s${k}`] = run >= 6 * k && run < 6 * k + 3;
  return o;
}

/** A candidate that ranks the likely failures last: the inverse of what it learnt. */
const inverted = {
  ...testFailureModel,
  name: "test-failure-inverted",
  train: (items: Parameters<typeof testFailureModel.train>[0]) => {
    const s = testFailureModel.train(items);
    return { ...s, weights: s.weights.map((w) => -w), bias: -s.bias };
  },
};

describe.each(await testDialects())("model registry on %s", (_name, make) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.dispose();
    tdb = undefined;
  });

  async function setup(runs: number) {
    tdb = await make();
    let now = T0 + runs * HOUR;
    const clock: Clock = { now: () => now };
    const store: Store = createStore(tdb.database, clock, createSecretBox(randomBytes(32)));
    const p = await store.projects.create({ name: "app", repoUrl: "/tmp/app" });
    for (let i = 0; i < runs; i++)
      await storeRunOutcomes(store, p.id, `${i}`.padStart(40, "0"), [outcomes(i)], T0 + i * HOUR);
    const events = new EventLog(store.events, createMemoryBus(), clock);
    const registry = new ModelRegistry({ store, events, clock }, [testFailureModel, inverted]);
    return { store, registry, scope: `project:${p.id}`, p, advance: (ms: number) => (now += ms) };
  }
  // train on runs 0–39, evaluate on runs 40–59
  const split = { trainFrom: T0, trainTo: T0 + 39 * HOUR, evalTo: T0 + 59 * HOUR };

  it("refuses a broken candidate with its figures and reason, and keeps the shipped default", async () => {
    const { store, registry, scope } = await setup(60);
    const v = await registry.train("test-failure-inverted", scope, split);
    expect(v).toMatchObject({ version: 1, status: "candidate", counts: { train: 40, evaluation: 20 } });
    expect(v.counts.evaluationUnits).toBeGreaterThanOrEqual(5);
    const refused = await registry.promote("test-failure-inverted", scope, 1);
    expect(refused.status).toBe("refused");
    expect(refused.reason).toMatch(/^refused: not better than the incumbent: apfd/);
    const d = refused.metrics.decision as {
      candidate: { metrics: { apfd: number } };
      incumbent: { metrics: { apfd: number } };
    };
    expect(d.candidate.metrics.apfd).toBeLessThan(d.incumbent.metrics.apfd);
    expect(await store.modelVersions.live("test-failure-inverted", scope)).toBeUndefined();
    const types = (await store.events.list({ subjectPrefix: "model:" })).map((e) => e.type);
    expect(types).toEqual(["model.trained", "model.refused"]);
  });

  it("applies the gate to a trained candidate, forces, rolls back and records shadow figures", async () => {
    const { store, registry, scope, p, advance } = await setup(60);
    const v1 = await registry.train("test-failure", scope, split);
    const decided = await registry.promote("test-failure", scope, v1.version);
    const decision = decided.metrics.decision as { promote: boolean };
    expect(decided.status).toBe(decision.promote ? "live" : "refused");
    expect(decided.reason.startsWith(decision.promote ? "promoted:" : "refused:")).toBe(true);

    const v2 = await registry.train("test-failure", scope, split);
    const forced = await registry.promote("test-failure", scope, v2.version, { force: true });
    expect(forced.status).toBe("live");
    const v3 = await registry.train("test-failure", scope, split);
    expect(v3.parentVersion).toBe(v2.version);
    await registry.shadow("test-failure", scope, v3.version);
    for (let i = 60; i < 72; i++) {
      await storeRunOutcomes(store, p.id, `${i}`.padStart(40, "0"), [outcomes(i - 30)], T0 + i * HOUR);
    }
    advance(20 * HOUR);
    const [shadow] = await registry.recordShadow("test-failure", scope);
    const figures = shadow!.metrics.shadow as { candidate: number[]; incumbent: number[] };
    expect(figures.candidate.length).toBeGreaterThan(0);
    expect(figures.candidate.length).toBe(figures.incumbent.length);

    const restored = await registry.rollback("test-failure", scope, "bad week");
    expect(restored?.version ?? null).toBe(decision.promote ? v1.version : null);
    expect((await store.modelVersions.get("test-failure", scope, v2.version)).status).toBe("retired");
    await expect(registry.rollback("test-failure", "project:999")).rejects.toThrow(/no live version/);
    await expect(registry.train("nope", scope)).rejects.toThrow(/unknown model 'nope'/);
  });
});
